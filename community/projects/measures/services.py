"""Measures and their data: adding, correcting and removing points, exporting CSV,
re-baselining, and the SPC analysis and chart of each measure.

Every change to a measure's data goes through measure_data (`lock_for_change`,
then `refresh_results`); importing a CSV file is in measure_imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

import sqlalchemy as sa
import sqlalchemy.orm
from flask import abort

from community.accounts.models import User
from community.audit.services import record
from community.caching import store
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import is_in_the_future, utcnow
from community.projects.cycles import cycles_for_measure
from community.projects.measures import charts, csv_files, spc, spc_words
from community.projects.measures.data import (
    analyse,
    describe_point,
    lock_for_change,
    point_dates,
    points_of,
    process_changes_of,
    refresh_results,
)
from community.projects.measures.models import DataPoint, Measure, ProcessChange
from community.projects.models import PDSACycle, Project, pdsa_cycle_measures

MAX_NOTE = csv_files.MAX_NOTE


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


# ------------------------------------------------------------------ the chart, cached


@dataclass(frozen=True)
class CycleMark:
    """A PDSA cycle as the measure's page and chart show it."""

    number: int
    label: str
    title: str
    started_on: date
    decision_label: str

    @classmethod
    def of(cls, cycle: PDSACycle) -> CycleMark:
        return cls(cycle.number, cycle.label, cycle.title, cycle.started_on, cycle.decision_label)


@dataclass(frozen=True)
class MeasureView:
    analysis: spc.Analysis
    chart: str
    summary: str
    signals: tuple[str, ...]
    notes: Mapping[int, str]  # point index → its note
    point_ids: tuple[int, ...]
    cycles: tuple[CycleMark, ...]

    @property
    def varying_limits(self) -> bool:
        return any(period.point_limits for period in self.analysis.periods)


def measure_view(measure: Measure) -> MeasureView:
    """The analysis and chart of a measure, worked out once per version of its data and
    of the cycles marked on it (the cycles are read each time: one small statement)."""
    cycles = tuple(CycleMark.of(c) for c in cycles_for_measure(measure))
    # created_at tells apart two measures that reused an id (after a database reset);
    # the name and unit are in the chart's words.
    key = (measure.id, measure.created_at.isoformat(), measure.data_version, measure.name,
           measure.unit, measure.direction, measure.target, measure.screen_outliers,
           measure.fix_after, measure.chart_type, cycles)  # fmt: skip
    views = store("measure_views")
    view = views.get(key)
    if view is None:
        view = _build_view(measure, cycles)
        views.put(key, view)
    return view


def _build_view(measure: Measure, cycles: tuple[CycleMark, ...]) -> MeasureView:
    points = points_of(measure)
    analysis = analyse(measure, points, process_changes_of(measure))
    summary = spc_words.summary(analysis, measure.unit)
    chart = charts.xmr_chart(
        analysis,
        chart_id=f"measure-{measure.id}-chart",
        title=f"{measure.name}: {spc_words.chart_title(analysis)}",
        description=summary or "No data yet.",
        unit=measure.unit,
        annotations=[charts.Annotation(c.started_on, c.label) for c in cycles],
    )
    return MeasureView(
        analysis=analysis,
        chart=str(chart),
        summary=summary,
        signals=tuple(spc_words.describe_signals(analysis)),
        notes=MappingProxyType({i: p[3] for i, p in enumerate(points) if p[3]}),
        point_ids=tuple(p[0] for p in points),
        cycles=cycles,
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
    chart_type: str = spc.ChartType.XMR


# Once a measure has data, its type may change only to one whose data are the same
# kind: P and Laney's P′, U and Laney's U′ (the switch the issue asks to be visible).
_SWITCHABLE = ({spc.ChartType.P, spc.ChartType.P_PRIME}, {spc.ChartType.U, spc.ChartType.U_PRIME})


def _may_switch(old: str, new: str) -> bool:
    return old == new or any({old, new} <= family for family in _SWITCHABLE)


def _check(details: MeasureDetails, measure: Measure | None = None) -> None:
    """Every problem with the details at once (a RuleViolations), or nothing."""
    problems = Problems()
    if details.chart_type not in {t.value for t in spc.ChartType}:
        problems.add("Choose what kind of data the measure holds", "chart_type")
    elif (
        measure is not None
        and measure.point_count
        and not _may_switch(measure.chart_type, details.chart_type)
    ):
        problems.add(
            "A measure with data can only switch between a P chart and a P′ chart, or a U "
            "chart and a U′ chart: start a new measure for a different kind of data",
            "chart_type",
        )
    details.name = " ".join((details.name or "").split())
    if not details.name:
        problems.add("Enter the measure's name", "name")
    elif len(details.name) > 120:
        problems.add("Name must be 120 characters or fewer", "name")
    details.definition = (details.definition or "").strip()
    if not details.definition:
        problems.add(
            "Enter the operational definition: exactly what is counted, and how", "definition"
        )
    elif len(details.definition) > 5000:
        problems.add("Definition must be 5,000 characters or fewer", "definition")
    details.unit = " ".join((details.unit or "").split())
    if len(details.unit) > 40:
        problems.add("Unit must be 40 characters or fewer", "unit")
    if details.chart_type in spc.PROPORTIONS and details.unit in ("%", "percent", "per cent"):
        problems.add(
            "A proportion is charted as a fraction from 0 to 1 (0.85 is 85%): leave the unit "
            "empty, or say what is counted, like “of patients”",
            "unit",
        )
    if details.direction not in {d.value for d in spc.Direction}:
        problems.add("Choose which way is better for this measure", "direction")
    if details.fix_after is not None:
        if details.fix_after != int(details.fix_after) or details.fix_after > 100_000:
            problems.add("Enter the number of points as a whole number, like 12 or 20", "fix_after")
        elif details.fix_after < spc.MIN_POINTS_FOR_LIMITS:
            problems.add(
                f"Fix the limits on at least {spc.MIN_POINTS_FOR_LIMITS} points, or leave it empty",
                "fix_after",
            )
        else:
            details.fix_after = int(details.fix_after)
    problems.raise_any()


def check_details(details: MeasureDetails, measure: Measure | None = None) -> None:
    """The checks `create_measure` and `update_measure` make, saving nothing."""
    _check(details, measure)


def create_measure(user: User, project: Project, details: MeasureDetails) -> Measure:
    _check(details)
    measure = Measure(
        project_id=project.id, name=details.name, definition=details.definition,
        unit=details.unit, direction=details.direction, target=details.target,
        screen_outliers=details.screen_outliers, fix_after=details.fix_after,
        chart_type=details.chart_type, data_version=1, point_count=0, variation="",
        assurance="", summary="",
    )  # fmt: skip
    db.session.add(measure)
    db.session.flush()
    refresh_results(measure)
    record("measure.created", user, measure, f"{project.title}: {measure.name}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.commit()
    return measure


def update_measure(user: User, project: Project, measure: Measure, details: MeasureDetails):
    _check(details, measure)
    lock_for_change(measure)
    measure.chart_type = details.chart_type
    measure.name, measure.definition, measure.unit = details.name, details.definition, details.unit
    measure.direction, measure.target = details.direction, details.target
    measure.screen_outliers, measure.fix_after = details.screen_outliers, details.fix_after
    refresh_results(measure)
    record("measure.updated", user, measure, f"{project.title}: {measure.name}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.commit()


def add_point(
    user: User, measure: Measure, observed_on: date | None, value: float | None, note: str,
    denominator: float | None = None,
) -> DataPoint:  # fmt: skip
    note = _checked_point(observed_on, value, note, measure.chart_type, denominator)
    if measure.kind not in spc.WITH_DENOMINATOR:
        denominator = None
    lock_for_change(measure)
    _check_no_clash(measure, observed_on)
    point = DataPoint(
        measure_id=measure.id, observed_on=observed_on, value=value, note=note,
        denominator=denominator, created_by_id=user.id, created_at=utcnow(),
    )  # fmt: skip
    db.session.add(point)
    refresh_results(measure)
    record(
        "measure.point_added", user, measure,
        f"{measure.name}: {describe_point(observed_on, value, '', denominator)}"[:300],
        community_id=measure_community_id(measure),
    )  # fmt: skip
    db.session.commit()
    return point


def _checked_point(
    observed_on: date | None, value: float | None, note: str,
    chart_type: str = spc.ChartType.XMR, denominator: float | None = None,
) -> str:  # fmt: skip
    """The point's note, tidied, once its date, numbers and note are good; otherwise every
    problem with them at once (the numbers checked as the CSV import checks them)."""
    problems = Problems()
    name, per = csv_files.value_words(chart_type)
    if per and denominator is None:
        problems.add(f"Enter the {per} as a number", "denominator")
    if value is not None and (not per or denominator is not None):
        for column, message in csv_files.check_numbers(chart_type, value, denominator):
            problems.add(message[0].upper() + message[1:], column)
    if observed_on is None:
        problems.add("Enter the date of the value", "observed_on")
    elif is_in_the_future(observed_on):
        problems.add(
            f"{spc_words.format_date(observed_on)} is in the future: enter today's date or "
            "an earlier one",
            "observed_on",
        )
    if value is None:
        problems.add(f"Enter the {name} as a number", "value")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        problems.add(f"Note must be {MAX_NOTE} characters or fewer", "note")
    problems.raise_any()
    return note


def check_point(
    observed_on: date | None, value: float | None, note: str,
    chart_type: str = spc.ChartType.XMR, denominator: float | None = None,
) -> None:  # fmt: skip
    """The checks `add_point` and `edit_point` make of a point's own fields, saving nothing."""
    _checked_point(observed_on, value, note, chart_type, denominator)


def _check_no_clash(measure: Measure, observed_on: date, point_id: int | None = None) -> None:
    clash = db.session.scalar(
        sa.select(DataPoint.id).where(
            DataPoint.measure_id == measure.id,
            DataPoint.observed_on == observed_on,
            DataPoint.id != (point_id or 0),
        )
    )
    if clash is not None:
        raise RuleViolation(
            f"There is already a value for {spc_words.format_date(observed_on)}: change that "
            "one in the data table instead",
            "observed_on",
        )


def measure_community_id(measure: Measure) -> int | None:
    return db.session.scalar(
        sa.select(Project.community_id).where(Project.id == measure.project_id)
    )


def get_point_or_404(measure: Measure, point_id: int) -> DataPoint:
    point = db.session.get(DataPoint, point_id)
    if point is None or point.measure_id != measure.id:
        abort(404)
    return point


def edit_point(
    user: User, project: Project, measure: Measure, point: DataPoint,
    observed_on: date | None, value: float | None, note: str, denominator: float | None = None,
) -> DataPoint:  # fmt: skip
    """Correct a point's date, value or note; the audit log keeps what it was."""
    note = _checked_point(observed_on, value, note, measure.chart_type, denominator)
    if measure.kind not in spc.WITH_DENOMINATOR:
        denominator = None
    lock_for_change(measure)
    _check_no_clash(measure, observed_on, point.id)
    before = describe_point(point.observed_on, point.value, point.note, point.denominator)
    after = describe_point(observed_on, value, note, denominator)
    if before == after:
        db.session.rollback()
        return point
    point.observed_on, point.value, point.note = observed_on, value, note
    point.denominator = denominator
    point.changed_by_id, point.changed_at = user.id, utcnow()
    refresh_results(measure)
    record("measure.point_changed", user, measure, f"{measure.name}: {before} -> {after}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.commit()
    return point


@dataclass(frozen=True)
class PointRecord:
    """Who entered a point and who last changed it."""

    entered_by: str
    entered_at: datetime | None
    changed_by: str
    changed_at: datetime | None


def point_records(point_ids: list[int]) -> dict[int, PointRecord]:
    """Who entered and changed each of these points (one query, for one page of the table)."""
    if not point_ids:
        return {}
    enterer, changer = sa.orm.aliased(User), sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(DataPoint.id, enterer.name, DataPoint.created_at, changer.name,
                  DataPoint.changed_at)
        .outerjoin(enterer, enterer.id == DataPoint.created_by_id)
        .outerjoin(changer, changer.id == DataPoint.changed_by_id)
        .where(DataPoint.id.in_(point_ids))
    )  # fmt: skip
    return {
        point_id: PointRecord(entered or "", entered_at, changed or "", changed_at)
        for point_id, entered, entered_at, changed, changed_at in rows
    }


def remove_point(user: User, project: Project, measure: Measure, point_id: int) -> DataPoint:
    point = get_point_or_404(measure, point_id)
    lock_for_change(measure)
    db.session.delete(point)
    refresh_results(measure)
    what = describe_point(point.observed_on, point.value, point.note, point.denominator)
    record(
        "measure.point_removed", user, measure, f"{measure.name}: {what}"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return point


def export_csv(measure: Measure) -> str:
    return csv_files.write_points(
        ((p[1], p[2], p[3], p[4]) for p in points_of(measure)), measure.chart_type
    )


def delete_measure(user: User, project: Project, measure: Measure) -> None:
    """Delete a measure with its data and re-baselines (PDSA cycles stay, unlinked)."""
    summary = f"{project.title}: {measure.name} ({measure.point_count} points)"[:300]
    record("measure.deleted", user, measure, summary, community_id=project.community_id)
    db.session.execute(sa.delete(DataPoint).where(DataPoint.measure_id == measure.id))
    db.session.execute(sa.delete(ProcessChange).where(ProcessChange.measure_id == measure.id))
    db.session.execute(
        sa.delete(pdsa_cycle_measures).where(pdsa_cycle_measures.c.measure_id == measure.id)
    )
    db.session.delete(measure)
    db.session.execute(
        sa.update(Project).where(Project.id == project.id).values(last_activity_at=utcnow())
    )
    db.session.commit()


def _checked_change(measure: Measure, starts_on: date | None, reason: str) -> str:
    """Every problem with a re-baseline at once (a RuleViolations), or its reason."""
    problems = Problems()
    dates = point_dates(measure)
    if starts_on is None:
        problems.add("Enter the date of the first point of the changed process", "starts_on")
    elif starts_on not in set(dates):
        problems.add(
            f"There is no point on {spc_words.format_date(starts_on)}: enter the date of one "
            "of the measure's points", "starts_on",
        )  # fmt: skip
    elif starts_on == dates[0]:
        problems.add("The first point already starts the chart: choose a later point",
                     "starts_on")  # fmt: skip
    reason = " ".join((reason or "").split())
    if not reason:
        problems.add("Say what changed in the process", "reason")
    elif len(reason) > 300:
        problems.add("Reason must be 300 characters or fewer", "reason")
    if starts_on is not None and not problems.has("starts_on"):
        clash = db.session.scalar(
            sa.select(ProcessChange.id).where(
                ProcessChange.measure_id == measure.id, ProcessChange.starts_on == starts_on
            )
        )
        if clash is not None:
            problems.add("The chart is already re-baselined at that point", "starts_on")
    problems.raise_any()
    return reason


def check_process_change(measure: Measure, starts_on: date | None, reason: str) -> None:
    """The checks `add_process_change` makes, saving nothing."""
    _checked_change(measure, starts_on, reason)


def add_process_change(
    user: User, project: Project, measure: Measure, starts_on: date | None, reason: str
) -> ProcessChange:
    lock_for_change(measure)
    reason = _checked_change(measure, starts_on, reason)
    change = ProcessChange(
        measure_id=measure.id, starts_on=starts_on, reason=reason, created_by_id=user.id
    )
    db.session.add(change)
    refresh_results(measure)
    record(
        "measure.rebaselined", user, measure,
        f"{measure.name}: from {starts_on.isoformat()} ({reason})"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return change


def get_process_change_or_404(measure: Measure, change_id: int) -> ProcessChange:
    change = db.session.get(ProcessChange, change_id)
    if change is None or change.measure_id != measure.id:
        abort(404)
    return change


def remove_process_change(user: User, project: Project, measure: Measure, change_id: int) -> None:
    change = get_process_change_or_404(measure, change_id)
    lock_for_change(measure)
    db.session.delete(change)
    refresh_results(measure)
    record(
        "measure.rebaseline_removed", user, measure,
        f"{measure.name}: from {change.starts_on.isoformat()}",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
