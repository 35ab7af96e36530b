"""A measure's points and the results kept on its row: what every change to a
measure's data goes through.

A change starts with `lock_for_change` (which also bumps `data_version`, the
key of the chart cache) and ends with `refresh_results`, which re-runs the
analysis once and keeps its results on the measure row, so project pages and
dashboards never read points.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from community.core.extensions import db
from community.core.timefmt import utcnow
from community.projects.measures import csv_files, spc, spc_words
from community.projects.measures.models import DataPoint, Measure, ProcessChange
from community.projects.models import Project


def process_changes_of(measure: Measure) -> list[ProcessChange]:
    return list(
        db.session.scalars(
            sa.select(ProcessChange)
            .where(ProcessChange.measure_id == measure.id)
            .order_by(ProcessChange.starts_on)
        )
    )


def points_of(measure: Measure) -> list[tuple[int, date, float, str, float | None]]:
    """(id, date, value, note, denominator) of each point, in date order."""
    rows = db.session.execute(
        sa.select(
            DataPoint.id,
            DataPoint.observed_on,
            DataPoint.value,
            DataPoint.note,
            DataPoint.denominator,
        )
        .where(DataPoint.measure_id == measure.id)
        .order_by(DataPoint.observed_on)
    )
    return [tuple(row) for row in rows]


def point_dates(measure: Measure) -> list[date]:
    return list(
        db.session.scalars(
            sa.select(DataPoint.observed_on)
            .where(DataPoint.measure_id == measure.id)
            .order_by(DataPoint.observed_on)
        )
    )


def analyse(measure: Measure, points, changes) -> spc.Analysis:
    dates = [p[1] for p in points]
    kind = spc.ChartType(measure.chart_type)
    with_denominator = kind in spc.WITH_DENOMINATOR
    return spc.analyse(
        [(p[1], p[2], p[4]) if with_denominator else (p[1], p[2]) for p in points],
        chart_type=kind,
        direction=measure.direction,
        target=measure.target,
        period_starts=spc.period_starts_for(dates, [c.starts_on for c in changes]),
        screen_outliers=measure.screen_outliers,
        fix_after=measure.fix_after,
    )


def lock_for_change(measure: Measure) -> None:
    """Start a change to a measure's data: bump its version, taking its row lock.

    On PostgreSQL the lock queues two changes to one measure (an import and a
    point added by hand, say) so each sees the other's points; SQLite already
    lets one writer in at a time.
    """
    db.session.execute(
        sa.update(Measure)
        .where(Measure.id == measure.id)
        .values(data_version=Measure.data_version + 1)
    )
    db.session.expire(measure, ["data_version"])


def refresh_results(measure: Measure) -> None:
    """Re-analyse after a change and keep the results on the measure."""
    db.session.flush()
    points = points_of(measure)
    analysis = analyse(measure, points, process_changes_of(measure))
    latest = analysis.latest
    measure.point_count = len(points)
    measure.latest_on = latest.when if latest else None
    measure.latest_value = latest.value if latest else None
    measure.variation = analysis.variation.value if analysis.variation else ""
    measure.variation_side = latest.side if latest and latest.label else 0
    measure.assurance = analysis.assurance.value if analysis.assurance else ""
    measure.summary = spc_words.summary(analysis, measure.unit)[:1000]
    db.session.execute(
        sa.update(Project).where(Project.id == measure.project_id).values(last_activity_at=utcnow())
    )


def describe_point(
    observed_on: date, value: float, note: str, denominator: float | None = None
) -> str:
    text = f"{observed_on.isoformat()} {csv_files.format_value(value)}"
    if denominator is not None:
        text += f"/{csv_files.format_value(denominator)}"
    return f"{text} ({note})" if note else text
