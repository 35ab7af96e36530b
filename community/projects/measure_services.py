"""Measures and their data: adding points, importing and exporting CSV, re-baselining,
and the SPC analysis and chart of each measure.

Whenever a measure's data change, `_refresh` re-runs the analysis once and
keeps its results on the measure row (so project pages and dashboards never
read points) and bumps `data_version`, the key of the chart cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import abort

from community.accounts.models import User
from community.audit.services import record
from community.cache import LRU
from community.errors import RuleViolation
from community.extensions import db
from community.projects import charts, csv_import, spc, spc_words
from community.projects.cycles import cycles_for_measure
from community.projects.measure_models import DataPoint, Measure, ProcessChange
from community.projects.models import PDSACycle, Project
from community.timefmt import utcnow

MAX_NOTE = csv_import.MAX_NOTE


# ------------------------------------------------------------------ finding


def get_measure_or_404(project: Project, measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id)
    if measure is None or measure.project_id != project.id:
        abort(404)
    return measure


def measures_of(project: Project) -> list[Measure]:
    return list(
        db.session.scalars(
            sa.select(Measure).where(Measure.project_id == project.id).order_by(Measure.id)
        )
    )


def process_changes_of(measure: Measure) -> list[ProcessChange]:
    return list(
        db.session.scalars(
            sa.select(ProcessChange)
            .where(ProcessChange.measure_id == measure.id)
            .order_by(ProcessChange.starts_on)
        )
    )


def _points(measure: Measure) -> list[tuple[int, date, float, str]]:
    rows = db.session.execute(
        sa.select(DataPoint.id, DataPoint.observed_on, DataPoint.value, DataPoint.note)
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


def _analyse(measure: Measure, points, changes) -> spc.Analysis:
    dates = [p[1] for p in points]
    return spc.analyse(
        [(p[1], p[2]) for p in points],
        direction=measure.direction,
        target=measure.target,
        period_starts=spc.period_starts_for(dates, [c.starts_on for c in changes]),
        screen_outliers=measure.screen_outliers,
        fix_after=measure.fix_after,
    )


# ------------------------------------------------------------------ the chart, cached


@dataclass(frozen=True)
class MeasureView:
    analysis: spc.Analysis
    chart: str
    summary: str
    signals: list[str]
    notes: dict[int, str]  # point index → its note
    point_ids: list[int]
    cycles: list[PDSACycle]


_views = LRU(128)


def measure_view(measure: Measure) -> MeasureView:
    """The analysis and chart of a measure, worked out once per version of its data."""
    # created_at tells apart two measures that reused an id (after a database reset).
    key = (measure.id, measure.created_at.isoformat(), measure.data_version)
    view = _views.get(key)
    if view is None:
        view = _build_view(measure)
        _views.put(key, view)
    return view


def _build_view(measure: Measure) -> MeasureView:
    points = _points(measure)
    analysis = _analyse(measure, points, process_changes_of(measure))
    cycles = cycles_for_measure(measure)
    summary = spc_words.summary(analysis, measure.unit)
    chart = charts.xmr_chart(
        analysis,
        chart_id=f"measure-{measure.id}-chart",
        title=f"{measure.name}: {'run' if analysis.is_run_chart else 'XmR'} chart",
        description=summary or "No data yet.",
        unit=measure.unit,
        annotations=[charts.Annotation(c.started_on, c.label) for c in cycles],
    )
    return MeasureView(
        analysis=analysis,
        chart=str(chart),
        summary=summary,
        signals=spc_words.describe_signals(analysis),
        notes={i: p[3] for i, p in enumerate(points) if p[3]},
        point_ids=[p[0] for p in points],
        cycles=cycles,
    )


def _lock(measure: Measure) -> None:
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


def _refresh(measure: Measure) -> None:
    """Re-analyse after a change and keep the results on the measure."""
    db.session.flush()
    points = _points(measure)
    analysis = _analyse(measure, points, process_changes_of(measure))
    latest = analysis.latest
    measure.point_count = len(points)
    measure.latest_on = latest.when if latest else None
    measure.latest_value = latest.value if latest else None
    measure.variation = analysis.variation.value if analysis.variation else ""
    measure.assurance = analysis.assurance.value if analysis.assurance else ""
    measure.summary = spc_words.summary(analysis, measure.unit)[:1000]
    db.session.execute(
        sa.update(Project).where(Project.id == measure.project_id).values(last_activity_at=utcnow())
    )


# ------------------------------------------------------------------ changing


@dataclass
class MeasureDetails:
    name: str
    definition: str
    unit: str
    direction: str
    target: float | None
    screen_outliers: bool = True
    fix_after: float | None = None  # a whole number of points, 12 or more; None: not fixed


def _check(details: MeasureDetails) -> None:
    details.name = " ".join((details.name or "").split())
    if not details.name:
        raise RuleViolation("Enter the measure's name", "name")
    if len(details.name) > 120:
        raise RuleViolation("Name must be 120 characters or fewer", "name")
    details.definition = (details.definition or "").strip()
    if not details.definition:
        raise RuleViolation(
            "Enter the operational definition: exactly what is counted, and how", "definition"
        )
    if len(details.definition) > 5000:
        raise RuleViolation("Definition must be 5,000 characters or fewer", "definition")
    details.unit = " ".join((details.unit or "").split())
    if len(details.unit) > 40:
        raise RuleViolation("Unit must be 40 characters or fewer", "unit")
    if details.direction not in {d.value for d in spc.Direction}:
        raise RuleViolation("Choose which way is better for this measure", "direction")
    if details.fix_after is not None:
        if details.fix_after != int(details.fix_after) or details.fix_after > 100_000:
            raise RuleViolation(
                "Enter the number of points as a whole number, like 12 or 20", "fix_after"
            )
        if details.fix_after < spc.MIN_POINTS_FOR_LIMITS:
            raise RuleViolation(
                f"Fix the limits on at least {spc.MIN_POINTS_FOR_LIMITS} points, or leave it empty",
                "fix_after",
            )
        details.fix_after = int(details.fix_after)


def create_measure(user: User, project: Project, details: MeasureDetails) -> Measure:
    _check(details)
    measure = Measure(
        project_id=project.id, name=details.name, definition=details.definition,
        unit=details.unit, direction=details.direction, target=details.target,
        screen_outliers=details.screen_outliers, fix_after=details.fix_after,
        data_version=1, point_count=0, variation="", assurance="", summary="",
    )  # fmt: skip
    db.session.add(measure)
    db.session.flush()
    _refresh(measure)
    record("measure.created", user, measure, f"{project.title}: {measure.name}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.commit()
    return measure


def update_measure(user: User, project: Project, measure: Measure, details: MeasureDetails):
    _check(details)
    _lock(measure)
    measure.name, measure.definition, measure.unit = details.name, details.definition, details.unit
    measure.direction, measure.target = details.direction, details.target
    measure.screen_outliers, measure.fix_after = details.screen_outliers, details.fix_after
    _refresh(measure)
    record("measure.updated", user, measure, f"{project.title}: {measure.name}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.commit()


def add_point(
    user: User, measure: Measure, observed_on: date | None, value: float | None, note: str
) -> DataPoint:
    if observed_on is None:
        raise RuleViolation("Enter the date of the value", "observed_on")
    if value is None:
        raise RuleViolation("Enter the value as a number", "value")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise RuleViolation(f"Note must be {MAX_NOTE} characters or fewer", "note")
    _lock(measure)
    clash = db.session.scalar(
        sa.select(DataPoint.id).where(
            DataPoint.measure_id == measure.id, DataPoint.observed_on == observed_on
        )
    )
    if clash is not None:
        raise RuleViolation(
            f"There is already a value for {spc_words.format_date(observed_on)}. Remove it "
            "from the table first if you want to change it.",
            "observed_on",
        )
    point = DataPoint(measure_id=measure.id, observed_on=observed_on, value=value, note=note)
    db.session.add(point)
    _refresh(measure)
    db.session.commit()
    return point


def remove_point(user: User, project: Project, measure: Measure, point_id: int) -> DataPoint:
    point = db.session.get(DataPoint, point_id)
    if point is None or point.measure_id != measure.id:
        abort(404)
    _lock(measure)
    db.session.delete(point)
    _refresh(measure)
    record(
        "measure.point_removed", user, measure,
        f"{measure.name}: {point.observed_on.isoformat()} {csv_import.format_value(point.value)}",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return point


def import_points(
    user: User, project: Project, measure: Measure, data: bytes
) -> csv_import.ImportResult:
    """Check a CSV file and, only if every row is good, add all of its points at once."""
    _lock(measure)
    existing = set(point_dates(measure))
    result = csv_import.parse_points(data, existing)
    if not result.ok:
        db.session.rollback()  # nothing of a file with a bad row is saved
        return result
    db.session.execute(
        sa.insert(DataPoint),
        [
            {"measure_id": measure.id, "observed_on": row.observed_on, "value": row.value,
             "note": " ".join(row.note.split())}
            for row in result.rows
        ],
    )  # fmt: skip
    _refresh(measure)
    record(
        "measure.data_imported", user, measure, f"{measure.name}: {len(result.rows)} rows",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return result


def export_csv(measure: Measure) -> str:
    return csv_import.write_points((p[1], p[2], p[3]) for p in _points(measure))


def add_process_change(
    user: User, project: Project, measure: Measure, starts_on: date | None, reason: str
) -> ProcessChange:
    _lock(measure)
    dates = point_dates(measure)
    if starts_on is None:
        raise RuleViolation("Enter the date of the first point of the changed process",
                            "starts_on")  # fmt: skip
    if starts_on not in set(dates):
        raise RuleViolation(
            f"There is no point on {spc_words.format_date(starts_on)}: enter the date of one "
            "of the measure's points", "starts_on",
        )  # fmt: skip
    if starts_on == dates[0]:
        raise RuleViolation(
            "The first point already starts the chart: choose a later point", "starts_on"
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleViolation("Say what changed in the process", "reason")
    if len(reason) > 300:
        raise RuleViolation("Reason must be 300 characters or fewer", "reason")
    clash = db.session.scalar(
        sa.select(ProcessChange.id).where(
            ProcessChange.measure_id == measure.id, ProcessChange.starts_on == starts_on
        )
    )
    if clash is not None:
        raise RuleViolation("The chart is already re-baselined at that point", "starts_on")
    change = ProcessChange(
        measure_id=measure.id, starts_on=starts_on, reason=reason, created_by_id=user.id
    )
    db.session.add(change)
    _refresh(measure)
    record(
        "measure.rebaselined", user, measure,
        f"{measure.name}: from {starts_on.isoformat()} ({reason})"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return change


def remove_process_change(user: User, project: Project, measure: Measure, change_id: int) -> None:
    change = db.session.get(ProcessChange, change_id)
    if change is None or change.measure_id != measure.id:
        abort(404)
    _lock(measure)
    db.session.delete(change)
    _refresh(measure)
    record(
        "measure.rebaseline_removed", user, measure,
        f"{measure.name}: from {change.starts_on.isoformat()}",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
