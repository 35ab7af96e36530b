"""An SPC analysis in plain words: what a chart shows, for people who read rather than look.

Pure functions, like spc.py: the same sentences go beside the chart, into the
chart's description for screen readers, and onto the project page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from community.projects.measures.spc import (
    HIGH,
    MIN_POINTS_FOR_LIMITS,
    RUNS_EXPECTED,
    Analysis,
    Assurance,
    ChartType,
    Direction,
    PointResult,
    Rule,
    RunsVerdict,
    Variation,
)

# ------------------------------------------------------------------ runs of signals


@dataclass(frozen=True)
class SignalRun:
    """Consecutive points flagged by one rule on one side: what people read as "a shift"."""

    rule: Rule
    side: int
    first: PointResult
    last: PointResult
    count: int


# Two-of-three marks the points beyond the near-limit line, which may have one
# unmarked point between them; they are still one signal.
_GAP = {Rule.TWO_OF_THREE: 2}


def signal_runs(analysis: Analysis) -> list[SignalRun]:
    """Each rule's flagged points grouped into runs of consecutive points on one side."""
    runs: list[SignalRun] = []
    for rule in Rule:
        current: list[PointResult] = []
        side = 0
        for point in (p for p in analysis.points if rule in p.rules):
            point_side = point.side_for(rule)
            joins = (
                current
                and point.index - current[-1].index <= _GAP.get(rule, 1)
                and point.period == current[-1].period
                and (point_side == side or 0 in (point_side, side))
            )
            if joins:
                current.append(point)
                side = side or point_side
                continue
            if current:
                turns = (
                    rule == Rule.TREND
                    and point.index - current[-1].index == 1
                    and point.period == current[-1].period
                )
                # The turn of a rise and a fall is labelled with the fall to its
                # right, but it is also the last point of the rise.
                runs.append(_run(rule, side, [*current, point] if turns else current))
            current, side = [point], point_side
        if current:
            runs.append(_run(rule, side, current))
    return sorted(runs, key=lambda run: (run.first.index, list(Rule).index(run.rule)))


def _run(rule: Rule, side: int, points: list[PointResult]) -> SignalRun:
    return SignalRun(rule=rule, side=side, first=points[0], last=points[-1], count=len(points))


# ------------------------------------------------------------------ words

RULE_LABELS = {
    Rule.OUTSIDE_LIMITS: "Outside the process limits",
    Rule.SHIFT: "Shift",
    Rule.TREND: "Trend",
    Rule.TWO_OF_THREE: "Two of three near a limit",
    Rule.ASTRONOMICAL: "Astronomical point",
    Rule.RUN_SHIFT: "Shift (run chart)",
    Rule.RUN_TREND: "Trend (run chart)",
}
VARIATION_LABELS = {
    Variation.COMMON_CAUSE: "Common cause variation",
    Variation.IMPROVEMENT: "Special cause: improvement",
    Variation.CONCERN: "Special cause: concern",
    Variation.NEUTRAL: "Special cause: neither better nor worse",
    Variation.TOO_FEW: "Run chart: not enough data for limits",
}
ASSURANCE_LABELS = {
    Assurance.MEET: "Will consistently meet the target",
    Assurance.MISS: "Will consistently miss the target",
    Assurance.HIT_AND_MISS: "Will hit and miss the target",
}
# What a member chooses when creating a measure: the kind of data, then the chart.
CHART_TYPE_LABELS = {
    ChartType.XMR: "A single value per period (XmR chart)",
    ChartType.P: "A proportion: numerator and denominator per period (P chart)",
    ChartType.P_PRIME: "A proportion with very large denominators (Laney P′ chart)",
    ChartType.U: "A rate: events and exposure per period, like falls per 1,000 bed days (U chart)",
    ChartType.U_PRIME: "A rate with very large exposures (Laney U′ chart)",
    ChartType.C: "A count of events in equal periods (C chart)",
    ChartType.T: "A rare event: days between events (T chart)",
    ChartType.G: "A rare event: cases between events (G chart)",
}
CHART_NAMES = {
    ChartType.XMR: "XmR",
    ChartType.P: "P",
    ChartType.P_PRIME: "P′",
    ChartType.U: "U",
    ChartType.U_PRIME: "U′",
    ChartType.C: "C",
    ChartType.T: "T",
    ChartType.G: "G",
}


def chart_title(analysis: Analysis) -> str:
    """ "run chart" while there are too few points for limits, otherwise "P chart" and so on."""
    return "run chart" if analysis.is_run_chart else f"{CHART_NAMES[analysis.chart_type]} chart"


DIRECTION_LABELS = {
    Direction.UP: "Higher is better",
    Direction.DOWN: "Lower is better",
    Direction.NEITHER: "Neither higher nor lower is better",
}


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    if 0 < abs(value) < 0.01:
        # A rate per bed day (0.00432) keeps three significant figures, not "0.004".
        return f"{value:.3g}" if "e" not in f"{value:.3g}" else f"{value:.6f}".rstrip("0")
    places = 2 if abs(value) >= 1 else 3
    text = f"{value:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_date(moment: date | None) -> str:
    return f"{moment.day} {moment:%B %Y}" if moment else ""


def with_unit(value: float | None, unit: str) -> str:
    number = format_number(value)
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _span(run: SignalRun) -> str:
    if run.first.when == run.last.when:
        return f"on {format_date(run.first.when)}"
    return f"from {format_date(run.first.when)} to {format_date(run.last.when)}"


def describe_run(run: SignalRun) -> str:
    """One signal, for example: "A shift of 9 points above the mean, from … to …"."""
    above = "above" if run.side == HIGH else "below"
    if run.rule == Rule.OUTSIDE_LIMITS:
        where = "above the upper" if run.side == HIGH else "below the lower"
        text = f"{_plural(run.count, 'point')} {where} process limit"
    elif run.rule == Rule.SHIFT:
        text = f"A shift of {run.count} points {above} the mean"
    elif run.rule == Rule.TREND:
        way = {HIGH: "rising", -HIGH: "falling"}.get(run.side, "rising then falling")
        text = f"A trend of {run.count} points {way}"
    elif run.rule == Rule.RUN_SHIFT:
        text = (
            f"A shift of {run.count} points {above} the median (6 or more on one side is "
            "unlikely by chance)"
        )
    elif run.rule == Rule.RUN_TREND:
        way = {HIGH: "rising", -HIGH: "falling"}.get(run.side, "rising then falling")
        text = f"A trend of {run.count} points {way} (5 or more is unlikely by chance)"
    elif run.rule == Rule.ASTRONOMICAL:
        far = "far above" if run.side == HIGH else "far below"
        text = (
            f"{_plural(run.count, 'astronomical point')} {far}"
            " the others (beyond three interquartile ranges from the middle half of the data)"
        )
    else:
        text = f"Two of three points {'above the upper' if run.side == HIGH else 'below the lower'}"
        text += " near-limit line"
    return f"{text}, {_span(run)}"


def describe_runs(analysis: Analysis) -> list[str]:
    """Too few or too many runs on a run chart: a signal of the whole period, in words."""
    found = []
    for period in analysis.periods:
        if period.runs_verdict is None:
            continue
        low, high = RUNS_EXPECTED[period.useful]
        first = format_date(analysis.points[period.start].when)
        last = format_date(analysis.points[period.end - 1].when)
        if period.runs_verdict == RunsVerdict.TOO_FEW:
            found.append(
                f"Too few runs from {first} to {last}: the data cross the median "
                f"{_plural(period.runs - 1, 'time')}, making {period.runs} runs where at least "
                f"{low} are expected by chance from {period.useful} points off the median, "
                "so the process has probably changed"
            )
        else:
            found.append(
                f"Too many runs from {first} to {last}: {period.runs} runs where at most "
                f"{high} are expected by chance from {period.useful} points off the median; "
                "the data may alternate between two processes (for example two shifts or sites)"
            )
    return found


def point_label(point: PointResult) -> str:
    """The one label a point carries, with its side or direction ("" for none)."""
    high = point.side == HIGH
    return {
        None: "",
        Rule.OUTSIDE_LIMITS: "Above the upper process limit"
        if high
        else "Below the lower process limit",
        Rule.TREND: f"Trend: 7 or more points {'rising' if high else 'falling'}",
        Rule.TWO_OF_THREE: f"Two of three near the {'upper' if high else 'lower'} limit",
        Rule.SHIFT: f"Shift: 7 or more points {'above' if high else 'below'} the mean",
        Rule.ASTRONOMICAL: f"Astronomical point, far {'above' if high else 'below'} the others",
        Rule.RUN_SHIFT: f"Shift: 6 or more points {'above' if high else 'below'} the median",
        Rule.RUN_TREND: f"Trend: 5 or more points {'rising' if high else 'falling'}",
    }[point.label]


def nhsr_label(point: PointResult) -> str:
    """The same label in NHSRplotthedots' words (its special_cause_type), to compare with R."""
    high = point.side == HIGH
    return {
        None: "Common Cause",
        Rule.OUTSIDE_LIMITS: "Above UCL" if high else "Below LCL",
        Rule.TREND: f"7 Point Trend ({'In' if high else 'De'}creasing)",
        Rule.TWO_OF_THREE: f"2 in 3 {'Above' if high else 'Below'} CL",
        Rule.SHIFT: f"7 Points {'Above' if high else 'Below'} CL",
    }.get(point.label, "Common Cause")  # run charts: NHSRplotthedots has none


def point_signals(point: PointResult) -> str:
    """What the data table says of a point: its one label."""
    return point_label(point)


def describe_variation(analysis: Analysis, unit: str = "") -> str:
    latest = analysis.latest
    if latest is None:
        return "No data yet."
    period = analysis.current_period
    at = f"The latest point, {with_unit(latest.value, unit)} on {format_date(latest.when)},"
    if analysis.variation == Variation.TOO_FEW:
        since = " since the process last changed" if len(analysis.periods) > 1 else ""
        return (
            f"There {'is' if period.size == 1 else 'are'} {_plural(period.size, 'point')}"
            f"{since}: at least {MIN_POINTS_FOR_LIMITS} are needed to calculate process "
            "limits, so this is a run chart around the median, read with the run-chart "
            "rules (a shift of 6 or more points on one side of the median, a trend of 5 or "
            "more, too few or too many runs, an astronomical point)."
        )
    if analysis.variation == Variation.COMMON_CAUSE:
        return f"{at} shows common cause variation: no special-cause rule is triggered."
    rules = point_label(latest).lower()
    meaning = {
        Variation.IMPROVEMENT: "special cause variation showing improvement",
        Variation.CONCERN: "special cause variation of concern",
        Variation.NEUTRAL: "special cause variation (this measure has no improvement "
        "direction, so it is neither better nor worse)",
    }[analysis.variation]
    return f"{at} shows {meaning} ({rules})."


def describe_limits(analysis: Analysis, unit: str = "") -> str:
    period = analysis.current_period
    if period is None:
        return ""
    if not period.has_limits:
        return f"The median is {with_unit(period.centre, unit)}."
    limits = period.limits
    first = analysis.points[period.start].when
    if period.point_limits:
        centre = {ChartType.P: "pooled proportion", ChartType.P_PRIME: "pooled proportion"}.get(
            analysis.chart_type, "pooled rate"
        )
        text = (
            f"The {centre} is {with_unit(period.centre, unit)} from "
            f"{_plural(period.size, 'point')} since {format_date(first)}; the process limits "
            "vary with each point's denominator, and the latest point's are "
            f"{with_unit(limits.lower, unit)} to {with_unit(limits.upper, unit)}."
        )
        if limits.sigma_z is not None:
            text += (
                f" Laney's adjustment widens them {format_number(limits.sigma_z)} times, for "
                "variation between periods beyond what the denominators explain."
            )
        return text
    if 0 < limits.baseline < period.size:
        source = f"fixed on the first {limits.baseline} of {period.size} points"
    else:
        source = f"from {_plural(period.size, 'point')}"
    text = (
        f"The mean is {with_unit(limits.mean, unit)} and the process limits are "
        f"{with_unit(limits.lower, unit)} to {with_unit(limits.upper, unit)}, {source} "
        f"since {format_date(first)}."
    )
    if limits.ranges_left_out:
        ranges = _plural(limits.ranges_left_out, "unusually large moving range")
        text += f" {ranges} {'is' if limits.ranges_left_out == 1 else 'are'} left out of them."
    return text


def describe_assurance(analysis: Analysis, unit: str = "") -> str:
    if analysis.target is None:
        return ""
    target = with_unit(analysis.target, unit)
    if analysis.direction == Direction.NEITHER:
        return f"The target is {target}. Set whether higher or lower is better to judge it."
    if analysis.assurance is None:
        return f"The target is {target}. Assurance needs process limits, so it is not judged yet."
    limits = analysis.current_period.limits
    lower, upper = with_unit(limits.lower, unit), with_unit(limits.upper, unit)
    if analysis.assurance == Assurance.MEET:
        return f"The process will consistently meet the target of {target}: both limits " + (
            f"are at or above it ({lower} to {upper})."
            if analysis.direction == Direction.UP
            else f"are at or below it ({lower} to {upper})."
        )
    if analysis.assurance == Assurance.MISS:
        return (
            f"The process will consistently miss the target of {target}: both limits are on "
            f"the wrong side of it ({lower} to {upper}) unless the process changes."
        )
    return (
        f"The process will hit and miss the target of {target}: it lies between the limits "
        f"({lower} to {upper}), so some points will meet it and some will not."
    )


def describe_signals(analysis: Analysis) -> list[str]:
    return [describe_run(run) for run in signal_runs(analysis)] + describe_runs(analysis)


def summary(analysis: Analysis, unit: str = "") -> str:
    """The whole picture in a few sentences."""
    parts = [describe_variation(analysis, unit), describe_limits(analysis, unit)]
    parts.append(describe_assurance(analysis, unit))
    return " ".join(part for part in parts if part)
