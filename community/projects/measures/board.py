"""The board summary: one row per measure, the table NHS boards read.

For a project, an organisation, a community or a system: each measure's latest
value, target, Making Data Count icons, a sparkline of its latest points and a
link to its chart, measures of concern first. Only measures of projects the
reader may see are listed (`visible_projects_clause`, the one visibility rule),
and archived projects are left out as on the dashboards. The page reads one
page of measures and one statement of their latest points, however many
measures there are.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from community.core.extensions import db
from community.projects.measures import csv_files, icons
from community.projects.measures.models import DataPoint, Measure
from community.projects.measures.spc import ChartType, Variation
from community.projects.measures.spc_words import CHART_NAMES
from community.projects.models import Project
from community.visibility import visible_projects_clause

PER_PAGE = 50
SPARK_POINTS = 12
MAX_CSV_ROWS = 10_000

# Concern first, then improvement, neither, common cause, run charts, no data.
_CONCERN_FIRST = sa.case(
    (Measure.variation == Variation.CONCERN, 0),
    (Measure.variation == Variation.IMPROVEMENT, 1),
    (Measure.variation == Variation.NEUTRAL, 2),
    (Measure.variation == Variation.COMMON_CAUSE, 3),
    (Measure.variation == Variation.TOO_FEW, 4),
    else_=5,
)
_ASSURANCE_ORDER = sa.case(
    (Measure.assurance == "miss", 0),
    (Measure.assurance == "hit_and_miss", 1),
    (Measure.assurance == "meet", 2),
    else_=3,
)
SORTS = {
    "concern": ("Concern first", (_CONCERN_FIRST, _ASSURANCE_ORDER, Measure.name, Measure.id)),
    "name": ("Measure name", (Measure.name, Measure.id)),
    "project": ("Project", (Project.title, Measure.name, Measure.id)),
    "latest": ("Latest data first", (Measure.latest_on.desc(), Measure.id)),
}
VARIATION_FILTERS = {
    "concern": "Special cause: concern",
    "improvement": "Special cause: improvement",
    "neither": "Special cause: neither better nor worse",
    "common_cause": "Common cause",
    "too_few": "Run chart: too few points",
}
ASSURANCE_FILTERS = {
    "miss": "Will consistently fail the target",
    "hit_and_miss": "Will hit and miss the target",
    "meet": "Will consistently meet the target",
}


@dataclass(frozen=True)
class BoardFilters:
    sort: str = "concern"
    variation: str = ""
    assurance: str = ""

    @classmethod
    def of(cls, args) -> BoardFilters:
        """The filters in a query string, anything unknown left out."""
        sort = args.get("sort", "concern")
        variation = args.get("variation", "")
        assurance = args.get("assurance", "")
        return cls(
            sort=sort if sort in SORTS else "concern",
            variation=variation if variation in VARIATION_FILTERS else "",
            assurance=assurance if assurance in ASSURANCE_FILTERS else "",
        )


@dataclass(frozen=True)
class BoardRow:
    measure_id: int
    name: str
    unit: str
    chart_type: str
    project_id: int
    project_slug: str
    project_title: str
    latest_on: date | None
    latest_value: float | None
    target: float | None
    direction: str
    variation: str
    variation_side: int
    assurance: str
    spark: tuple[float, ...]

    @property
    def chart_name(self) -> str:
        return CHART_NAMES[ChartType(self.chart_type)]

    @property
    def variation_words(self) -> str:
        return icons.variation_words(self.variation, self.variation_side)

    @property
    def assurance_words(self) -> str:
        return icons.assurance_words(self.assurance) if self.assurance else ""


def _query(user, scope: sa.ColumnElement[bool], filters: BoardFilters) -> sa.Select:
    query = (
        sa.select(Measure)
        .join(Project, Project.id == Measure.project_id)
        .where(scope, visible_projects_clause(user), Project.archived_at.is_(None))
    )
    if filters.variation:
        wanted = {"neither": Variation.NEUTRAL}.get(filters.variation, filters.variation)
        query = query.where(Measure.variation == wanted)
    if filters.assurance:
        query = query.where(Measure.assurance == filters.assurance)
    return query.order_by(*SORTS[filters.sort][1])


def _sparks(measure_ids: list[int]) -> dict[int, tuple[float, ...]]:
    """The latest SPARK_POINTS plotted values of each measure, oldest first (one statement)."""
    if not measure_ids:
        return {}
    ranked = (
        sa.select(
            DataPoint.measure_id, DataPoint.observed_on, DataPoint.value, DataPoint.denominator,
            sa.func.row_number().over(
                partition_by=DataPoint.measure_id, order_by=DataPoint.observed_on.desc()
            ).label("newest"),
        )
        .where(DataPoint.measure_id.in_(measure_ids))
        .subquery()
    )  # fmt: skip
    rows = db.session.execute(
        sa.select(ranked.c.measure_id, ranked.c.value, ranked.c.denominator)
        .where(ranked.c.newest <= SPARK_POINTS)
        .order_by(ranked.c.measure_id, ranked.c.observed_on)
    )
    found: dict[int, list[float]] = {}
    for measure_id, value, denominator in rows:
        plotted = value / denominator if denominator else value
        found.setdefault(measure_id, []).append(float(plotted))
    return {key: tuple(values) for key, values in found.items()}


def _rows(measures) -> list[BoardRow]:
    measures = list(measures)
    sparks = _sparks([measure.id for measure in measures])
    projects = {
        project_id: (slug, title)
        for project_id, slug, title in db.session.execute(
            sa.select(Project.id, Project.slug, Project.title).where(
                Project.id.in_({measure.project_id for measure in measures})
            )
        )
    }
    return [
        BoardRow(
            measure_id=measure.id,
            name=measure.name,
            unit=measure.unit,
            chart_type=measure.chart_type,
            project_id=measure.project_id,
            project_slug=projects[measure.project_id][0],
            project_title=projects[measure.project_id][1],
            latest_on=measure.latest_on,
            latest_value=measure.latest_value,
            target=measure.target,
            direction=measure.direction,
            variation=measure.variation,
            variation_side=measure.variation_side,
            assurance=measure.assurance,
            spark=sparks.get(measure.id, ()),
        )  # fmt: skip
        for measure in measures
    ]


def board_page(user, scope: sa.ColumnElement[bool], filters: BoardFilters, page: int):
    """One page of the board's rows, and the pagination object for the pager."""
    pagination = db.paginate(
        _query(user, scope, filters), page=page, per_page=PER_PAGE, error_out=False,
        count=True,
    )  # fmt: skip
    return _rows(pagination.items), pagination


def board_csv(user, scope: sa.ColumnElement[bool], filters: BoardFilters) -> str:
    """Every row of the board (to MAX_CSV_ROWS), in the order and with the filters shown."""
    results = db.session.scalars(_query(user, scope, filters).limit(MAX_CSV_ROWS)).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("project", "measure", "chart", "unit", "latest_date", "latest_value",
                     "target", "variation", "assurance"))  # fmt: skip
    for row in _rows(results):
        writer.writerow(
            (
                _safe(row.project_title), _safe(row.name), row.chart_name, _safe(row.unit),
                row.latest_on.isoformat() if row.latest_on else "",
                csv_files.format_value(row.latest_value) if row.latest_value is not None else "",
                csv_files.format_value(row.target) if row.target is not None else "",
                row.variation_words, row.assurance_words,
            )
        )  # fmt: skip
    return out.getvalue()


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
