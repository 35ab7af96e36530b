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
run chart around its median (the Making Data Count guidance; NHSRplotthedots
draws trial limits there) and read with the run-chart rules instead (a shift of
6 around the median, a trend of 5, too few or too many runs, an astronomical
point).

Every chart type goes through `analyse`: only the centre and limits differ by
type (`_limits_of`: XmR; P and Laney's P′; U and U′; C; T; G), with limits of
their own at each point where the denominator varies; the rules, the labels,
the colours and assurance are the same for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import pairwise
from math import sqrt
from statistics import fmean, median, quantiles

LIMIT_FACTOR = 2.66
NEAR_LIMIT_FRACTION = 2 / 3
# A moving range at or above this many times the mean moving range is unusually large.
LARGE_RANGE_FACTOR = 3.267
MIN_POINTS_FOR_LIMITS = 12
RUN_LENGTH = 7
# Limits and means are sums of floats, so "exactly on" means within rounding error.
_RELATIVE_TOLERANCE = 1e-9


class ChartType(StrEnum):
    """What a measure's data are, and so which chart draws them."""

    XMR = "xmr"  # a single value per period
    P = "p"  # a proportion: numerator / denominator
    P_PRIME = "p_prime"  # a proportion, Laney's P′ (very large denominators)
    U = "u"  # a rate: numerator / exposure
    U_PRIME = "u_prime"  # a rate, Laney's U′
    C = "c"  # a count per equal period
    T = "t"  # a rare event: time (days) between events
    G = "g"  # a rare event: cases (or opportunities) between events


WITH_DENOMINATOR = frozenset({ChartType.P, ChartType.P_PRIME, ChartType.U, ChartType.U_PRIME})
PROPORTIONS = frozenset({ChartType.P, ChartType.P_PRIME})
# Counts and times cannot be negative, so neither can their limits.
NEVER_NEGATIVE = frozenset(ChartType) - {ChartType.XMR}
SIGMA_LIMITS = 3
# d2 for moving ranges of two: the mean moving range / 1.128 estimates sigma.
D2 = 1.128
# A T chart draws times between events transformed to near-symmetry (Nelson's
# y = t ** (1 / 3.6)), as qicharts2 does, then back.
T_POWER = 3.6


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    NEITHER = "neither"


class Rule(StrEnum):
    OUTSIDE_LIMITS = "outside_limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    # The run-chart rules (Perla, Provost and Murray), for periods too short for limits.
    ASTRONOMICAL = "astronomical"
    RUN_SHIFT = "run_shift"
    RUN_TREND = "run_trend"


# When several rules flag a point, the one it carries (NHSRplotthedots' order; on a
# run chart, an astronomical point, then a trend, then a shift).
LABEL_ORDER = (
    Rule.OUTSIDE_LIMITS, Rule.TREND, Rule.TWO_OF_THREE, Rule.SHIFT,
    Rule.ASTRONOMICAL, Rule.RUN_TREND, Rule.RUN_SHIFT,
)  # fmt: skip
RUN_CHART_RULES = (Rule.ASTRONOMICAL, Rule.RUN_TREND, Rule.RUN_SHIFT)
RUN_CHART_SHIFT = 6  # or more points on one side of the median (points on it are skipped)
RUN_CHART_TREND = 5  # or more points each higher (or lower) than the last (ties skipped)
# Fewest and most runs expected by chance, by the number of useful observations (points
# not on the median): the table in Perla, Provost & Murray, "The run chart" (2011),
# from the Swed-Eisenhart distribution. With fewer than 10 there is no runs test.
RUNS_EXPECTED = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12), 16: (5, 13),
    17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16),
}  # fmt: skip
# An astronomical point is "blatantly different from all the others"; we make that a
# rule anyone can check: beyond Tukey's far-out fences, three interquartile ranges
# below the lower quartile or above the upper one.
ASTRONOMICAL_FACTOR = 3


class Variation(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neither"  # special cause on a measure with no improvement direction
    TOO_FEW = "too_few"  # fewer than 12 points since the last re-baseline: no limits


class RunsVerdict(StrEnum):
    TOO_FEW = "too_few"  # the data cross the median less often than chance would
    TOO_MANY = "too_many"  # more often: alternating, perhaps two processes mixed


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
    # Laney's sigma-z (P′ and U′): how much wider than binomial/Poisson the limits are.
    sigma_z: float | None = None


@dataclass(frozen=True)
class Period:
    start: int  # index of its first point
    end: int  # index after its last point
    centre: float  # the mean (p̄, ū, c̄, ḡ), or the median of a run chart
    limits: Limits | None  # a chart whose limits vary by point: those of its last point
    # Each point's own limits where the denominator varies (P, P′, U, U′); empty otherwise.
    point_limits: tuple[Limits, ...] = ()
    # A run chart's runs: how many points are not on the median, how many runs they
    # make, and whether that is too few or too many (None when the table has no row).
    useful: int = 0
    runs: int = 0
    runs_verdict: RunsVerdict | None = None

    def limits_at(self, index: int) -> Limits | None:
        """The limits of the point at `index` (counting from the chart's first point)."""
        if self.point_limits:
            return self.point_limits[index - self.start]
        return self.limits

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
    numerator: float | None = None  # for a proportion or a rate: the value is numerator /
    denominator: float | None = None  # denominator
    lower: float | None = None  # the point's own process limits (None on a run chart)
    upper: float | None = None

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
    chart_type: ChartType = ChartType.XMR

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


def _each(limits: Limits | Sequence[Limits], count: int) -> Sequence[Limits]:
    """One Limits per point: the same for every point, or each point's own."""
    return [limits] * count if isinstance(limits, Limits) else limits


def outside_limits(values: Sequence[float], limits: Limits | Sequence[Limits]) -> dict[int, int]:
    """Index → side of each point strictly beyond a process limit (its own, where limits
    vary by point)."""
    found = {}
    for i, (value, own) in enumerate(zip(values, _each(limits, len(values)), strict=True)):
        if _above(value, own.upper):
            found[i] = HIGH
        elif _below(value, own.lower):
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


def two_of_three(values: Sequence[float], limits: Limits | Sequence[Limits]) -> dict[int, int]:
    """Index → side of each point beyond a near-limit line (and not beyond the
    process limit) in a window of three consecutive points, all on that side of
    the mean, of which at least two are beyond that line."""
    each = _each(limits, len(values))
    sides = [_side_of(v, own.mean) for v, own in zip(values, each, strict=True)]
    outside = outside_limits(values, each)
    close = [
        0
        if i in outside
        else HIGH
        if _above(v, own.upper_near)
        else LOW
        if _below(v, own.lower_near)
        else 0
        for i, (v, own) in enumerate(zip(values, each, strict=True))
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


def _period_rules(
    values: Sequence[float], limits: Limits | Sequence[Limits], centre: float
) -> dict[int, dict[Rule, int]]:
    hits: dict[int, dict[Rule, int]] = {}
    for rule, found in (
        (Rule.OUTSIDE_LIMITS, outside_limits(values, limits)),
        (Rule.SHIFT, shifts(values, centre)),
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


# ------------------------------------------------------------------ run charts


def run_chart_shifts(values: Sequence[float], median_: float) -> dict[int, int]:
    """Index → side of each point in a run of 6 or more on one side of the median.

    Points on the median neither add to a run nor end it (they are skipped).
    """
    useful = [(i, _side_of(v, median_)) for i, v in enumerate(values)]
    useful = [(i, side) for i, side in useful if side != 0]
    found: dict[int, int] = {}
    for start, end, side in _runs([side for _, side in useful]):
        if end - start >= RUN_CHART_SHIFT:
            found.update(dict.fromkeys((useful[k][0] for k in range(start, end)), side))
    return found


def run_chart_trends(values: Sequence[float]) -> dict[int, int]:
    """Index → direction of each point in 5 or more each higher (or lower) than the last.

    A point equal to the one before it is skipped: it neither adds to the trend nor
    ends it (it is flagged with the trend it sits in).
    """
    kept = [0]  # indices of points that differ from the kept point before them
    for i in range(1, len(values)):
        if _side_of(values[i], values[kept[-1]]) != 0:
            kept.append(i)
    steps = [_side_of(values[b], values[a]) for a, b in pairwise(kept)]
    found: dict[int, int] = {}
    for start, end, side in _runs(steps):
        if end - start + 1 >= RUN_CHART_TREND:
            found.update(dict.fromkeys(range(kept[start], kept[end] + 1), side))
    return found


def runs_of(values: Sequence[float], median_: float) -> tuple[int, int, RunsVerdict | None]:
    """(useful observations, runs, verdict): too few or too many runs by the table."""
    sides = [side for side in (_side_of(v, median_) for v in values) if side != 0]
    runs = sum(1 for _ in _runs(sides)) if sides else 0
    expected = RUNS_EXPECTED.get(len(sides))
    verdict = None
    if expected and runs < expected[0]:
        verdict = RunsVerdict.TOO_FEW
    elif expected and runs > expected[1]:
        verdict = RunsVerdict.TOO_MANY
    return len(sides), runs, verdict


def astronomical_points(values: Sequence[float]) -> dict[int, int]:
    """Index → side of each point beyond Tukey's far-out fences (Q1 − 3 IQR, Q3 + 3 IQR).

    With no spread between the quartiles (most points equal) nothing is astronomical:
    one different point among equal ones is not judged from a spread of zero.
    """
    if len(values) < 4:
        return {}
    lower_quartile, _, upper_quartile = quantiles(values, n=4, method="inclusive")
    spread = upper_quartile - lower_quartile
    if spread <= 0:
        return {}
    low = lower_quartile - ASTRONOMICAL_FACTOR * spread
    high = upper_quartile + ASTRONOMICAL_FACTOR * spread
    return {
        i: HIGH if _above(v, high) else LOW
        for i, v in enumerate(values)
        if _above(v, high) or _below(v, low)
    }


def _run_chart_rules(values: Sequence[float], median_: float) -> dict[int, dict[Rule, int]]:
    hits: dict[int, dict[Rule, int]] = {}
    for rule, found in (
        (Rule.ASTRONOMICAL, astronomical_points(values)),
        (Rule.RUN_SHIFT, run_chart_shifts(values, median_)),
        (Rule.RUN_TREND, run_chart_trends(values)),
    ):
        for i, side in found.items():
            hits.setdefault(i, {})[rule] = side
    return hits


def _band(centre: float, sigma: float, floor: float | None, ceiling: float | None) -> Limits:
    """Limits at centre ± 3 sigma and near lines at ± 2 sigma, kept within [floor, ceiling]."""

    def kept(value: float) -> float:
        if floor is not None:
            value = max(floor, value)
        if ceiling is not None:
            value = min(ceiling, value)
        return value

    return Limits(
        mean=centre,
        mean_moving_range=sigma * D2,
        upper=kept(centre + SIGMA_LIMITS * sigma),
        lower=kept(centre - SIGMA_LIMITS * sigma),
        upper_near=kept(centre + NEAR_LIMIT_FRACTION * SIGMA_LIMITS * sigma),
        lower_near=kept(centre - NEAR_LIMIT_FRACTION * SIGMA_LIMITS * sigma),
    )


def laney_sigma_z(values: Sequence[float], centre: float, sigmas: Sequence[float]) -> float:
    """Laney's sigma-z: the spread of the points' z-scores, from their mean moving range.

    1 means the data vary as the binomial (or Poisson) model expects; more, that
    they vary more than it (overdispersion, usual with very large denominators).
    """
    scores = [(v - centre) / s if s > 0 else 0.0 for v, s in zip(values, sigmas, strict=True)]
    if len(scores) < 2:
        return 1.0
    return fmean(moving_ranges(scores)) / D2


def attribute_limits(
    chart_type: ChartType,
    numerators: Sequence[float],
    denominators: Sequence[float],
    fix_after: int | None = None,
) -> tuple[float, list[Limits]]:
    """The centre line and each point's limits of a P, P′, U or U′ chart.

    The centre is the pooled rate (Σ numerators / Σ denominators) of the
    baseline; each point's sigma comes from its own denominator, so the limits
    are tighter where the denominator is larger. Limits never go below zero,
    nor above one for a proportion.
    """
    chart_type = ChartType(chart_type)
    base = slice(0, fix_after) if fix_after else slice(None)
    centre = sum(numerators[base]) / sum(denominators[base])
    if chart_type in PROPORTIONS:
        sigmas = [sqrt(centre * (1 - centre) / d) for d in denominators]
    else:
        sigmas = [sqrt(centre / d) for d in denominators]
    sigma_z = None
    if chart_type in (ChartType.P_PRIME, ChartType.U_PRIME):
        values = [n / d for n, d in zip(numerators, denominators, strict=True)]
        sigma_z = laney_sigma_z(values[base], centre, sigmas[base])
        sigmas = [s * sigma_z for s in sigmas]
    ceiling = 1.0 if chart_type in PROPORTIONS else None
    baseline = len(numerators[base])
    return centre, [
        replace(_band(centre, s, 0.0, ceiling), baseline=baseline, sigma_z=sigma_z) for s in sigmas
    ]


def c_limits(counts: Sequence[float], fix_after: int | None = None) -> Limits:
    """A C chart: c̄ ± 3 √c̄ (counts of events in equal periods, Poisson)."""
    base = list(counts[:fix_after] if fix_after else counts)
    centre = fmean(base)
    return replace(_band(centre, sqrt(centre), 0.0, None), baseline=len(base))


def g_limits(counts: Sequence[float], fix_after: int | None = None) -> Limits:
    """A G chart: ḡ ± 3 √(ḡ (ḡ + 1)) (cases between rare events, geometric)."""
    base = list(counts[:fix_after] if fix_after else counts)
    centre = fmean(base)
    return replace(_band(centre, sqrt(centre * (centre + 1)), 0.0, None), baseline=len(base))


def t_limits(
    times: Sequence[float], screen_outliers: bool = False, fix_after: int | None = None
) -> Limits:
    """A T chart: XmR limits of the times raised to 1/3.6, raised back to 3.6.

    The transformed lower limit is kept at zero or above before it is raised
    back, so the lower limit is never below zero.
    """
    transformed = [t ** (1 / T_POWER) for t in times]
    limits = xmr_limits(transformed, screen_outliers, fix_after)

    def back(value: float) -> float:
        return max(0.0, value) ** T_POWER

    return Limits(
        mean=back(limits.mean),
        mean_moving_range=limits.mean_moving_range,
        upper=back(limits.upper),
        lower=back(limits.lower),
        upper_near=back(limits.upper_near),
        lower_near=back(limits.lower_near),
        baseline=limits.baseline,
        ranges_left_out=limits.ranges_left_out,
    )


def _limits_of(
    chart_type: ChartType,
    values: Sequence[float],
    numerators: Sequence[float],
    denominators: Sequence[float | None],
    screen_outliers: bool,
    fix_after: int | None,
) -> tuple[float, Limits, tuple[Limits, ...]]:
    """The one entry point for every chart type's limits: (centre, limits, per-point limits)."""
    if chart_type in WITH_DENOMINATOR:
        centre, each = attribute_limits(chart_type, numerators, denominators, fix_after)
        return centre, each[-1], tuple(each)
    if chart_type == ChartType.C:
        limits = c_limits(values, fix_after)
    elif chart_type == ChartType.G:
        limits = g_limits(values, fix_after)
    elif chart_type == ChartType.T:
        limits = t_limits(values, screen_outliers, fix_after)
    else:
        limits = xmr_limits(values, screen_outliers, fix_after)
    return limits.mean, limits, ()


def analyse(
    observations: Sequence[tuple],
    direction: Direction | str = Direction.NEITHER,
    target: float | None = None,
    period_starts: Iterable[int] = (),
    screen_outliers: bool = False,
    fix_after: int | None = None,
    chart_type: ChartType | str = ChartType.XMR,
) -> Analysis:
    """Analyse a measure's points in date order: (date, value) or, for a proportion or
    a rate, (date, numerator, denominator).

    The one entry point for every chart type: the limits depend on the type
    (`_limits_of`); the rules, colours and assurance are the same for all.
    `screen_outliers` leaves unusually large moving ranges out of XmR (and T)
    limits; `fix_after` fixes each period's centre and limits on its first n points.
    """
    direction = Direction(direction)
    chart_type = ChartType(chart_type)
    ordered = sorted(observations, key=lambda point: point[0])
    dates = [o[0] for o in ordered]
    numerators = [float(o[1]) for o in ordered]
    if chart_type in WITH_DENOMINATOR:
        denominators: list[float | None] = [float(o[2]) for o in ordered]
        values = [n / d for n, d in zip(numerators, denominators, strict=True)]
    else:
        denominators = [None] * len(ordered)
        values = numerators
    bounds = [0, *sorted({s for s in period_starts if 0 < s < len(values)}), len(values)]
    periods, results = [], []
    for start, end in pairwise(bounds):
        if start == end:
            continue  # no points at all
        chunk = values[start:end]
        if len(chunk) >= MIN_POINTS_FOR_LIMITS:
            centre, limits, each = _limits_of(
                chart_type, chunk, numerators[start:end], denominators[start:end],
                screen_outliers, fix_after,
            )  # fmt: skip
        else:
            centre, limits, each = median(chunk), None, ()
        useful, runs, verdict = runs_of(chunk, centre) if not limits else (0, 0, None)
        period = Period(start=start, end=end, centre=centre, limits=limits, point_limits=each,
                        useful=useful, runs=runs, runs_verdict=verdict)  # fmt: skip
        periods.append(period)
        if limits:
            hits = _period_rules(chunk, each or limits, centre)
        else:
            hits = _run_chart_rules(chunk, centre)
        ranges = [None, *moving_ranges(chunk)]
        for offset, value in enumerate(chunk):
            rule_sides = hits.get(offset, {})
            label, side = _label(rule_sides)
            own = period.limits_at(start + offset)
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
                    numerator=numerators[start + offset] if denominators[0] is not None else None,
                    denominator=denominators[start + offset],
                    lower=own.lower if own else None,
                    upper=own.upper if own else None,
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
        chart_type=chart_type,
    )
