"""The demo data show every kind of NHS measure: at least one measure of each chart
type, with signals of each kind among them."""

from __future__ import annotations

import sqlalchemy as sa

from community.core.extensions import db as _db
from community.projects.measures import services as measure_services
from community.projects.measures.models import Measure
from community.projects.measures.spc import ChartType, Rule, Variation


def test_the_demo_has_a_measure_of_every_type_with_signals_of_each_kind(demo_app):
    measures = list(_db.session.scalars(sa.select(Measure)))
    assert {m.chart_type for m in measures} == {t.value for t in ChartType}
    variations = {m.variation for m in measures}
    assert {Variation.CONCERN, Variation.IMPROVEMENT, Variation.COMMON_CAUSE,
            Variation.TOO_FEW} <= variations  # fmt: skip
    # Every rule fires somewhere, the run-chart ones included.
    rules = set()
    for measure in measures:
        for point in measure_services.measure_view(measure).analysis.points:
            rules.update(point.rules)
    assert {Rule.OUTSIDE_LIMITS, Rule.SHIFT, Rule.TREND, Rule.RUN_TREND} <= rules
    # The new types show signals too: a P chart shift of concern, a C chart trend.
    by_name = {m.name: m for m in measures}
    sepsis = by_name["Patients screened for sepsis within an hour"]
    assert (sepsis.chart_type, sepsis.variation) == ("p", Variation.CONCERN)
    assert by_name["Days between never events"].variation == Variation.IMPROVEMENT
    ulcers = measure_services.measure_view(by_name["Hospital-acquired pressure ulcers"])
    assert any(Rule.TREND in p.rules or Rule.SHIFT in p.rules for p in ulcers.analysis.points)
