"""The SPC engine against NHSRplotthedots' published worked examples.

Each case names the NHSRplotthedots test or vignette whose inputs it types in
(from the package's public repository: tests/testthat/ and vignettes/) and
checks what an analyst would compare with R's output: the centre line and
both process limits at every point, and every point's one label, written in
NHSRplotthedots' own words (its `special_cause_type`). Only facts carry
over: the inputs and the published numbers; the engine is our own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from community.projects.measures import spc
from community.projects.measures.spc import HIGH, Direction, Limits, Variation
from community.projects.measures.spc_words import nhsr_label

# set.seed(123); rnorm(20): the data of tests/testthat/test-ptd_spc_standard.R
# and test-ptd_spc.R, dated 2020-01-02 onwards, one a day.
RNORM_20 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip
# The same with its 15th value set to 10 ("testing the screen_outliers").
RNORM_20_OUTLIER = [*RNORM_20[:14], 10.0, *RNORM_20[15:]]
# vignettes/deviations.Rmd, "1. Treatment of outlying points": 18 daily points from 2021-03-22.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
# test-ptd_spc_standard.R, "it only reports special cause for 2of3 points close to
# limits when they are on the same side of the mean": 1, -1 eight times, then the
# 15th and 16th values set to 5.5 and -5.5.
OPPOSITE_SIDES = [*[1, -1] * 7, 5.5, -5.5]


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # the NHSRplotthedots test or vignette it reproduces
    values: list[float]
    centres: list[float]  # each period's mean, as published
    lowers: list[float]
    uppers: list[float]
    labels: dict[int, str] = field(default_factory=dict)  # 0-based index → label; else common
    screen_outliers: bool = True  # NHSRplotthedots' default
    fix_after: int | None = None
    rebase_at: int | None = None  # index of the first point of a new period
    places: float = 1e-6  # how closely the published numbers are printed
    start: date = date(2020, 1, 2)


CASES = [
    Case(
        "rnorm(20), large moving ranges left out (none is large)",
        "tests/testthat/test-ptd_spc_standard.R 'it returns expected values' r1 "
        "(_snaps/ptd_spc_standard.md; _snaps/ptd_spc.md: 20 common cause)",
        RNORM_20, [0.1416238], [-3.01138], [3.294627],
    ),
    Case(
        "rnorm(20), without leaving out large moving ranges: the same limits",
        "test-ptd_spc_standard.R r1 with screen_outliers = FALSE (nothing to leave out)",
        RNORM_20, [0.1416238], [-3.01138], [3.294627], screen_outliers=False,
    ),
    Case(
        "an outlier of 10, large moving ranges left out",
        "test-ptd_spc_standard.R 'it returns expected values' r2",
        RNORM_20_OUTLIER, [0.6694159], [-2.383666], [3.722497], {14: "Above UCL"},
    ),
    Case(
        "an outlier of 10, every moving range kept (the Excel tool's way): wider limits",
        "test-ptd_spc_standard.R 'it returns expected values' r3 (screen_outliers = FALSE)",
        RNORM_20_OUTLIER, [0.6694159], [-4.596625], [5.935457], {14: "Above UCL"},
        screen_outliers=False,
    ),
    Case(
        "deviations vignette: the package default",
        "vignettes/deviations.Rmd, 1. Treatment of outlying points, 'R Package Default' "
        "(UPL 4.6, mean 1.94, LPL -0.72; one improvement point)",
        DEVIATIONS, [1.94], [-0.72], [4.6], {4: "Above UCL"}, places=0.005,
        start=date(2021, 3, 22),
    ),
    Case(
        "deviations vignette: replicating the Excel tool",
        "vignettes/deviations.Rmd, 'Over-riding to replicate Making Data Count Excel output' "
        "(UPL 6.95, mean 1.94, LPL -3.06)",
        DEVIATIONS, [1.94], [-3.06], [6.95], {4: "Above UCL"}, places=0.005,
        screen_outliers=False, start=date(2021, 3, 22),
    ),
    Case(
        "two points near opposite limits are not two of three",
        "test-ptd_spc_standard.R 'it only reports special cause for 2of3 points close to "
        "limits when they are on the same side of the mean' (last two: common cause)",
        OPPOSITE_SIDES, [0.0], [-6.175], [6.175],
    ),
    Case(
        "re-baselined: each period is worked out on its own",
        "deviations.Rmd default (18 points) then test-ptd_spc_standard.R r1 (20 points), "
        "rebased on the first point of the second: R works out each rebase group alone",
        DEVIATIONS + RNORM_20, [1.94, 0.1416238], [-0.72, -3.01138], [4.6, 3.294627],
        {4: "Above UCL"}, places=0.005, rebase_at=18, start=date(2021, 3, 22),
    ),
    Case(
        "limits fixed on the first 12 points: later points are still checked",
        "test-ptd_spc_standard.R 'setting fix_after_n_points changes the calculations' "
        "(fix_after_n_points = 12), on r2's data: the mean and limits of the first 12 "
        "points, and the outlier of 10 after them flagged",
        RNORM_20_OUTLIER, [0.19417934], [-2.6073998], [2.9957585], {14: "Above UCL"},
        fix_after=12,
    ),
]  # fmt: skip


def _analyse(case: Case, direction=Direction.UP) -> spc.Analysis:
    observations = [(case.start + timedelta(days=i), v) for i, v in enumerate(case.values)]
    return spc.analyse(
        observations,
        direction,
        period_starts=[case.rebase_at] if case.rebase_at else [],
        screen_outliers=case.screen_outliers,
        fix_after=case.fix_after,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_centre_limits_and_labels_at_every_point(case: Case):
    analysis = _analyse(case)
    assert len(analysis.periods) == len(case.centres)
    for point in analysis.points:
        period = analysis.periods[point.period]
        assert period.centre == pytest.approx(case.centres[point.period], abs=case.places)
        assert period.limits.lower == pytest.approx(case.lowers[point.period], abs=case.places)
        assert period.limits.upper == pytest.approx(case.uppers[point.period], abs=case.places)
        expected = case.labels.get(point.index, "Common Cause")
        assert nhsr_label(point) == expected, (case.source, point.index, point.value)


def test_the_point_dated_on_the_re_baseline_starts_the_new_period():
    # test-ptd_spc_standard.R 'it sets the rebase_group field': rebased on the
    # 11th date, points 1-10 are group 0 and 11-20 group 1.
    dates = [date(2020, 1, 2) + timedelta(days=i) for i in range(20)]
    assert spc.period_starts_for(dates, [dates[10]]) == [10]


def test_large_moving_ranges_are_left_out_once_at_3_267_times_their_mean():
    # deviations.Rmd: the jumps to and from 10 (8 and 9) are at least 3.267 times
    # the mean moving range (32 / 17, about 1.88) and are left out; the 15 ranges of 1 remain.
    mr_bar, left_out = spc.mean_moving_range(DEVIATIONS, screen_outliers=True)
    assert (mr_bar, left_out) == (1.0, 2)
    assert spc.mean_moving_range(DEVIATIONS) == (pytest.approx(32 / 17), 0)
    # A range exactly at 3.267 times the mean is left out ("at or above").
    ranges = [0.0] * 3266 + [3.267]  # the mean is 0.001 and one range is 3.267 times it
    values = [0.0]
    for r in ranges:
        values.append(values[-1] + r)
    assert spc.mean_moving_range(values, screen_outliers=True) == (0.0, 1)


# ------------------------------------------------------------------ the rules, one by one

# Values against a mean of 0 with near-limit lines at ±2 (limits ±3):
# "close" (beyond the two-thirds line) is 2.5 or -2.5, not close is 0.5 or -0.5.
NEAR = Limits(mean=0, mean_moving_range=3 / 2.66, upper=3, lower=-3, upper_near=2, lower_near=-2)


def _from(close: list[int], relative_to_mean: list[int]) -> list[float]:
    return [(2.5 if c else 0.5) * side for c, side in zip(close, relative_to_mean, strict=True)]


@pytest.mark.parametrize(
    ("source", "close", "relative_to_mean", "expected"),
    [
        ("ptd_two_in_three d", [1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ("ptd_two_in_three e", [0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ("ptd_two_in_three f", [1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ("ptd_two_in_three g", [0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ("ptd_two_in_three h", [0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ("opposite sides d", [1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ("opposite sides e", [0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ("opposite sides f", [1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ("opposite sides g", [0, 0, 1, 0, 1, 0, 0], [1, -1] * 3 + [1], [0] * 7),
        ("opposite sides h", [0, 0, 1, 1, 0, 0, 0], [-1, 1] * 3 + [-1], [0] * 7),
        ("ptd_part_of_two_in_three h", [1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ("ptd_part_of_two_in_three i", [1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        ("below the mean", [1, 0, 1], [-1, -1, -1], [-1, 0, -1]),
    ],
)
def test_two_of_three(source, close, relative_to_mean, expected):
    """tests/testthat/test-ptd_calculate_point_type.R, ptd_two_in_three and
    ptd_part_of_two_in_three: a point is marked when it is close to a limit and in a
    window of three, all on one side of the mean, with two or more close."""
    found = spc.two_of_three(_from(close, relative_to_mean), NEAR)
    assert [found.get(i, 0) for i in range(len(close))] == expected, source


def test_a_point_on_the_mean_voids_the_window():
    assert spc.two_of_three([2.5, 0.0, 2.5], NEAR) == {}


def test_a_point_outside_the_limits_is_not_one_of_the_two():
    # close_to_limits excludes outside points in ptd_spc_standard.R.
    assert spc.two_of_three([3.5, 2.5, 0.5], NEAR) == {}
    assert spc.two_of_three([3.5, 2.5, 2.1], NEAR) == {1: HIGH, 2: HIGH}


@pytest.mark.parametrize(
    ("source", "sides", "expected"),
    [
        ("rep(1, 6)", [1] * 6, [0] * 6),
        ("c(rep(1, 6), -1)", [1] * 6 + [-1], [0] * 7),
        ("c(rep(1, 8), -1)", [1] * 8 + [-1], [1] * 8 + [0]),
        ("c(rep(-1, 8), 1)", [-1] * 8 + [1], [-1] * 8 + [0]),
        ("a point on the mean ends the run", [1] * 6 + [0] + [1] * 6, [0] * 13),
    ],
)
def test_shift(source, sides, expected):
    """test-ptd_calculate_point_type.R, ptd_seven_point_one_side_mean and
    ptd_part_of_seven_trend: every point of a run of seven or more is marked."""
    found = spc.shifts([float(s) for s in sides], 0.0)
    assert [found.get(i, 0) for i in range(len(sides))] == expected, source


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("1:6", list(range(1, 7)), [0] * 6),
        ("c(1:3, 3:6)", [1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ("1:7", list(range(1, 8)), [1] * 7),
        ("c(2, 1:7, 3)", [2, *range(1, 8), 3], [0] + [1] * 7 + [0]),
        ("7:1", list(range(7, 0, -1)), [-1] * 7),
        ("c(2, 7:1, 3)", [2, *range(7, 0, -1), 3], [0] + [-1] * 7 + [0]),
    ],
)
def test_trend(source, values, expected):
    """test-ptd_calculate_point_type.R, ptd_seven_point_trend with ptd_part_of_seven_trend."""
    found = spc.trends([float(v) for v in values])
    assert [found.get(i, 0) for i in range(len(values))] == expected, source


# ------------------------------------------------------------------ one label per point


def _weekly(values, direction):
    return spc.analyse(
        [(date(2024, 1, 1) + timedelta(weeks=i), v) for i, v in enumerate(values)], direction
    )


def test_one_label_in_the_order_outside_trend_two_of_three_shift():
    """ptd_special_cause_type: outside the limits, then trend, then two of three, then shift.

    Worked by hand from those rules: sixteen points alternating 10 and 12, then a
    fall to 3 and a slow rise near the lower limit, then 12 and 10. Mean 9.24,
    limits 3.70 to 14.78, two-thirds line 5.55.
    """
    values = [10, 12] * 8 + [3, 4.5, 4.7, 4.9, 5.1, 5.3, 5.5, 12, 10]
    analysis = _weekly(values, Direction.UP)
    limits = analysis.periods[0].limits
    assert (limits.mean, limits.lower, limits.lower_near) == pytest.approx((9.24, 3.6983, 5.5456),
                                                                          abs=1e-4)  # fmt: skip
    labels = [nhsr_label(p) for p in analysis.points]
    # 3 is below the lower limit, in the shift and starts the rising trend: outside wins.
    assert labels[16] == "Below LCL"
    assert analysis.points[16].rules == (spc.Rule.OUTSIDE_LIMITS, spc.Rule.SHIFT, spc.Rule.TREND)
    # 4.5 to 5.5 are in a shift below the mean, two of three near the lower limit and
    # a rising trend: the trend wins, coloured by its direction (rising: an
    # improvement), not by the point's low side (which would be a concern).
    for i in range(17, 23):
        point = analysis.points[i]
        assert set(point.rules) == {spc.Rule.SHIFT, spc.Rule.TREND, spc.Rule.TWO_OF_THREE}
        assert labels[i] == "7 Point Trend (Increasing)"
        assert point.side == HIGH and point.variation == Variation.IMPROVEMENT
    assert labels[23:] == ["7 Point Trend (Increasing)", "Common Cause"]
    # The first sixteen points are all above the mean: a shift.
    assert labels[:16] == ["7 Points Above CL"] * 16


def test_the_turn_of_a_rise_and_a_fall_takes_the_step_to_its_right():
    # ptd_special_cause_type: "if a point is part of a trend either side, use right side".
    values = [10, 12] * 6 + [3, 4, 5, 6, 7, 8, 9, 8, 7, 6, 5, 4, 3, 11]
    analysis = _weekly(values, Direction.DOWN)
    labels = [nhsr_label(p) for p in analysis.points]
    assert analysis.points[18].value == 9
    assert labels[12:18] == ["7 Point Trend (Increasing)"] * 6
    assert labels[18:25] == ["7 Point Trend (Decreasing)"] * 7  # the peak falls to its right
    assert analysis.points[18].variation == Variation.IMPROVEMENT  # lower is better
    assert labels[25] == "Common Cause"


# ------------------------------------------------------------------ assurance


@pytest.mark.parametrize(
    ("direction", "lower", "upper", "expected"),
    [
        # test-ptd_calculate_assurance_type.R: target 4; limits (1, 3), (5, 7), (1, 5).
        (Direction.UP, 1, 3, spc.Assurance.MISS),
        (Direction.UP, 5, 7, spc.Assurance.MEET),
        (Direction.UP, 1, 5, spc.Assurance.HIT_AND_MISS),
        (Direction.DOWN, 1, 3, spc.Assurance.MEET),
        (Direction.DOWN, 5, 7, spc.Assurance.MISS),
        (Direction.DOWN, 1, 5, spc.Assurance.HIT_AND_MISS),
        (Direction.NEITHER, 1, 3, None),
        # The comparisons are strict: a target exactly on a limit is hit and miss.
        (Direction.UP, 1, 4, spc.Assurance.HIT_AND_MISS),
        (Direction.UP, 4, 7, spc.Assurance.HIT_AND_MISS),
        (Direction.DOWN, 1, 4, spc.Assurance.HIT_AND_MISS),
        (Direction.DOWN, 4, 7, spc.Assurance.HIT_AND_MISS),
    ],
)
def test_assurance(direction, lower, upper, expected):
    limits = Limits(mean=(lower + upper) / 2, mean_moving_range=1, upper=upper, lower=lower,
                    upper_near=upper, lower_near=lower)  # fmt: skip
    assert spc.assurance(limits, 4, direction) == expected


# ------------------------------------------------------------------ where we differ on purpose
# (docs/projects-and-spc.md, "Where we deliberately differ from NHSRplotthedots")


def test_a_trend_point_next_to_a_different_trend_keeps_its_own_direction():
    # Seven rising, a small drop, seven rising again: the top of the first rise is
    # in no falling trend, so it stays rising (R would call it "Decreasing").
    values = [10, 12] * 6 + [1, 2, 3, 4, 5, 6, 7, 6.5, 7.5, 8, 9, 10, 11, 12]
    analysis = _weekly(values, Direction.UP)
    top = analysis.points[18]
    assert top.value == 7 and top.label == spc.Rule.TREND
    assert nhsr_label(top) == "7 Point Trend (Increasing)"
    assert top.variation == Variation.IMPROVEMENT


def test_fewer_than_twelve_points_have_no_limits_and_no_spc_labels():
    # R draws trial limits here; we follow the Making Data Count guidance: a run chart,
    # whose only rules are the run-chart ones (the 10 is an astronomical point).
    analysis = _weekly(DEVIATIONS[:11], Direction.UP)
    assert analysis.is_run_chart and analysis.periods[0].limits is None
    assert [p.label for p in analysis.points] == [None] * 4 + [spc.Rule.ASTRONOMICAL] + [None] * 6


def test_a_flat_series_keeps_its_zero_moving_ranges():
    assert spc.mean_moving_range([5.0] * 12, screen_outliers=True) == (0.0, 0)
    limits = spc.xmr_limits([5.0] * 12, screen_outliers=True)
    assert (limits.lower, limits.mean, limits.upper) == (5.0, 5.0, 5.0)


def test_fixed_limits_still_check_every_later_point():
    """fix_after_n_points: the baseline's mean and limits, every rule on every point.

    Worked by hand: a baseline of twelve points alternating 10 and 12 (mean 11,
    mean moving range 2, limits 5.68 to 16.32, two-thirds lines 7.45 and 14.55),
    then eight points of 15 and 16, and one of 17.
    """
    values = [10, 12] * 6 + [15, 16] * 4 + [17]
    analysis = spc.analyse(
        [(date(2024, 1, 1) + timedelta(weeks=i), v) for i, v in enumerate(values)],
        Direction.UP,
        fix_after=12,
    )
    limits = analysis.periods[0].limits
    assert (limits.mean, limits.mean_moving_range, limits.baseline) == (11, 2, 12)
    assert (limits.lower, limits.upper) == pytest.approx((5.68, 16.32))
    labels = [nhsr_label(p) for p in analysis.points]
    assert labels[:11] == ["Common Cause"] * 11
    # The baseline's last 12 is above the mean and starts a run of ten above it.
    assert labels[11] == "7 Points Above CL"
    # 15 and 16 lie beyond the upper two-thirds line: two of three comes before the shift.
    assert labels[12:20] == ["2 in 3 Above CL"] * 8
    assert labels[20] == "Above UCL"
    # Limits from every point would have taken the later points in and flagged less.
    unfixed = spc.analyse(
        [(date(2024, 1, 1) + timedelta(weeks=i), v) for i, v in enumerate(values)], Direction.UP
    )
    assert nhsr_label(unfixed.points[20]) != "Above UCL"
