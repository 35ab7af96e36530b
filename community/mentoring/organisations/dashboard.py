"""A system's mentoring in numbers: open requests, time to match, mentorships and outcomes.

Only counts, never who asked or what for, so every signed-in member may see
them. A fixed number of grouped statements, however many requests there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System
from community.mentoring.models import MentoringRequest, Mentorship
from community.mentoring.vocabulary import MentorshipStatus, Outcome, RequestStatus

MONTHS_SHOWN = 12


@dataclass(frozen=True)
class MonthRow:
    key: str  # "2026-11"
    requested: int
    matched: int

    @property
    def label(self) -> str:
        return datetime.strptime(self.key, "%Y-%m").strftime("%b %Y")


@dataclass
class SystemMentoring:
    open_requests: int = 0
    active: int = 0
    closed: int = 0
    median_hours: float | None = None
    matched: int = 0
    outcomes: list[tuple[Outcome, int]] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)

    @property
    def median_text(self) -> str:
        if self.median_hours is None:
            return "No matches yet"
        if self.median_hours < 48:
            hours = round(self.median_hours)
            return f"{hours} hour{'s' if hours != 1 else ''}"
        days = round(self.median_hours / 24, 1)
        return f"{days:g} days"


def _in_system(system: System, organisation_id) -> sa.ColumnElement[bool]:
    in_system = sa.select(Organisation.id).where(Organisation.system_id == system.id)
    return organisation_id.in_(in_system)


def _month(column) -> sa.ColumnElement[str]:
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column)
    return sa.func.to_char(column, "YYYY-MM")


def _month_keys(now: datetime, count: int) -> list[str]:
    year, month, keys = now.year, now.month, []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


def median_hours_to_match(system: System) -> tuple[float | None, int]:
    """The median over every mentorship that started in the system (two statements)."""
    in_system = _in_system(system, Mentorship.organisation_id)
    count = db.session.scalar(sa.select(sa.func.count(Mentorship.id)).where(in_system))
    if not count:
        return None, 0
    middle = list(
        db.session.scalars(
            sa.select(Mentorship.hours_to_match)
            .where(in_system)
            .order_by(Mentorship.hours_to_match)
            .offset((count - 1) // 2)
            .limit(1 if count % 2 else 2)
        )
    )
    return sum(middle) / len(middle), count


def system_mentoring(system: System) -> SystemMentoring:
    stats = SystemMentoring()
    stats.open_requests = db.session.scalar(
        sa.select(sa.func.count(MentoringRequest.id)).where(
            _in_system(system, MentoringRequest.organisation_id),
            MentoringRequest.status == RequestStatus.OPEN,
        )
    )
    in_system = _in_system(system, Mentorship.organisation_id)
    by_state = db.session.execute(
        sa.select(Mentorship.status, Mentorship.outcome, sa.func.count(Mentorship.id))
        .where(in_system)
        .group_by(Mentorship.status, Mentorship.outcome)
    ).all()
    outcome_counts = dict.fromkeys(Outcome, 0)
    for status, outcome, count in by_state:
        if status == MentorshipStatus.ACTIVE:
            stats.active += count
        else:
            stats.closed += count
            if outcome in outcome_counts:
                outcome_counts[Outcome(outcome)] += count
    stats.outcomes = list(outcome_counts.items())
    stats.median_hours, stats.matched = median_hours_to_match(system)
    stats.months = _monthly(system)
    return stats


def _monthly(system: System) -> list[MonthRow]:
    keys = _month_keys(utcnow(), MONTHS_SHOWN)
    since = datetime.strptime(keys[0], "%Y-%m").replace(tzinfo=utcnow().tzinfo)
    requested_month = _month(MentoringRequest.created_at)
    requested = dict(
        db.session.execute(
            sa.select(requested_month, sa.func.count(MentoringRequest.id))
            .where(
                _in_system(system, MentoringRequest.organisation_id),
                MentoringRequest.created_at >= since,
            )
            .group_by(requested_month)
        ).all()
    )
    matched_month = _month(Mentorship.started_at)
    matched = dict(
        db.session.execute(
            sa.select(matched_month, sa.func.count(Mentorship.id))
            .where(_in_system(system, Mentorship.organisation_id), Mentorship.started_at >= since)
            .group_by(matched_month)
        ).all()
    )
    return [MonthRow(key, requested.get(key, 0), matched.get(key, 0)) for key in keys]
