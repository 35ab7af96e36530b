"""Results dashboards for a system, an organisation or a community.

A few grouped queries over the projects the viewer may see (the one visibility
rule), never a query per project, so a dashboard costs the same however many
projects there are.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup

from community.core.extensions import db
from community.methods.models import Method
from community.projects import method_links
from community.projects.measures.charts import Bar, bar_chart
from community.projects.measures.models import VARIATION_TAG_COLOURS, Measure
from community.projects.measures.spc import Variation
from community.projects.measures.spc_words import VARIATION_LABELS
from community.projects.models import ProgrammeType, Project, ProjectStatus
from community.visibility import visible_projects_clause

BAR_COLOURS = {"grey": "#768692", "blue": "#005eb8", "orange": "#d06000", "purple": "#330072",
               "white": "#aeb7bd"}  # fmt: skip
VARIATION_SHORT = {
    Variation.IMPROVEMENT: "Special cause: improvement",
    Variation.CONCERN: "Special cause: concern",
    Variation.NEUTRAL: "Special cause: neither",
    Variation.COMMON_CAUSE: "Common cause",
    Variation.TOO_FEW: "Too few points for limits",
}
VARIATION_ORDER = (Variation.IMPROVEMENT, Variation.CONCERN, Variation.NEUTRAL,
                   Variation.COMMON_CAUSE, Variation.TOO_FEW)  # fmt: skip


@dataclass
class Dashboard:
    total: int
    by_status: list[tuple[ProjectStatus, int]]
    by_type: list[tuple[ProgrammeType, int]]
    programmes: list[tuple[str, int]]
    by_variation: list[tuple[Variation, int]]
    improving: list[tuple[Measure, Project]]
    concerning: list[tuple[Measure, Project]]
    methods: list[tuple[Method, int]]  # the methods its projects use most, and how many use each
    # None where there is nothing to draw: an empty dashboard says so instead.
    status_chart: Markup | None
    type_chart: Markup | None
    variation_chart: Markup | None
    methods_chart: Markup | None

    @property
    def measures_with_data(self) -> int:
        return sum(count for _, count in self.by_variation)

    @property
    def improving_count(self) -> int:
        return dict(self.by_variation).get(Variation.IMPROVEMENT, 0)

    @property
    def concern_count(self) -> int:
        return dict(self.by_variation).get(Variation.CONCERN, 0)


def _latest_showing(seen, variation: Variation, limit: int = 10) -> list[tuple[Measure, Project]]:
    """The measures whose latest point shows `variation`, most recently updated first."""
    return [
        (measure, project)
        for measure, project in db.session.execute(
            sa.select(Measure, Project)
            .join(Project, Project.id == Measure.project_id)
            .where(seen, Measure.variation == variation)
            .order_by(Measure.latest_on.desc(), Measure.id.desc())
            .limit(limit)
        )
    ]


def build(user, scope: sa.ColumnElement[bool], place: str) -> Dashboard:
    """The dashboard of the projects matching `scope` that `user` may see."""
    # Archived projects are out of the active lists, so out of the dashboards too.
    seen = sa.and_(scope, visible_projects_clause(user), Project.archived_at.is_(None))
    counts = db.session.execute(
        sa.select(Project.status, Project.programme_type, sa.func.count(Project.id))
        .where(seen)
        .group_by(Project.status, Project.programme_type)
    ).all()
    status_totals = dict.fromkeys(ProjectStatus, 0)
    type_totals = dict.fromkeys(ProgrammeType, 0)
    for status, programme_type, count in counts:
        status_totals[ProjectStatus(status)] += count
        type_totals[ProgrammeType(programme_type)] += count
    programmes = [
        (name, count)
        for name, count in db.session.execute(
            sa.select(Project.national_programme, sa.func.count(Project.id))
            .where(seen, Project.programme_type == ProgrammeType.NATIONAL)
            .group_by(Project.national_programme)
            .order_by(sa.func.count(Project.id).desc(), Project.national_programme)
            .limit(10)
        )
    ]
    variation_rows = dict(
        db.session.execute(
            sa.select(Measure.variation, sa.func.count(Measure.id))
            .join(Project, Project.id == Measure.project_id)
            .where(seen, Measure.variation != "")
            .group_by(Measure.variation)
        ).all()
    )
    by_variation = [(v, variation_rows.get(v.value, 0)) for v in VARIATION_ORDER]
    total = sum(status_totals.values())
    if not total:  # nothing to count: the page says so rather than drawing zeros
        return Dashboard(
            total=0, by_status=list(status_totals.items()), by_type=list(type_totals.items()),
            programmes=[], by_variation=by_variation, improving=[], concerning=[], methods=[],
            status_chart=None, type_chart=None, variation_chart=None, methods_chart=None,
        )  # fmt: skip
    measured = any(count for _, count in by_variation)
    methods = method_links.methods_used(user, scope)
    return Dashboard(
        total=total,
        by_status=list(status_totals.items()),
        by_type=list(type_totals.items()),
        programmes=programmes,
        by_variation=by_variation,
        improving=_latest_showing(seen, Variation.IMPROVEMENT),
        concerning=_latest_showing(seen, Variation.CONCERN),
        methods=methods,
        status_chart=bar_chart(
            "projects-by-status", f"Projects by status in {place}",
            _describe([(s.label, n) for s, n in status_totals.items()], "projects"),
            [Bar(s.label, n) for s, n in status_totals.items()],
        ),
        type_chart=bar_chart(
            "projects-by-type", f"National programmes and local priorities in {place}",
            _describe([(t.label, n) for t, n in type_totals.items()], "projects"),
            [Bar(t.label, n, "#330072" if t == ProgrammeType.NATIONAL else "#005eb8")
             for t, n in type_totals.items()],
        ),
        variation_chart=bar_chart(
            "measures-by-variation", f"What the measures show in {place}",
            _describe([(VARIATION_LABELS[v], n) for v, n in by_variation], "measures"),
            [Bar(VARIATION_SHORT[v], n, BAR_COLOURS[VARIATION_TAG_COLOURS[v]])
             for v, n in by_variation],
        ) if measured else None,
        methods_chart=bar_chart(
            "methods-used", f"Methods used by projects in {place}",
            _describe([(m.title, n) for m, n in methods], "projects"),
            [Bar(_short(m.title), n, "#007f3b") for m, n in methods],
        ) if methods else None,
    )  # fmt: skip


def _short(title: str, length: int = 26) -> str:
    return title if len(title) <= length else title[: length - 1].rstrip() + "…"


def _describe(pairs: list[tuple[str, int]], noun: str) -> str:
    return "; ".join(f"{label}: {count:,} {noun if count != 1 else noun[:-1]}"
                     for label, count in pairs) + "."  # fmt: skip


def for_system(user, system) -> Dashboard:
    return build(user, Project.system_id == system.id, system.name)


def for_organisation(user, organisation) -> Dashboard:
    return build(user, Project.organisation_id == organisation.id, organisation.name)


def for_community(user, community) -> Dashboard:
    return build(user, Project.community_id == community.id, community.name)
