"""Statistical process control, the NHS England "Making Data Count" way.

Pure functions over dates and numbers: no database, no Flask, so every rule
can be checked against hand-worked examples.

Every rule below is the one NHSRplotthedots (the NHS-R community's open
implementation of Making Data Count) applies, so a chart here agrees point
for point with an analyst's R output; docs/projects-and-spc.md lists the few
places where we deliberately follow the Excel tool instead, and why.

An XmR chart has a mean and process limits at mean ± 2.66 × the mean moving
range. With `screen_outliers` (the default for new measures, as in
NHSRplotthedots), moving ranges at or above 3.267 × their mean are left out
in one pass and the mean moving range worked out again from the rest. With
`fix_after` (n of at least 12), the mean and limits come from the first n
points of each period only; every rule is still applied to every point.

Four rules flag special-cause variation:

* a point outside the limits (a point exactly on a limit is not outside);
* a shift: 7 or more consecutive points on the same side of the mean (a point
  exactly on the mean ends the run);
* a trend: 7 or more consecutive points all rising or all falling (two equal
  consecutive values end the run);
* two of three: in three consecutive points, at least two lie beyond the
  two-thirds line (two sigma) on one side, and all three lie on that side of
  the mean (a point on the mean voids the window). A point outside the limits
  never counts as one of the two; the points beyond the line are marked.

Each point carries one label, in this order: outside the limits, trend, two
of three, shift. A point in a trend takes the trend's direction (rising or
falling), not its side of the mean; a point at the turn of a rise and a fall
takes the direction of the step to its right. `rules` still lists every rule
that flagged the point, for the written description.

Re-baselining splits the series into periods; the point dated on the change
is the first point of the new period. Each period has its own mean, limits
and rules. A period with fewer than 12 points has no limits: it is drawn as a
run chart around its median, and no rule is applied (the Making Data Count
guidance; NHSRplotthedots draws trial limits there).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise
from statistics import fmean, median

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FRACTION = 2 / 3
# A moving range at or above this many times the mean moving range is unusually large.
LARGE_RANGE_FACTOR = 3.267
MIN_POINTS_FOR_LIMITS = 12
RUN_LENGTH = 7
# Limits and means are sums of floats, so "exactly on" means within rounding error.
_RELATIVE_TOLERANCE = 1e-9


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    NEITHER = "neither"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"


# When several rules flag a point, the one it carries (NHSRplotthedots' order).
LABEL_ORDER = (Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT)


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neither"  # special cause on a measure with no improvement direction
    TOO_FEW = "too_few"  # fewer than 12 points since the last re-baseline: no limits


class Assurance(StrEnum):
    MEET = "meet"
    MISS = "miss"
    HIT_AND_MISS = "hit_and_miss"


HIGH, LOW = 1, -1


@dataclass(frozen=True)
class Limits:
    mean: float
    mean_moving_range: float
    upper: float
    lower: float
    upper_near: float  # two thirds of the way from the mean to the upper limit
    lower_near: float
    baseline: int = 0  # how many points the limits come from
    ranges_left_out: int = 0  # unusually large moving ranges left out of the mean moving range


@dataclass(frozen=True)
class Period:
    start: int  # index of its first point
    end: int  # index after its last point
    centre: float  # the mean, or the median of a run chart
    limits: Limits | None

    @property
    def size(self) -> int:
        return self.end - self.start

    @property
    def has_limits(self) -> bool:
        return self.limits is not None


@dataclass(frozen=True)
class PointResult:
    index: int
    when: date
    value: float
    period: int
    moving_range: float | None
    rules: tuple[Rule, ...]  # every rule that flagged the point
    rule_sides: tuple[int, ...]  # the side each rule in `rules` found, in the same order
    side: int  # the side (or trend direction) of its label: HIGH, LOW, or 0 without one
    variation: Variation
    label: Rule | None = None  # the one rule the point carries (see LABEL_ORDER)

    def side_for(self, rule: Rule) -> int:
        return self.rule_sides[self.rules.index(rule)] if rule in self.rules else 0


@dataclass(frozen=True)
class Analysis:
    points: tuple[PointResult, ...]
    periods: tuple[Period, ...]
    direction: Direction
    target: float | None
    variation: Variation | None  # from the latest point; None when there is no data
    assurance: Assurance | None
    screen_outliers: bool = False
    fix_after: int | None = None

    @property
    def latest(self) -> PointResult | None:
        return self.points[-1] if self.points else None

    @property
    def current_period(self) -> Period | None:
        return self.periods[-1] if self.periods else None

    @property
    def is_run_chart(self) -> bool:
        return self.current_period is not None and not self.current_period.has_limits


# ------------------------------------------------------------------ comparisons


def _tolerance(line: float) -> float:
    return _RELATIVE_TOLERANCE * max(1.0, abs(line))


def _above(value: float, line: float) -> bool:
    return value > line + _tolerance(line)


def _below(value: float, line: float) -> bool:
    return value < line - _tolerance(line)


def _side_of(value: float, line: float) -> int:
    if _above(value, line):
        return HIGH
    if _below(value, line):
        return LOW
    return 0


# ------------------------------------------------------------------ the calculations


def moving_ranges(values: Sequence[float]) -> list[float]:
    """The absolute difference between each point and the one before it."""
    return [abs(b - a) for a, b in pairwise(values)]


def mean_moving_range(values: Sequence[float], screen_outliers: bool = False) -> tuple[float, int]:
    """The mean moving range of `values`, and how many unusually large ranges it leaves out."""
    ranges = moving_ranges(values)
    mr_bar = fmean(ranges)
    if not screen_outliers:
        return mr_bar, 0
    kept = [r for r in ranges if r < LARGE_RANGE_FACTOR * mr_bar]
    if not kept:  # every range is zero: there is nothing unusual to leave out
        return mr_bar, 0
    return fmean(kept), len(ranges) - len(kept)


def xmr_limits(
    values: Sequence[float], screen_outliers: bool = False, fix_after: int | None = None
) -> Limits:
    """Mean, mean moving range, process limits and near-limit lines of `values`
    (of its first `fix_after` values when that is given)."""
    baseline = list(values[:fix_after] if fix_after else values)
    if len(baseline) < 2:
        raise ValueError("process limits need at least two values")
    mean = fmean(baseline)
    mr_bar, left_out = mean_moving_range(baseline, screen_outliers)
    spread = LIMIT_FACTOR * mr_bar
    return Limits(
        mean=mean,
        mean_moving_range=mr_bar,
        upper=mean + spread,
        lower=mean - spread,
        upper_near=mean + NEAR_LIMIT_FRACTION * spread,
        lower_near=mean - NEAR_LIMIT_FRACTION * spread,
        baseline=len(baseline),
        ranges_left_out=left_out,
    )


def outside_limits(values: Sequence[float], limits: Limits) -> dict[int, int]:
    """Index → side of each point strictly beyond a process limit."""
    found = {}
    for i, value in enumerate(values):
        if _above(value, limits.upper):
            found[i] = HIGH
        elif _below(value, limits.lower):
            found[i] = LOW
    return found


def _runs(sides: Sequence[int]) -> Iterable[tuple[int, int, int]]:
    """(start, end, side) of each maximal run of equal non-zero sides."""
    start = 0
    for i in range(1, len(sides) + 1):
        if i == len(sides) or sides[i] != sides[start]:
            if sides[start] != 0:
                yield start, i, sides[start]
            start = i


def shifts(values: Sequence[float], centre: float) -> dict[int, int]:
    """Index → side of each point in a run of RUN_LENGTH or more on one side of `centre`."""
    sides = [_side_of(v, centre) for v in values]
    found = {}
    for start, end, side in _runs(sides):
        if end - start >= RUN_LENGTH:
            found.update(dict.fromkeys(range(start, end), side))
    return found


def trends(values: Sequence[float]) -> dict[int, int]:
    """Index → direction of each point in a run of RUN_LENGTH or more rising or falling points.

    A point at the turn of a rise and a fall belongs to both runs; it takes the
    direction of the run to its right (the step after it).
    """
    steps = [_side_of(b, a) for a, b in pairwise(values)]
    found: dict[int, int] = {}
    for start, end, side in _runs(steps):
        # `end - start` steps join `end - start + 1` points.
        if end - start + 1 >= RUN_LENGTH:
            found.update(dict.fromkeys(range(start, end + 1), side))
    return found


def two_of_three(values: Sequence[float], limits: Limits) -> dict[int, int]:
    """Index → side of each point beyond a near-limit line (and not beyond the
    process limit) in a window of three consecutive points, all on that side of
    the mean, of which at least two are beyond that line."""
    sides = [_side_of(v, limits.mean) for v in values]
    outside = outside_limits(values, limits)
    close = [
        0
        if i in outside
        else HIGH
        if _above(v, limits.upper_near)
        else LOW
        if _below(v, limits.lower_near)
        else 0
        for i, v in enumerate(values)
    ]
    found: dict[int, int] = {}
    for i in range(len(values) - 2):
        window = range(i, i + 3)
        side = sides[i]
        if side == 0 or any(sides[j] != side for j in window):
            continue
        beyond = [j for j in window if close[j] == side]
        if len(beyond) >= 2:
            found.update(dict.fromkeys(beyond, side))
    return found


def colour(side: int, direction: Direction) -> Variation:
    """Whether a special cause on `side` is an improvement or a concern."""
    if direction == Direction.NEITHER or side == 0:
        return Variation.NEUTRAL
    good = HIGH if direction == Direction.UP else LOW
    return Variation.IMPROVEMENT if side == good else Variation.CONCERN


def assurance(limits: Limits | None, target: float | None, direction: Direction):
    """Whether the process will meet `target`, judged from its limits.

    The comparison is strict, as in NHSRplotthedots: the process consistently
    meets (or misses) the target only when the target lies beyond a limit, so
    a target exactly on a limit is "hit and miss".
    """
    if limits is None or target is None or direction == Direction.NEITHER:
        return None
    if direction == Direction.UP:
        meets, misses = _below(target, limits.lower), _above(target, limits.upper)
    else:
        meets, misses = _above(target, limits.upper), _below(target, limits.lower)
    if meets:
        return Assurance.MEET
    if misses:
        return Assurance.MISS
    return Assurance.HIT_AND_MISS


def period_starts_for(dates: Sequence[date], change_dates: Iterable[date]) -> list[int]:
    """Indices where new periods begin: the first point on or after each change date."""
    starts = set()
    for changed in change_dates:
        index = next((i for i, d in enumerate(dates) if d >= changed), None)
        if index:  # a change before the first point (index 0) starts nothing new
            starts.add(index)
    return sorted(starts)


def _period_rules(values: Sequence[float], limits: Limits) -> dict[int, dict[Rule, int]]:
    hits: dict[int, dict[Rule, int]] = {}
    for rule, found in (
        (Rule.OUTSIDE_LIMITS, outside_limits(values, limits)),
        (Rule.SHIFT, shifts(values, limits.mean)),
        (Rule.TREND, trends(values)),
        (Rule.TWO_OF_THREE, two_of_three(values, limits)),
    ):
        for i, side in found.items():
            hits.setdefault(i, {})[rule] = side
    return hits


def _label(rule_sides: dict[Rule, int]) -> tuple[Rule | None, int]:
    """The one rule a point carries, and its side (a trend's direction for a trend)."""
    for rule in LABEL_ORDER:
        if rule in rule_sides:
            return rule, rule_sides[rule]
    return None, 0


def analyse(
    observations: Sequence[tuple[date, float]],
    direction: Direction | str = Direction.NEITHER,
    target: float | None = None,
    period_starts: Iterable[int] = (),
    screen_outliers: bool = False,
    fix_after: int | None = None,
) -> Analysis:
    """Analyse a measure's points (date, value) in date order.

    `screen_outliers` leaves unusually large moving ranges out of the limits;
    `fix_after` fixes each period's mean and limits on its first n points.
    """
    direction = Direction(direction)
    ordered = sorted(observations, key=lambda point: point[0])
    dates = [d for d, _ in ordered]
    values = [float(v) for _, v in ordered]
    bounds = [0, *sorted({s for s in period_starts if 0 < s < len(values)}), len(values)]
    periods, results = [], []
    for start, end in pairwise(bounds):
        if start == end:
            continue  # no points at all
        chunk = values[start:end]
        limits = (
            xmr_limits(chunk, screen_outliers, fix_after)
            if len(chunk) >= MIN_POINTS_FOR_LIMITS
            else None
        )
        centre = limits.mean if limits else median(chunk)
        periods.append(Period(start=start, end=end, centre=centre, limits=limits))
        hits = _period_rules(chunk, limits) if limits else {}
        ranges = [None, *moving_ranges(chunk)]
        for offset, value in enumerate(chunk):
            rule_sides = hits.get(offset, {})
            label, side = _label(rule_sides)
            results.append(
                PointResult(
                    index=start + offset,
                    when=dates[start + offset],
                    value=value,
                    period=len(periods) - 1,
                    moving_range=ranges[offset],
                    rules=tuple(rule for rule in Rule if rule in rule_sides),
                    rule_sides=tuple(rule_sides[rule] for rule in Rule if rule in rule_sides),
                    side=side,
                    variation=colour(side, direction) if label else Variation.COMMON_CAUSE,
                    label=label,
                )
            )
    current = periods[-1] if periods else None
    if not results:
        variation = None
    elif current is None or not current.has_limits:
        variation = Variation.TOO_FEW
    else:
        variation = results[-1].variation
    return Analysis(
        points=tuple(results),
        periods=tuple(periods),
        direction=direction,
        target=target,
        variation=variation,
        assurance=assurance(current.limits if current else None, target, direction),
        screen_outliers=screen_outliers,
        fix_after=fix_after,
    )
