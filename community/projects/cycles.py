"""PDSA cycles: recording each test of change, in order, linked to the measures it affects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import abort

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import Problems
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.files import services as files
from community.projects.measures.models import Measure
from community.projects.models import Decision, PDSACycle, Project, pdsa_cycle_measures

MAX_TEXT = 5000


@dataclass
class CycleDetails:
    title: str
    change: str
    prediction: str
    started_on: date | None
    do_notes: str = ""
    study_notes: str = ""
    decision: str = ""
    act_notes: str = ""
    ended_on: date | None = None
    measure_ids: list[int] = field(default_factory=list)


def get_cycle_or_404(project: Project, cycle_id: int) -> PDSACycle:
    cycle = db.session.get(PDSACycle, cycle_id)
    if cycle is None or cycle.project_id != project.id:
        abort(404)
    return cycle


def cycles_page(project: Project, page: int, per_page: int):
    query = (
        sa.select(PDSACycle).where(PDSACycle.project_id == project.id).order_by(PDSACycle.number)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def recent_cycles(project: Project, limit: int = 3) -> list[PDSACycle]:
    return list(
        db.session.scalars(
            sa.select(PDSACycle)
            .where(PDSACycle.project_id == project.id)
            .order_by(PDSACycle.number.desc())
            .limit(limit)
        )
    )


def measures_of_cycles(cycle_ids: list[int]) -> dict[int, list[Measure]]:
    """Cycle id → the measures it is linked to (one query for a whole page of cycles)."""
    if not cycle_ids:
        return {}
    rows = db.session.execute(
        sa.select(pdsa_cycle_measures.c.cycle_id, Measure)
        .join(Measure, Measure.id == pdsa_cycle_measures.c.measure_id)
        .where(pdsa_cycle_measures.c.cycle_id.in_(cycle_ids))
        .order_by(Measure.name)
    )
    linked: dict[int, list[Measure]] = {}
    for cycle_id, measure in rows:
        linked.setdefault(cycle_id, []).append(measure)
    return linked


def linked_measure_ids(cycle: PDSACycle) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(pdsa_cycle_measures.c.measure_id).where(
                pdsa_cycle_measures.c.cycle_id == cycle.id
            )
        )
    )


def cycles_for_measure(measure: Measure) -> list[PDSACycle]:
    """The cycles annotated on a measure's chart, in order."""
    return list(
        db.session.scalars(
            sa.select(PDSACycle)
            .join(pdsa_cycle_measures, pdsa_cycle_measures.c.cycle_id == PDSACycle.id)
            .where(pdsa_cycle_measures.c.measure_id == measure.id)
            .order_by(PDSACycle.number)
        )
    )


def _text(problems: Problems, value: str | None, label: str, name: str,
          required: bool = False) -> str:  # fmt: skip
    value = (value or "").strip()
    if required and not value:
        problems.add(f"Enter {label}", name)
    elif len(value) > MAX_TEXT:
        problems.add(f"{label.capitalize()} must be {MAX_TEXT:,} characters or fewer", name)
    return value


def _check(project: Project, details: CycleDetails) -> set[int]:
    """Every problem with the details at once (a RuleViolations), or the measures wanted."""
    problems = Problems()
    details.title = " ".join((details.title or "").split())
    if not details.title:
        problems.add("Enter a short name for the change you are testing", "title")
    elif len(details.title) > 200:
        problems.add("Name must be 200 characters or fewer", "title")
    details.change = _text(problems, details.change, "the change you will test", "change", True)
    details.prediction = _text(problems, details.prediction, "what you predict will happen",
                               "prediction", True)  # fmt: skip
    if details.started_on is None:
        problems.add("Enter the date the test started", "started_on")
    details.do_notes = _text(problems, details.do_notes, "what happened", "do_notes")
    details.study_notes = _text(problems, details.study_notes, "what you learned", "study_notes")
    details.act_notes = _text(problems, details.act_notes, "what happens next", "act_notes")
    if details.decision and details.decision not in {d.value for d in Decision}:
        problems.add("Choose adopt, adapt or abandon", "decision")
    if details.decision and not details.study_notes:
        problems.add(
            "Say what happened against your prediction (study) before you decide to adopt, "
            "adapt or abandon", "study_notes",
        )  # fmt: skip
    if details.ended_on and details.started_on and details.ended_on < details.started_on:
        problems.add("The end date must be on or after the start date", "ended_on")
    wanted: set[int] = set()
    try:
        wanted = {int(i) for i in details.measure_ids or ()}
    except (TypeError, ValueError):
        problems.add("Choose measures of this project", "measure_ids")
    if wanted:
        found = set(
            db.session.scalars(
                sa.select(Measure.id).where(
                    Measure.id.in_(wanted), Measure.project_id == project.id
                )
            )
        )
        if found != wanted:
            problems.add("Choose measures of this project", "measure_ids")
    problems.raise_any()
    return wanted


def check_details(project: Project, details: CycleDetails) -> None:
    """The checks `record_cycle` and `update_cycle` make, saving nothing."""
    _check(project, details)


def _apply(cycle: PDSACycle, details: CycleDetails) -> None:
    for name in ("title", "change", "prediction", "started_on", "do_notes", "study_notes",
                 "decision", "act_notes", "ended_on"):  # fmt: skip
        setattr(cycle, name, getattr(details, name))


def _relink(cycle: PDSACycle, old: set[int], new: set[int]) -> None:
    """Link the cycle to `new` measures; every measure whose chart changes is redrawn."""
    if old - new:
        db.session.execute(
            sa.delete(pdsa_cycle_measures).where(
                pdsa_cycle_measures.c.cycle_id == cycle.id,
                pdsa_cycle_measures.c.measure_id.in_(old - new),
            )
        )
    if new - old:
        db.session.execute(
            sa.insert(pdsa_cycle_measures),
            [{"cycle_id": cycle.id, "measure_id": m} for m in sorted(new - old)],
        )
    if old | new:
        db.session.execute(
            sa.update(Measure)
            .where(Measure.id.in_(old | new))
            .values(data_version=Measure.data_version + 1)
        )


def record_cycle(user: User, project: Project, details: CycleDetails) -> PDSACycle:
    wanted = _check(project, details)
    # One statement numbers the cycle and locks the project row, so two cycles
    # recorded together get different numbers on every database.
    number = db.session.execute(
        sa.update(Project)
        .where(Project.id == project.id)
        .values(cycle_count=Project.cycle_count + 1, last_activity_at=utcnow())
        .returning(Project.cycle_count)
    ).scalar_one()
    db.session.expire(project, ["cycle_count", "last_activity_at"])
    cycle = PDSACycle(project_id=project.id, number=number, created_by_id=user.id)
    _apply(cycle, details)
    db.session.add(cycle)
    db.session.flush()
    _relink(cycle, set(), wanted)
    record(
        "project.cycle_recorded", user, project, f"PDSA {number}: {cycle.title}"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return cycle


def update_cycle(user: User, project: Project, cycle: PDSACycle, details: CycleDetails) -> None:
    wanted = _check(project, details)
    old_decision = cycle.decision
    _apply(cycle, details)
    old = set(linked_measure_ids(cycle))
    # Dates and names are drawn on the charts, so every linked chart is redrawn.
    _relink(cycle, old, wanted)
    project.last_activity_at = utcnow()
    if cycle.decision and cycle.decision != old_decision:
        record(
            "project.cycle_decided", user, project,
            f"PDSA {cycle.number}: {Decision(cycle.decision).label}",
            community_id=project.community_id,
        )  # fmt: skip
    db.session.commit()


def delete_cycle(user: User, project: Project, cycle: PDSACycle) -> None:
    """Delete a cycle, and its files; the charts it was drawn on are redrawn without it."""
    _relink(cycle, set(linked_measure_ids(cycle)), set())
    gone = files.take_away_files_of(cycle)
    record("project.cycle_deleted", user, project, f"PDSA {cycle.number}: {cycle.title}"[:300],
           community_id=project.community_id)  # fmt: skip
    db.session.delete(cycle)
    project.last_activity_at = utcnow()
    db.session.commit()
    files.delete_bytes(gone)
