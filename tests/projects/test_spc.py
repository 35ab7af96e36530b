"""The SPC engine against hand-worked examples: limits, each rule and its edges,
re-baselining, run charts, colouring by improvement direction, and assurance."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from community.projects.measures import spc, spc_words
from community.projects.measures.spc import (
    HIGH,
    LOW,
    Assurance,
    Direction,
    Limits,
    Rule,
    Variation,
)

DAY0 = date(2025, 1, 6)


def series(values, start=DAY0):
    return [(start + timedelta(weeks=i), v) for i, v in enumerate(values)]


def limits(mean=0.0, spread=3.0) -> Limits:
    """Hand-set limits: mean ± spread, near-limit lines at two thirds of the spread."""
    return Limits(
        mean=mean, mean_moving_range=spread / 2.66, upper=mean + spread, lower=mean - spread,
        upper_near=mean + spread * 2 / 3, lower_near=mean - spread * 2 / 3,
    )  # fmt: skip


# Twelve weeks around 11.5, then eight weeks around 15.5 (worked by hand below).
SHIFT_UP = [10, 12, 11, 13] * 3 + [15, 16] * 4


# ------------------------------------------------------------------ limits


def test_moving_ranges_are_the_differences_between_neighbours():
    assert spc.moving_ranges([10, 12, 11, 13, 10]) == [2, 1, 2, 3]


def test_limits_of_a_hand_worked_series():
    # Mean 46 × 3 / 12 = 11.5. Moving ranges 2,1,2,3 repeated, less the first:
    # eleven of them summing to 21, so the mean moving range is 21/11.
    found = spc.xmr_limits([10, 12, 11, 13] * 3)
    assert found.mean == pytest.approx(11.5)
    assert found.mean_moving_range == pytest.approx(21 / 11)
    assert found.upper == pytest.approx(11.5 + 2.66 * 21 / 11)  # 16.578…
    assert found.lower == pytest.approx(11.5 - 2.66 * 21 / 11)  # 6.421…
    # The near-limit lines are two thirds of the way from the mean to each limit.
    assert found.upper_near == pytest.approx(11.5 + 2 / 3 * 2.66 * 21 / 11)
    assert found.lower_near == pytest.approx(11.5 - 2 / 3 * 2.66 * 21 / 11)


def test_the_shift_example_worked_by_hand():
    # Sum 138 + 124 = 262 over 20 points: mean 13.1. Moving ranges: 21 in the
    # first twelve, 2 stepping up, then seven of 1: 30 over 19. 2.66 × 30/19 = 4.2,
    # so the limits are 8.9 and 17.3 and the near-limit lines 10.3 and 15.9.
    analysis = spc.analyse(series(SHIFT_UP), Direction.UP)
    found = analysis.periods[0].limits
    assert (found.mean, found.lower, found.upper) == pytest.approx((13.1, 8.9, 17.3))
    assert (found.lower_near, found.upper_near) == pytest.approx((10.3, 15.9))
    rules = [p.rules for p in analysis.points]
    # Twelve points below the mean, then eight above: two shifts.
    assert all(Rule.SHIFT in r for r in rules)
    assert [p.side_for(Rule.SHIFT) for p in analysis.points] == [LOW] * 12 + [HIGH] * 8
    # Every 16 is beyond 15.9 and has another 16 two points away: two of three.
    assert [i for i, r in enumerate(rules) if Rule.TWO_OF_THREE in r] == [13, 15, 17, 19]
    # The 10s are beyond 10.3 but never two in three consecutive points.
    assert not any(Rule.OUTSIDE_LIMITS in r or Rule.TREND in r for r in rules)


# ------------------------------------------------------------------ outside the limits


def test_a_point_exactly_on_a_limit_is_not_outside():
    found = spc.outside_limits([3.0, 3.01, -3.0, -3.01, 0], limits(spread=3.0))
    assert found == {1: HIGH, 3: LOW}


def test_a_point_that_lands_exactly_on_its_own_upper_limit_is_not_outside():
    # Eleven points alternating 10 and 12, then X. With X above 10,
    # UCL = (120 + X)/12 + 2.66 × (20 + X − 10)/11; X = UCL solves to about 18.4.
    base = [10, 12] * 5 + [10]
    on_limit = (120 / 12 + 2.66 * 10 / 11) / (11 / 12 - 2.66 / 11)
    analysis = spc.analyse(series(base + [on_limit]), Direction.UP)
    assert analysis.periods[0].limits.upper == pytest.approx(on_limit)
    assert Rule.OUTSIDE_LIMITS not in analysis.points[-1].rules
    just_above = spc.analyse(series(base + [on_limit + 0.01]), Direction.UP)
    assert Rule.OUTSIDE_LIMITS in just_above.points[-1].rules


# ------------------------------------------------------------------ shifts


def test_seven_points_on_one_side_make_a_shift_and_six_do_not():
    assert spc.shifts([1] * 6 + [-1], 0) == {}
    assert spc.shifts([-1] * 7, 0) == dict.fromkeys(range(7), LOW)
    assert spc.shifts([0.5] * 8 + [-1], 0) == dict.fromkeys(range(8), HIGH)


def test_a_point_exactly_on_the_mean_breaks_a_shift():
    # Three above, one on the mean, four above: never seven in a row.
    assert spc.shifts([1, 1, 1, 0, 1, 1, 1, 1], 0) == {}
    # Seven above after the tie still count.
    assert spc.shifts([1, 0, 1, 1, 1, 1, 1, 1, 1], 0) == dict.fromkeys(range(2, 9), HIGH)


def test_a_tie_on_the_mean_breaks_a_shift_in_a_whole_analysis():
    # 5 zeros, 7 7 7, then 4, then 7 7 7 7 and 3: the sum is 56 over 14 points,
    # so the mean is exactly 4 and the 4 splits the run of sevens (3 + 4).
    tied = spc.analyse(series([0] * 5 + [7, 7, 7, 4, 7, 7, 7, 7, 3]))
    assert tied.periods[0].limits.mean == pytest.approx(4)
    assert not any(Rule.SHIFT in p.rules for p in tied.points)
    # With an 8 instead of the 4 (and −1 at the end: mean still 4) the eight
    # points above the mean are a shift.
    unbroken = spc.analyse(series([0] * 5 + [7, 7, 7, 8, 7, 7, 7, 7, -1]))
    assert unbroken.periods[0].limits.mean == pytest.approx(4)
    assert [p.index for p in unbroken.points if Rule.SHIFT in p.rules] == list(range(5, 13))


# ------------------------------------------------------------------ trends


def test_seven_rising_or_falling_points_make_a_trend_and_six_do_not():
    assert spc.trends([1, 2, 3, 4, 5, 6]) == {}
    assert spc.trends([1, 2, 3, 4, 5, 6, 7]) == dict.fromkeys(range(7), HIGH)
    assert spc.trends([9, 7, 6, 5, 4, 3, 2, 9]) == dict.fromkeys(range(7), LOW)


def test_equal_neighbours_break_a_trend():
    assert spc.trends([1, 2, 3, 3, 4, 5, 6, 7]) == {}
    assert spc.trends([1, 2, 3, 4, 5, 6, 6, 7]) == {}
    assert spc.trends([5, 5, 5, 5, 5, 5, 5, 5]) == {}


def test_the_peak_between_a_rise_and_a_fall_takes_the_step_to_its_right():
    found = spc.trends([1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1])
    assert found[6] == LOW  # the peak: rising into it, falling out of it
    assert [found[i] for i in range(6)] == [HIGH] * 6
    assert [found[i] for i in range(7, 13)] == [LOW] * 6


# ------------------------------------------------------------------ two of three


def test_two_of_three_beyond_the_near_limit_line():
    near = limits(spread=3.0)  # near-limit lines at ±2
    assert spc.two_of_three([2.5, 0.5, 2.5], near) == {0: HIGH, 2: HIGH}
    assert spc.two_of_three([2.5, 0.5, 0.5, 2.5], near) == {}  # never two in any three
    assert spc.two_of_three([-2.5, -2.1, -0.5], near) == {0: LOW, 1: LOW}


def test_two_of_three_needs_all_three_on_one_side_of_the_mean():
    near = limits(spread=3.0)
    assert spc.two_of_three([2.5, -0.5, 2.5], near) == {}  # the window straddles the mean
    assert spc.two_of_three([2.5, 0, 2.5], near) == {}  # a point on the mean voids it
    assert spc.two_of_three([-2.5, -2.1, 0], near) == {}


def test_a_point_outside_the_limits_is_not_one_of_the_two():
    near = limits(spread=3.0)
    assert spc.two_of_three([3.5, 0.5, 2.1], near) == {}
    assert spc.two_of_three([3.5, 2.5, 2.1], near) == {1: HIGH, 2: HIGH}


def test_two_of_three_needs_the_same_side_and_strictly_beyond_the_line():
    near = limits(spread=3.0)
    assert spc.two_of_three([2.5, -2.5, 0], near) == {}
    assert spc.two_of_three([2.0, 2.5, 0], near) == {}  # 2.0 is on the line, not beyond


# ------------------------------------------------------------------ every rule on a point


def test_each_point_lists_every_rule_and_carries_one_label():
    # A long stable run, then seven rising points above the mean ending far above
    # the upper limit: the last point is outside, in a shift and a trend (being
    # outside, it is not one of two of three), and carries "outside".
    analysis = spc.analyse(series([10, 11] * 8 + [14, 15, 16, 17, 18, 19, 30]), Direction.UP)
    last = analysis.points[-1]
    assert last.rules == (Rule.OUTSIDE_LIMITS, Rule.SHIFT, Rule.TREND)
    assert last.label == Rule.OUTSIDE_LIMITS
    assert last.variation == Variation.IMPROVEMENT
    # 17 is in the shift, the trend and two of three: the trend wins.
    assert analysis.points[-4].value == 17
    assert analysis.points[-4].rules == (Rule.SHIFT, Rule.TREND, Rule.TWO_OF_THREE)
    assert analysis.points[-4].label == Rule.TREND


# ------------------------------------------------------------------ colouring


@pytest.mark.parametrize(
    ("direction", "early", "late", "summary"),
    [
        (Direction.UP, Variation.CONCERN, Variation.IMPROVEMENT, Variation.IMPROVEMENT),
        (Direction.DOWN, Variation.IMPROVEMENT, Variation.CONCERN, Variation.CONCERN),
        (Direction.NEITHER, Variation.NEUTRAL, Variation.NEUTRAL, Variation.NEUTRAL),
    ],
)
def test_special_causes_are_coloured_by_the_improvement_direction(direction, early, late, summary):
    analysis = spc.analyse(series(SHIFT_UP), direction)
    assert {p.variation for p in analysis.points[:12]} == {early}
    assert {p.variation for p in analysis.points[12:]} == {late}
    assert analysis.variation == summary


def test_common_cause_when_the_latest_point_triggers_no_rule():
    analysis = spc.analyse(series([10, 12] * 8), Direction.UP)
    assert all(p.variation == Variation.COMMON_CAUSE for p in analysis.points)
    assert analysis.variation == Variation.COMMON_CAUSE


def test_outside_the_limits_is_the_label_when_a_trend_disagrees():
    # The outlier is above the upper limit (high) and starts a falling trend (low).
    values = [10, 12, 11, 13] * 3 + [15, 16] * 4 + [25, 14, 13, 12, 11, 10, 9, 8]
    point = spc.analyse(series(values), Direction.UP).points[20]
    assert point.value == 25
    assert point.side_for(Rule.OUTSIDE_LIMITS) == HIGH and point.side_for(Rule.TREND) == LOW
    assert point.variation == Variation.IMPROVEMENT


# ------------------------------------------------------------------ run charts and periods


def test_fewer_than_twelve_points_is_a_run_chart_with_no_spc_rules():
    analysis = spc.analyse(series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), Direction.UP)
    assert analysis.is_run_chart and analysis.variation == Variation.TOO_FEW
    assert analysis.periods[0].limits is None
    assert analysis.periods[0].centre == 6  # the median
    # Only the run-chart rules apply (here a trend of 11 rising points; see
    # tests/test_run_charts.py), never the SPC ones.
    assert {r for p in analysis.points for r in p.rules} == {Rule.RUN_TREND}
    assert "run chart" in spc_words.describe_variation(analysis)


def test_rebaselining_recomputes_limits_for_each_period():
    values = [10, 12] * 6 + [20, 22] * 6
    whole = spc.analyse(series(values), Direction.UP)
    assert any(Rule.SHIFT in p.rules for p in whole.points)
    split = spc.analyse(series(values), Direction.UP, period_starts=[12])
    first, second = split.periods
    assert (first.start, first.end, second.start, second.end) == (0, 12, 12, 24)
    assert (first.limits.mean, first.limits.mean_moving_range) == pytest.approx((11, 2))
    assert (second.limits.mean, second.limits.mean_moving_range) == pytest.approx((21, 2))
    assert second.limits.upper == pytest.approx(21 + 2.66 * 2)
    # The jump from 12 to 20 is not a moving range of either period.
    assert split.points[12].moving_range is None
    assert not any(p.rules for p in split.points)
    assert split.variation == Variation.COMMON_CAUSE


def test_rules_start_again_in_each_period():
    # Six below then one on: with one period a run could continue across the change.
    values = [1] * 12 + [5] * 12
    found = spc.analyse(series(values), period_starts=[12])
    assert not any(p.rules for p in found.points)  # each period is flat: no signal at all


def test_a_short_last_period_is_a_run_chart_after_a_full_one():
    values = [10, 12] * 6 + [20, 22, 21]
    analysis = spc.analyse(series(values), Direction.UP, period_starts=[12])
    assert analysis.periods[0].has_limits and not analysis.periods[1].has_limits
    assert analysis.is_run_chart and analysis.variation == Variation.TOO_FEW


def test_period_starts_come_from_change_dates():
    dates = [DAY0 + timedelta(weeks=i) for i in range(6)]
    between = DAY0 + timedelta(weeks=2, days=3)  # first point on or after it: index 3
    assert spc.period_starts_for(dates, [dates[2], between, DAY0 - timedelta(days=9)]) == [2, 3]


def test_no_data_and_one_point():
    assert spc.analyse([]).variation is None
    single = spc.analyse(series([5]))
    assert single.variation == Variation.TOO_FEW and single.points[0].moving_range is None


# ------------------------------------------------------------------ assurance


@pytest.mark.parametrize(
    ("direction", "lower", "upper", "target", "expected"),
    [
        (Direction.UP, 12, 18, 10, Assurance.MEET),
        # A target exactly on a limit is hit and miss (strict, as NHSRplotthedots compares).
        (Direction.UP, 12, 18, 12, Assurance.HIT_AND_MISS),
        (Direction.UP, 12, 18, 15, Assurance.HIT_AND_MISS),
        (Direction.UP, 12, 18, 18, Assurance.HIT_AND_MISS),
        (Direction.UP, 12, 18, 19, Assurance.MISS),
        (Direction.DOWN, 12, 18, 20, Assurance.MEET),
        (Direction.DOWN, 12, 18, 18, Assurance.HIT_AND_MISS),
        (Direction.DOWN, 12, 18, 12, Assurance.HIT_AND_MISS),
        (Direction.DOWN, 12, 18, 15, Assurance.HIT_AND_MISS),
        (Direction.DOWN, 12, 18, 11, Assurance.MISS),
        (Direction.NEITHER, 12, 18, 15, None),
    ],
)
def test_assurance_is_judged_from_the_limits(direction, lower, upper, target, expected):
    found = Limits(mean=(lower + upper) / 2, mean_moving_range=1, upper=upper, lower=lower,
                   upper_near=upper, lower_near=lower)  # fmt: skip
    assert spc.assurance(found, target, direction) == expected


def test_assurance_in_a_whole_analysis_uses_the_latest_period():
    values = [10, 12] * 6 + [20, 22] * 6  # second period: limits 15.68 to 26.32
    analysis = spc.analyse(series(values), Direction.UP, target=15, period_starts=[12])
    assert analysis.assurance == Assurance.MEET
    assert spc.analyse(series(values), Direction.UP, target=30, period_starts=[12]).assurance == (
        Assurance.MISS
    )
    assert spc.analyse(series(values[:20]), Direction.UP, target=15).assurance is not None
    assert spc.analyse(series(values[:5]), Direction.UP, target=15).assurance is None


# ------------------------------------------------------------------ words


def test_the_summary_in_words():
    analysis = spc.analyse(series(SHIFT_UP), Direction.UP, target=14)
    words = spc_words.summary(analysis, "%")
    assert words.startswith("The latest point, 16% on 19 May 2025, shows special cause")
    # One label per point: two of three comes before shift.
    assert "showing improvement (two of three near the upper limit)" in words
    assert "The mean is 13.1% and the process limits are 8.9% to 17.3%" in words
    assert "hit and miss the target of 14%" in words
    assert spc_words.describe_signals(analysis) == [
        "A shift of 12 points below the mean, from 6 January 2025 to 24 March 2025",
        "A shift of 8 points above the mean, from 31 March 2025 to 19 May 2025",
        "Two of three points above the upper near-limit line, from 7 April 2025 to 19 May 2025",
    ]


def test_a_rise_then_a_fall_is_described_as_two_trends_sharing_the_peak():
    values = [10, 12] * 6 + [3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3, 11]
    analysis = spc.analyse(series(values), Direction.DOWN)
    trends = [t for t in spc_words.describe_signals(analysis) if t.startswith("A trend")]
    assert trends == [
        "A trend of 7 points rising, from 31 March 2025 to 12 May 2025",
        "A trend of 7 points falling, from 12 May 2025 to 23 June 2025",
    ]


def test_the_words_say_how_the_limits_were_worked_out():
    values = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    screened = spc_words.describe_limits(spc.analyse(series(values), screen_outliers=True))
    assert screened.endswith(
        "from 18 points since 6 January 2025. 2 unusually large moving ranges are left out of them."
    )
    fixed = spc_words.describe_limits(spc.analyse(series(values), fix_after=12))
    assert fixed.endswith("fixed on the first 12 of 18 points since 6 January 2025.")
