"""Every kind of NHS measure: the limits of P, P′, U, U′, C, T and G charts by worked
examples, the same Making Data Count rules on each, and re-baselining for every type.

The numbers are worked by hand from the textbook formulas (Provost & Murray, *The
Health Care Data Guide*; Laney 2002; Benneyan 2001 for G), which qicharts2 implements;
where a case is the situation of one of qicharts2's published examples, the test says
so (their datasets are not here, so the numbers are our own, worked by hand).
"""

from __future__ import annotations

from datetime import date, timedelta
from math import sqrt

import pytest

from community.projects.measures import spc, spc_words
from community.projects.measures.spc import ChartType, Rule, Variation

START = date(2025, 1, 6)


def _dated(values, denominators=None):
    days = [START + timedelta(weeks=i) for i in range(len(values))]
    if denominators is None:
        return list(zip(days, values, strict=True))
    return list(zip(days, values, denominators, strict=True))


def _analyse(chart_type, values, denominators=None, **options):
    return spc.analyse(_dated(values, denominators), chart_type=chart_type, **options)


# ------------------------------------------------------------------ P and P′


def test_a_p_chart_gives_each_point_limits_from_its_own_denominator():
    # Eleven weeks of 20 screened out of 100 eligible, and one week of 5 out of 25:
    # the pooled proportion is 225 / 1125 = 0.2 exactly.
    numerators = [20] * 11 + [5]
    denominators = [100] * 11 + [25]
    analysis = _analyse(ChartType.P, numerators, denominators)
    period = analysis.periods[0]
    assert period.centre == pytest.approx(0.2)
    week = analysis.points[0]
    assert week.value == pytest.approx(0.2)
    assert (week.numerator, week.denominator) == (20, 100)
    # sigma = √(0.2 × 0.8 / 100) = 0.04: limits 0.2 ± 0.12.
    assert week.lower == pytest.approx(0.08) and week.upper == pytest.approx(0.32)
    # The small week: sigma = √(0.16 / 25) = 0.08, so 0.2 ± 0.24: wider, and the lower
    # limit stops at zero rather than going below it.
    small = analysis.points[-1]
    assert small.lower == 0.0 and small.upper == pytest.approx(0.44)
    assert [p.variation for p in analysis.points] == [Variation.COMMON_CAUSE] * 12


def test_the_upper_limit_of_a_proportion_is_never_above_one():
    # 9 of 10 every week on a tiny ward: 0.9 ± 3 √(0.09 / 10) = 0.9 ± 0.285.
    analysis = _analyse(ChartType.P, [9] * 12, [10] * 12)
    assert analysis.points[0].upper == 1.0
    assert analysis.points[0].lower == pytest.approx(0.9 - 3 * sqrt(0.09 / 10))


def test_a_p_chart_flags_a_shift_coloured_by_the_improvement_direction():
    # Eight weeks at 15% then eight at 25%, 100 patients each week: p̄ = 0.2, limits
    # 0.08 to 0.32; both runs of eight are shifts (7 or more on one side).
    numerators = [15] * 8 + [25] * 8
    analysis = _analyse(ChartType.P, numerators, [100] * 16, direction="down")
    assert all(Rule.SHIFT in p.rules for p in analysis.points)
    assert analysis.points[0].variation == Variation.IMPROVEMENT  # low is better
    assert analysis.points[-1].variation == Variation.CONCERN
    assert analysis.variation == Variation.CONCERN
    up = _analyse(ChartType.P, numerators, [100] * 16, direction="up")
    assert up.variation == Variation.IMPROVEMENT


def test_zero_counts_on_a_p_chart():
    # Some weeks with no one missed: zero numerators are good data, not missing data.
    numerators = [0, 1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0]
    analysis = _analyse(ChartType.P, numerators, [50] * 12)
    assert analysis.periods[0].centre == pytest.approx(5 / 600)
    assert {p.lower for p in analysis.points} == {0.0}
    assert not any(p.rules for p in analysis.points)


def test_laney_p_prime_widens_limits_that_are_too_tight_with_very_large_denominators():
    # The situation of qicharts2's vignette "Case 5: Prime charts for count data with very
    # large sample sizes" (its nhs_accidents data, Mohammed et al. 2013): most points
    # outside the P limits of a stable process, none outside the P′ ones. The numbers here
    # are our own, worked by hand; that dataset is not in the repository to reproduce.
    # Ten thousand patients a week, alternating 49% and 53%: the binomial limits
    # (0.51 ± 3 √(0.51 × 0.49 / 10000) = 0.51 ± 0.0150) put every week outside them.
    numerators = [4900, 5300] * 6
    denominators = [10_000] * 12
    p_chart = _analyse(ChartType.P, numerators, denominators)
    assert all(p.label == Rule.OUTSIDE_LIMITS for p in p_chart.points)
    # Laney: each z-score is ±0.02 / 0.0049990 = ±4.0008, their moving ranges 8.0016,
    # sigma-z = 8.0016 / 1.128 = 7.0936; the limits widen by that much and nothing is flagged.
    prime = _analyse(ChartType.P_PRIME, numerators, denominators)
    sigma = sqrt(0.51 * 0.49 / 10_000)
    sigma_z = (2 * 0.02 / sigma) / 1.128
    assert prime.periods[0].limits.sigma_z == pytest.approx(sigma_z)
    assert prime.points[0].upper == pytest.approx(0.51 + 3 * sigma * sigma_z)
    assert not any(p.rules for p in prime.points)


# ------------------------------------------------------------------ U and U′


def test_a_u_chart_of_falls_per_bed_day():
    # 4 falls in 1,000 bed days each month, one month 6 in 2,000: ū = 50 / 13000.
    numerators = [4] * 11 + [6]
    exposures = [1000] * 11 + [2000]
    analysis = _analyse(ChartType.U, numerators, exposures)
    u_bar = 50 / 13_000
    assert analysis.periods[0].centre == pytest.approx(u_bar)
    assert analysis.points[0].upper == pytest.approx(u_bar + 3 * sqrt(u_bar / 1000))
    assert analysis.points[0].lower == 0.0  # ū − 3√(ū/1000) is below zero
    assert analysis.points[-1].upper == pytest.approx(u_bar + 3 * sqrt(u_bar / 2000))
    assert analysis.points[-1].value == pytest.approx(0.003)
    # A rate per bed day is shown to three significant figures, not rounded to 0.004.
    assert spc_words.format_number(u_bar) == "0.00385"


def test_a_u_chart_flags_a_month_above_its_own_limit():
    numerators = [4] * 11 + [30]
    analysis = _analyse(ChartType.U, numerators, [1000] * 12, direction="down")
    assert analysis.points[-1].label == Rule.OUTSIDE_LIMITS
    assert analysis.variation == Variation.CONCERN


def test_laney_u_prime_has_its_own_sigma_z():
    numerators = [70, 150] * 6  # ū = 0.11: the U limits 0.0785 to 0.1415 miss both
    exposures = [1000] * 12
    u_chart = _analyse(ChartType.U, numerators, exposures)
    prime = _analyse(ChartType.U_PRIME, numerators, exposures)
    assert prime.periods[0].limits.sigma_z > 1
    assert prime.points[0].upper > u_chart.points[0].upper
    assert u_chart.points[1].label == Rule.OUTSIDE_LIMITS
    assert not any(p.rules for p in prime.points)


# ------------------------------------------------------------------ C


def test_a_c_chart_of_pressure_ulcers_a_month():
    # c̄ = (11 × 4 + 16) / 12 = 5; limits 5 ± 3√5 = 5 ± 6.708, the lower one held at zero.
    analysis = _analyse(ChartType.C, [4] * 11 + [16], direction="down")
    assert analysis.periods[0].centre == 5
    assert analysis.points[0].upper == pytest.approx(5 + 3 * sqrt(5))
    assert analysis.points[0].lower == 0.0
    assert analysis.points[-1].label == Rule.OUTSIDE_LIMITS
    assert analysis.points[-1].variation == Variation.CONCERN


def test_a_c_chart_with_every_count_zero_flags_nothing():
    analysis = _analyse(ChartType.C, [0] * 12)
    assert (analysis.points[0].lower, analysis.points[0].upper) == (0.0, 0.0)
    assert analysis.variation == Variation.COMMON_CAUSE


# ------------------------------------------------------------------ T and G


def test_a_t_chart_of_days_between_events():
    # Times transformed by t ** (1/3.6), XmR limits, and transformed back (as qicharts2's
    # chart = "t"): alternating 8 and 27 days.
    days = [8, 27] * 6
    analysis = _analyse(ChartType.T, days)
    y = [8 ** (1 / 3.6), 27 ** (1 / 3.6)]
    mean, mr = sum(y) / 2, abs(y[1] - y[0])
    assert analysis.periods[0].centre == pytest.approx(mean**3.6)
    assert analysis.points[0].upper == pytest.approx((mean + 2.66 * mr) ** 3.6)
    assert analysis.points[0].lower == pytest.approx((mean - 2.66 * mr) ** 3.6)
    assert not any(p.rules for p in analysis.points)


def test_a_t_chart_flags_an_unusually_long_gap_as_an_improvement():
    # More days between never-events is better.
    days = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 200]
    analysis = _analyse(ChartType.T, days, direction="up")
    assert analysis.points[-1].label == Rule.OUTSIDE_LIMITS
    assert analysis.variation == Variation.IMPROVEMENT
    assert all(p.lower >= 0 for p in analysis.points)


def test_a_g_chart_of_cases_between_infections():
    # ḡ = 30: limits 30 ± 3 √(30 × 31), the lower one held at zero.
    analysis = _analyse(ChartType.G, [20, 40] * 6)
    assert analysis.periods[0].centre == 30
    assert analysis.points[0].upper == pytest.approx(30 + 3 * sqrt(30 * 31))
    assert analysis.points[0].lower == 0.0
    longer = _analyse(ChartType.G, [20, 40] * 6 + [250], direction="up")
    assert longer.points[-1].label == Rule.OUTSIDE_LIMITS
    assert longer.variation == Variation.IMPROVEMENT


# ------------------------------------------------------------------ every type


SHIFTED = {  # twelve points low, then seven high: a shift of seven above the centre
    ChartType.XMR: ([10, 11] * 6 + [14] * 7, None),
    ChartType.P: ([10, 11] * 6 + [14] * 7, [100] * 19),
    ChartType.P_PRIME: ([10, 11] * 6 + [14] * 7, [100] * 19),
    ChartType.U: ([10, 11] * 6 + [14] * 7, [100] * 19),
    ChartType.U_PRIME: ([10, 11] * 6 + [14] * 7, [100] * 19),
    ChartType.C: ([10, 11] * 6 + [14] * 7, None),
    ChartType.T: ([10, 11] * 6 + [14] * 7, None),
    ChartType.G: ([10, 11] * 6 + [14] * 7, None),
}


@pytest.mark.parametrize("chart_type", list(ChartType))
def test_the_same_rules_flag_a_shift_on_every_chart_type(chart_type):
    values, denominators = SHIFTED[chart_type]
    up = _analyse(chart_type, values, denominators, direction="up")
    assert [Rule.SHIFT in p.rules for p in up.points[-7:]] == [True] * 7
    assert up.variation == Variation.IMPROVEMENT
    down = _analyse(chart_type, values, denominators, direction="down")
    assert down.variation == Variation.CONCERN
    neither = _analyse(chart_type, values, denominators, direction="neither")
    assert neither.variation == Variation.NEUTRAL


@pytest.mark.parametrize("chart_type", list(ChartType))
def test_every_type_can_be_re_baselined_and_a_single_point_period_is_a_run_chart(chart_type):
    values = [10, 11] * 6 + [30]
    denominators = [100] * 13 if chart_type in spc.WITH_DENOMINATOR else None
    analysis = _analyse(chart_type, values, denominators, period_starts=[12])
    first, second = analysis.periods
    assert first.has_limits and (first.start, first.end) == (0, 12)
    # The point after the change is a period of its own: no limits, its own median, and
    # no rule applies to it (it would be far outside the first period's limits).
    assert not second.has_limits
    assert second.centre == analysis.points[-1].value
    assert analysis.points[-1].rules == ()
    assert analysis.points[-1].lower is None
    assert analysis.variation == Variation.TOO_FEW


def test_each_period_of_a_p_chart_has_its_own_pooled_proportion():
    numerators = [20] * 12 + [40] * 12
    analysis = _analyse(ChartType.P, numerators, [100] * 24, period_starts=[12])
    assert [p.centre for p in analysis.periods] == [pytest.approx(0.2), pytest.approx(0.4)]
    assert analysis.points[-1].upper == pytest.approx(0.4 + 3 * sqrt(0.24 / 100))


def test_limits_fixed_on_the_first_points_of_a_p_chart():
    numerators = [20] * 12 + [40] * 4
    analysis = _analyse(ChartType.P, numerators, [100] * 16, fix_after=12)
    assert analysis.periods[0].centre == pytest.approx(0.2)
    assert analysis.points[-1].label == Rule.OUTSIDE_LIMITS


def test_assurance_on_a_p_chart_uses_the_latest_points_limits():
    # p̄ = 0.9 with 400 a week: limits 0.855 to 0.945; a 95% target is missed every time.
    analysis = _analyse(ChartType.P, [360] * 12, [400] * 12, direction="up", target=0.95)
    assert analysis.assurance == spc.Assurance.MISS
    met = _analyse(ChartType.P, [360] * 12, [400] * 12, direction="up", target=0.8)
    assert met.assurance == spc.Assurance.MEET
