"""Run charts for a measure with too few points for limits: the median and the four
run-chart rules of Perla, Provost & Murray ("The run chart: a simple analytical tool
for learning from variation in healthcare processes", BMJ Quality & Safety 2011),
each flagged point said in words, and a measure that becomes an SPC chart as points
arrive.

qicharts2 applies Anhøj's rules to run charts instead (a longest run and a number of
crossings that grow with the number of points), so its signals differ from these on
purpose: the issue asks for the IHI rules the NHS improvement courses teach.
"""

from __future__ import annotations

from datetime import date, timedelta

from community.projects.measures import spc, spc_words
from community.projects.measures.spc import Direction, Rule, RunsVerdict, Variation

START = date(2025, 1, 6)


def _analyse(values, direction=Direction.UP, **options):
    dated = [(START + timedelta(weeks=i), v) for i, v in enumerate(values)]
    return spc.analyse(dated, direction, **options)


def _flagged(analysis, rule):
    return [p.index for p in analysis.points if rule in p.rules]


def test_a_shift_is_six_or_more_points_on_one_side_of_the_median_skipping_points_on_it():
    # Around a median of 5, six points above it with one exactly on the median in
    # between: the point on the median neither counts nor breaks the run.
    assert spc.run_chart_shifts([1, 2, 8, 9, 5, 8, 9, 8, 9, 2], 5) == dict.fromkeys(
        [2, 3, 5, 6, 7, 8], spc.HIGH
    )
    assert spc.run_chart_shifts([1, 2, 8, 9, 5, 8, 9, 8, 2], 5) == {}  # only five
    assert spc.run_chart_shifts([9, 1, 2, 1, 3, 4, 1, 9], 5) == dict.fromkeys(range(1, 7), spc.LOW)
    # With under 12 points no more than half can lie strictly on one side of their own
    # median, so on our run charts (limits come at 12) the shift rule cannot fire; it is
    # is said in words like every rule if it does.
    points = _analyse([1, 2, 8, 9, 5, 8, 9, 8, 9, 2]).points
    run = spc_words.SignalRun(Rule.RUN_SHIFT, spc.HIGH, points[2], points[8], 6)
    assert spc_words.describe_run(run) == (
        "A shift of 6 points above the median (6 or more on one side is unlikely by chance), "
        "from 20 January 2025 to 3 March 2025"
    )


def test_a_trend_is_five_or_more_points_each_higher_skipping_equal_neighbours():
    # 3, 4, 4, 5, 6, 7: the repeated 4 is ignored, so five points rise.
    analysis = _analyse([5, 3, 4, 4, 5, 6, 7, 2, 5, 4], direction=Direction.DOWN)
    assert _flagged(analysis, Rule.RUN_TREND) == [1, 2, 3, 4, 5, 6]
    assert analysis.points[6].variation == Variation.CONCERN  # rising is worse here
    four = _analyse([5, 3, 4, 5, 6, 2, 5, 4])
    assert _flagged(four, Rule.RUN_TREND) == []
    assert any(
        s.startswith("A trend of 6 points rising (5 or more is unlikely by chance)")
        for s in spc_words.describe_signals(analysis)
    )


def test_too_few_runs_for_the_number_of_useful_observations():
    # Ten points, none on the median (5.5): five below then five above make 2 runs; the
    # table (Perla et al., Table 1) expects 3 to 9 runs for 10 useful observations.
    analysis = _analyse([1, 2, 3, 2, 1, 9, 8, 9, 8, 9])
    period = analysis.periods[0]
    assert (period.useful, period.runs) == (10, 2)
    assert period.runs_verdict == RunsVerdict.TOO_FEW
    words = spc_words.describe_signals(analysis)
    assert any(s.startswith("Too few runs from 6 January 2025 to 10 March 2025") for s in words)


def test_too_many_runs_and_an_expected_number():
    # Alternating either side of the median (5, the last point) every week: 10 useful
    # observations make 10 runs, more than the 9 the table allows for 10.
    mixed = _analyse([1, 9, 2, 8, 3, 7, 2, 8, 1, 9, 5], direction=Direction.NEITHER)
    period = mixed.periods[0]
    assert (period.centre, period.useful, period.runs) == (5, 10, 10)
    assert period.runs_verdict == RunsVerdict.TOO_MANY
    assert any(s.startswith("Too many runs") for s in spc_words.describe_signals(mixed))
    steady = _analyse([4, 6, 5, 3, 7, 6, 4, 5, 7, 3, 6])
    assert steady.periods[0].runs_verdict is None


def test_fewer_than_ten_useful_observations_have_no_runs_test():
    analysis = _analyse([1, 2, 3, 2, 1, 9, 8, 9])
    assert analysis.periods[0].runs_verdict is None


def test_an_astronomical_point():
    # Quartiles 9 and 11 (inclusive): far-out fences at 3 and 17; 40 is far beyond them.
    analysis = _analyse([10, 11, 9, 10, 40, 11, 9, 10], direction=Direction.DOWN)
    assert _flagged(analysis, Rule.ASTRONOMICAL) == [4]
    point = analysis.points[4]
    assert point.variation == Variation.CONCERN
    assert spc_words.point_label(point) == "Astronomical point, far above the others"
    assert any(
        s.startswith("1 astronomical point far above the others")
        for s in spc_words.describe_signals(analysis)
    )
    # A point that merely ends a steady rise is not astronomical.
    assert _flagged(_analyse(list(range(1, 12))), Rule.ASTRONOMICAL) == []
    # Nor is one different count among equal ones (no spread to judge it by).
    assert _flagged(_analyse([0] * 8 + [1]), Rule.ASTRONOMICAL) == []


def test_a_measure_moves_from_run_chart_to_spc_as_points_arrive():
    values = [10, 11, 9, 10, 12, 11, 9, 10, 11, 10, 12]
    run_chart = _analyse(values)
    assert run_chart.is_run_chart and run_chart.variation == Variation.TOO_FEW
    assert run_chart.periods[0].centre == 10
    assert "run chart around the median" in spc_words.describe_variation(run_chart)
    # The twelfth point brings limits, the Making Data Count rules and the variation.
    spc_chart = _analyse([*values, 30])
    assert not spc_chart.is_run_chart
    assert spc_chart.periods[0].limits is not None
    assert spc_chart.points[-1].label == Rule.OUTSIDE_LIMITS
    assert spc_chart.variation == Variation.IMPROVEMENT
    assert not any(r in spc.RUN_CHART_RULES for p in spc_chart.points for r in p.rules)
    # A re-baseline starts a run chart again until the new period has 12 points.
    rebased = _analyse([*values, 30, 31, 29], period_starts=[11])
    assert rebased.is_run_chart and rebased.periods[-1].centre == 30
