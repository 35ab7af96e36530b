"""Statistical process control, the NHS England "Making Data Count" way.

Pure functions over dates and numbers: no database, no Flask, so every rule
can be checked against hand-worked examples.

An XmR chart has a mean and process limits at mean ± 2.66 × the mean moving
range. Four rules flag special-cause variation; each point is marked with
every rule it triggers:

* a point outside the limits (a point exactly on a limit is not outside);
* a shift: 7 or more consecutive points on the same side of the mean (a point
  exactly on the mean ends the run);
* a trend: 7 or more consecutive points all rising or all falling (two equal
  consecutive values end the run);
* two out of three consecutive points beyond the near-limit band (two thirds
  of the way from the mean to a limit) on the same side of the mean; the
  points beyond the band are marked.

Re-baselining splits the series into periods; each period has its own mean,
limits and rules. A period with fewer than 12 points has no limits: it is
drawn as a run chart around its median, and no rule is applied.
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
    rules: tuple[Rule, ...]
    rule_sides: tuple[int, ...]  # the side each rule in `rules` found, in the same order
    side: int  # HIGH, LOW, or 0 when the point has no signal (or its signals disagree)
    variation: Variation

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


def xmr_limits(values: Sequence[float]) -> Limits:
    """Mean, mean moving range, process limits and near-limit lines of `values`."""
    if len(values) < 2:
        raise ValueError("process limits need at least two values")
    mean = fmean(values)
    mr_bar = fmean(moving_ranges(values))
    spread = LIMIT_FACTOR * mr_bar
    return Limits(
        mean=mean,
        mean_moving_range=mr_bar,
        upper=mean + spread,
        lower=mean - spread,
        upper_near=mean + NEAR_LIMIT_FRACTION * spread,
        lower_near=mean - NEAR_LIMIT_FRACTION * spread,
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

    A point at the peak of a rise that turns into a fall belongs to both runs;
    its side is then 0 (no single direction).
    """
    steps = [_side_of(b, a) for a, b in pairwise(values)]
    found: dict[int, int] = {}
    for start, end, side in _runs(steps):
        # `end - start` steps join `end - start + 1` points.
        if end - start + 1 >= RUN_LENGTH:
            for i in range(start, end + 1):
                found[i] = side if found.get(i, side) == side else 0
    return found


def two_of_three(values: Sequence[float], limits: Limits) -> dict[int, int]:
    """Index → side of each point beyond a near-limit line that, with another
    within three consecutive points, makes two of three beyond it on that side."""
    found: dict[int, int] = {}
    for side, line in ((HIGH, limits.upper_near), (LOW, limits.lower_near)):
        beyond = [(_above(v, line) if side == HIGH else _below(v, line)) for v in values]
        for i in range(len(values) - 2):
            window = [j for j in range(i, i + 3) if beyond[j]]
            if len(window) >= 2:
                found.update(dict.fromkeys(window, side))
    return found


def colour(side: int, direction: Direction) -> Variation:
    """Whether a special cause on `side` is an improvement or a concern."""
    if direction == Direction.NEITHER or side == 0:
        return Variation.NEUTRAL
    good = HIGH if direction == Direction.UP else LOW
    return Variation.IMPROVEMENT if side == good else Variation.CONCERN


def assurance(limits: Limits | None, target: float | None, direction: Direction):
    """Whether the process will meet `target`, judged from its limits.

    Meeting the target means being at or better than it, so a limit exactly on
    the target still consistently meets it.
    """
    if limits is None or target is None or direction == Direction.NEITHER:
        return None
    if direction == Direction.UP:
        worst, best = limits.lower, limits.upper
        meets, misses = not _below(worst, target), _below(best, target)
    else:
        worst, best = limits.upper, limits.lower
        meets, misses = not _above(worst, target), _above(best, target)
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


def _point_side(rule_sides: dict[Rule, int], value: float, centre: float) -> int:
    """One side for a point's signals; where they disagree, its side of the mean wins."""
    sides = {side for side in rule_sides.values() if side != 0}
    if len(sides) == 1:
        return sides.pop()
    return _side_of(value, centre)


def analyse(
    observations: Sequence[tuple[date, float]],
    direction: Direction | str = Direction.NEITHER,
    target: float | None = None,
    period_starts: Iterable[int] = (),
) -> Analysis:
    """Analyse a measure's points (date, value) in date order."""
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
        limits = xmr_limits(chunk) if len(chunk) >= MIN_POINTS_FOR_LIMITS else None
        centre = limits.mean if limits else median(chunk)
        periods.append(Period(start=start, end=end, centre=centre, limits=limits))
        hits = _period_rules(chunk, limits) if limits else {}
        ranges = [None, *moving_ranges(chunk)]
        for offset, value in enumerate(chunk):
            rule_sides = hits.get(offset, {})
            side = _point_side(rule_sides, value, centre) if rule_sides else 0
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
                    variation=colour(side, direction) if rule_sides else Variation.COMMON_CAUSE,
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
    )
