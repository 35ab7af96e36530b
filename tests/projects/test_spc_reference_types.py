"""The P, P′, U, C, T and G charts against qicharts2's published examples.

Each case names the qicharts2 file it reproduces (the package's public repository,
github.com/anhoej/qicharts2): either a test expectation in tests/testthat/ (the
Montgomery examples of test_montgomery.R, whose saved results hold every point's
centre line and limits to full precision) or a chart in vignettes/qicharts2.Rmd
(whose published numbers are the labels printed on the chart in the package's
rendered vignette, docs/articles/qicharts2.html, to the decimals shown there).
Only facts carry over: the data, typed in, and the published numbers; the
engine is our own.

Where we differ from qicharts2 by choice, the test says so and checks our
documented behaviour (docs/projects-and-spc.md, "Where we differ from qicharts2"):

* an individuals (and so T) chart's limits are at 2.66 mean moving ranges, the
  Making Data Count constant, where qicharts2 uses 3 / 1.128 = 2.6596;
* a G chart's centre line is the mean ḡ, where qicharts2 draws the median
  (both draw the same limits, from the mean);
* a period of fewer than 12 points is a run chart, with no limits;
* there is no "exclude": a point left out of the limits is left out of the data.

qicharts2 publishes no U′ example (its vignette's prime charts are P′), so the
U′ chart has none here; its hand-worked cases are in test_measure_types.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from community.projects.measures import spc
from community.projects.measures.spc import ChartType

START = date(2025, 1, 6)


def _analyse(chart_type, values, denominators=None, **options) -> spc.Analysis:
    days = [START + timedelta(weeks=i) for i in range(len(values))]
    if denominators is None:
        observations = list(zip(days, values, strict=True))
    else:
        observations = list(zip(days, values, denominators, strict=True))
    return spc.analyse(observations, chart_type=chart_type, **options)


def _assert_limits(analysis: spc.Analysis, centre, lowers, uppers, places):
    assert analysis.periods[0].centre == pytest.approx(centre, abs=places)
    assert [p.lower for p in analysis.points] == pytest.approx(lowers, abs=places)
    assert [p.upper for p in analysis.points] == pytest.approx(uppers, abs=places)


# ------------------------------------------------------------------ P


# Montgomery, Table 7.4: 25 samples of varying size (qicharts2's tbl_07.04).
TABLE_7_4_COUNTS = [
    12, 8, 6, 9, 10, 12, 11, 16, 10, 6, 20, 15, 9, 8, 6, 8, 10, 7, 5, 8, 5, 8, 10, 6, 9,
]  # fmt: skip
TABLE_7_4_SIZES = [
    100, 80, 80, 100, 110, 110, 100, 100, 90, 90, 110, 120, 120, 120, 110, 80, 80, 80,
    90, 100, 100, 100, 100, 90, 90,
]  # fmt: skip
# tests/testthat/tbl_7.4_1.rds: each sample's limits depend only on its size.
TABLE_7_4_LIMITS = {
    80: (0.0, 0.194093),
    90: (0.002565, 0.188455),
    100: (0.007335, 0.183686),
    110: (0.011438, 0.179582),
    120: (0.015017, 0.176003),
}


def test_p_chart_reproduces_qicharts2_montgomery_table_7_4():
    # qicharts2 tests/testthat/test_montgomery.R, "Table 7.4 is equal to reference":
    # qic(sample, count, size, data = tbl_07.04, chart = 'p'), saved as tbl_7.4_1.rds.
    analysis = _analyse(ChartType.P, TABLE_7_4_COUNTS, TABLE_7_4_SIZES)
    _assert_limits(
        analysis,
        0.09551,  # 234 / 2450, printed as 0.09551
        [TABLE_7_4_LIMITS[n][0] for n in TABLE_7_4_SIZES],
        [TABLE_7_4_LIMITS[n][1] for n in TABLE_7_4_SIZES],
        places=1e-5,
    )


# ------------------------------------------------------------------ P′

# qicharts2's nhs_accidents: emergency patients seen within 4 hours (r) of all seen (n),
# 20 weeks (data/nhs_accidents.rda; ?nhs_accidents).
NHS_SEEN = [
    266501, 264225, 276532, 281461, 269071, 261215, 270409, 279778, 270483, 270320,
    267923, 271478, 255353, 256820, 261835, 259144, 255910, 260863, 264465, 260989,
]  # fmt: skip
NHS_ATTENDED = [
    280443, 276823, 291681, 296155, 282343, 275888, 283867, 295251, 284468, 282529,
    279618, 283932, 266629, 268091, 276803, 271578, 266005, 273520, 278574, 273772,
]  # fmt: skip


def test_p_prime_chart_reproduces_the_qicharts2_vignette_nhs_accidents_chart():
    # vignettes/qicharts2.Rmd, "Case 5: Prime charts for count data with very large
    # sample sizes": qic(i, r, n = n, data = nhs_accidents, chart = 'pp', decimals = 3).
    # The rendered chart prints CL 95.290 %, and the last week's limits 93.997 % and
    # 96.582 % (it labels the limits of the last point).
    analysis = _analyse(ChartType.P_PRIME, NHS_SEEN, NHS_ATTENDED)
    assert analysis.periods[0].centre == pytest.approx(0.95290, abs=5e-6)
    last = analysis.points[-1]
    assert last.lower == pytest.approx(0.93997, abs=5e-6)
    assert last.upper == pytest.approx(0.96582, abs=5e-6)
    # The overdispersion the vignette shows: the plain P chart's limits are ten times
    # narrower, so the same weeks would nearly all fall outside them.
    assert analysis.periods[0].limits.sigma_z > 10
    p_chart = _analyse(ChartType.P, NHS_SEEN, NHS_ATTENDED)
    assert sum(1 for p in p_chart.points if p.label == spc.Rule.OUTSIDE_LIMITS) > 10
    assert not any(p.label == spc.Rule.OUTSIDE_LIMITS for p in analysis.points)


# ------------------------------------------------------------------ U


def test_u_chart_reproduces_qicharts2_montgomery_example_7_4():
    # test_montgomery.R, "Example 7.4 is equal to reference": qic(sample, count, size,
    # data = tbl_07.10, chart = 'u'), saved as ex_7.4_1.rds: 20 samples of 50 units,
    # ū = 0.074, limits 0 and 0.189412 at every sample.
    counts = [2, 3, 8, 1, 1, 4, 1, 4, 5, 1, 8, 2, 4, 3, 4, 1, 8, 3, 7, 4]
    analysis = _analyse(ChartType.U, counts, [50] * 20)
    _assert_limits(analysis, 0.074, [0.0] * 20, [0.189412] * 20, places=1e-6)


def test_u_chart_limits_reproduce_qicharts2_montgomery_example_7_5():
    # test_montgomery.R, "Example 7.5 is equal to reference": qic(roll, count, meters,
    # data = tbl_07.11, chart = 'u', multiply = 50), saved as ex_7.5_1.rds: 10 rolls of
    # paper of varying length, defects per 50 square metres.
    counts = [14, 12, 20, 11, 7, 10, 21, 16, 19, 23]
    metres = [500, 400, 650, 500, 475, 500, 600, 525, 600, 625]
    lowers = [0.291474, 0.157885, 0.430617, 0.291474, 0.262072,
              0.291474, 0.390085, 0.318750, 0.390085, 0.410959]  # fmt: skip
    uppers = [2.555038, 2.688626, 2.415894, 2.555038, 2.584440,
              2.555038, 2.456427, 2.527762, 2.456427, 2.435552]  # fmt: skip
    centre, each = spc.attribute_limits(ChartType.U, counts, metres)
    assert centre * 50 == pytest.approx(1.423256, abs=1e-6)
    assert [own.lower * 50 for own in each] == pytest.approx(lowers, abs=1e-6)
    assert [own.upper * 50 for own in each] == pytest.approx(uppers, abs=1e-6)
    # Our difference: ten points are too few for limits (fewer than 12: Making Data
    # Count), so the measure itself is drawn as a run chart around its median.
    analysis = _analyse(ChartType.U, counts, metres)
    assert analysis.is_run_chart and analysis.points[0].upper is None


# ------------------------------------------------------------------ C


def test_c_chart_reproduces_qicharts2_montgomery_example_7_3():
    # test_montgomery.R, "Example 7.3 is equal to reference": qic(sample, count,
    # data = tbl_07.08, chart = 'c', exclude = c(6, 20), freeze = 26), saved as
    # ex_7.3_3.rds: 46 samples of 100 circuit boards, limits from the first 26 less
    # samples 6 and 20 (assignable causes): c̄ = 19.666667, limits 6.362532 and 32.970801.
    counts = [
        21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39,
        30, 24, 16, 19, 17, 15, 16, 18, 12, 15, 24, 21, 28, 20, 25, 19, 18, 21, 16, 22,
        19, 12, 14, 9, 16, 21,
    ]  # fmt: skip
    # We have no "exclude": the two samples are left out of the data, and the limits
    # fixed on the 24 baseline samples that remain.
    kept = [count for sample, count in enumerate(counts, start=1) if sample not in (6, 20)]
    analysis = _analyse(ChartType.C, kept, fix_after=24)
    _assert_limits(analysis, 19.666667, [6.362532] * 44, [32.970801] * 44, places=1e-6)


# ------------------------------------------------------------------ T and G

# The vignette's cabg dataset (data/cabg.rda, 2205 operations): between each death and
# the one before it, the surgeries (dd) and the days (dt) — vignettes/qicharts2.Rmd,
# "T and G charts for rare events", the fatalities table (the first death has none).
CABG_SURGERIES_BETWEEN = [
    23, 39, 15, 34, 1, 49, 98, 29, 27, 13, 45, 7, 10, 27, 24, 14, 20, 38, 44, 11, 10, 3,
    113, 183, 3, 47, 18, 18, 33, 15, 2, 38, 27, 27, 1, 52, 23, 7, 26, 82, 5, 49, 5, 17,
    24, 44, 26, 2, 27, 46, 55, 97, 22, 22, 20, 4, 60, 51, 7, 21, 66, 36, 25, 72, 15, 5, 3,
]  # fmt: skip
CABG_DAYS_BETWEEN = [
    16, 20, 5, 13, 1, 26, 46, 12, 12, 5, 19, 4, 3, 15, 14, 9, 8, 15, 21, 6, 3, 1, 56,
    117, 1, 33, 9, 9, 19, 12, 1, 16, 13, 18, 1, 35, 16, 5, 21, 38, 3, 25, 3, 11, 13, 20,
    9, 3, 8, 21, 24, 38, 8, 13, 9, 1, 30, 23, 3, 7, 22, 19, 11, 31, 6, 1, 1,
]  # fmt: skip
DEATHS_24_AND_25 = 23  # 0-based: the vignette's "Deaths number 24 and 25 are unusually far apart"


def test_t_chart_reproduces_the_qicharts2_vignette_days_between_deaths():
    # vignettes/qicharts2.Rmd, "T and G charts for rare events": qic(dt, data =
    # fatalities, chart = 't'); the rendered chart prints CL 11.2, UCL 97.3, LCL 0.0,
    # and flags one point, death 25. qicharts2 leaves out large moving ranges by
    # default (option qic.screenedmr, set when the package is attached), as we do.
    analysis = _analyse(ChartType.T, CABG_DAYS_BETWEEN, screen_outliers=True)
    n = len(CABG_DAYS_BETWEEN)
    _assert_limits(analysis, 11.2, [0.0] * n, [97.3] * n, places=0.05)
    flagged = [p.index for p in analysis.points if p.label == spc.Rule.OUTSIDE_LIMITS]
    assert flagged == [DEATHS_24_AND_25]


MONTGOMERY_7_6_HOURS = [
    286, 948, 536, 124, 816, 729, 4, 143, 431, 8, 2837, 596, 81, 227, 603, 492, 1199,
    1214, 2831, 96,
]  # fmt: skip


def test_t_chart_of_qicharts2_montgomery_example_7_6_differs_only_by_the_xmr_constant(
    monkeypatch,
):
    # test_montgomery.R, "Example 7.6 is equal to reference": qic(failure, hours,
    # data = tbl_07.14, chart = 't'), saved as ex_7.6_1.rds (every moving range kept):
    # centre 430.040952, lower limit 0, upper 6937.933488.
    analysis = _analyse(ChartType.T, MONTGOMERY_7_6_HOURS)
    n = len(MONTGOMERY_7_6_HOURS)
    # The centre and the lower limit are the same.
    assert analysis.periods[0].centre == pytest.approx(430.040952, abs=1e-6)
    assert [p.lower for p in analysis.points] == [0.0] * n
    # The upper limit is not: we draw XmR limits at 2.66 mean moving ranges (Making
    # Data Count, NHSRplotthedots), qicharts2 at 3 / 1.128 = 2.6596 (3 sigma from d2),
    # which, raised to the power 3.6, moves it by 0.03 %.
    assert [p.upper for p in analysis.points] == pytest.approx([6940.084221] * n, abs=1e-6)
    # With qicharts2's constant, ours is qicharts2's to every published digit.
    monkeypatch.setattr(spc, "LIMIT_FACTOR", 3 / spc.D2)
    analysis = _analyse(ChartType.T, MONTGOMERY_7_6_HOURS)
    _assert_limits(analysis, 430.040952, [0.0] * n, [6937.933488] * n, places=1e-6)


def test_g_chart_limits_reproduce_the_qicharts2_vignette_surgeries_between_deaths():
    # vignettes/qicharts2.Rmd, "T and G charts for rare events": qic(dd, data =
    # fatalities, chart = 'g'); the rendered chart prints UCL 128.2, LCL 0.0 and a
    # centre line of 24.0, and flags one point, death 25.
    analysis = _analyse(ChartType.G, CABG_SURGERIES_BETWEEN)
    n = len(CABG_SURGERIES_BETWEEN)
    assert [p.lower for p in analysis.points] == [0.0] * n
    assert [p.upper for p in analysis.points] == pytest.approx([128.2] * n, abs=0.05)
    flagged = [p.index for p in analysis.points if p.label == spc.Rule.OUTSIDE_LIMITS]
    assert flagged == [DEATHS_24_AND_25]
    # Our difference: qicharts2 draws the median (24) as the centre line, with limits
    # from the mean; our centre line is the mean itself, ḡ = 2122 / 67 = 31.67, the
    # centre the limits are drawn around and the shift rule reads from.
    assert analysis.periods[0].centre == pytest.approx(2122 / 67)
    assert sorted(CABG_SURGERIES_BETWEEN)[n // 2] == 24
