"""Checks shared by the mentoring services: lengths, ratings, row locks, who takes part."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from community.accounts.models import User
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.mentoring.models import Mentorship
from community.mentoring.vocabulary import FeedbackSide

# Longest text accepted for each form field, by field name.
LIMITS = {"title": 150, "aim": 5000, "message": 1000, "goal": 300, "progress_note": 500,
          "notes": 5000, "next_steps": 2000, "comment": 2000}  # fmt: skip


def text(value: str | None, field: str, *, required: str | None = None) -> str:
    """`value` stripped; refused (at `field`) if missing when required, or too long."""
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(required, field)
    limit = LIMITS[field]
    if len(value) > limit:
        raise RuleViolation(f"Must be {limit:,} characters or fewer", field)
    return value


def checked_rating(rating: int | None) -> int:
    if rating is None or not 1 <= int(rating) <= 5:
        raise RuleViolation("Choose a rating from 1 to 5", "rating")
    return int(rating)


def locked(model, object_id: int):
    """Re-read a row and lock it until commit (FOR UPDATE on PostgreSQL; on SQLite the
    write transaction already holds the database's only write lock)."""
    return db.session.execute(
        sa.select(model)
        .where(model.id == object_id)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    ).scalar_one()


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; we store UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def require_participant(user: User, mentorship: Mentorship, doing: str) -> None:
    if user.id not in (mentorship.mentor_id, mentorship.request.requester_id):
        raise RuleViolation(f"Only the mentor and the requester can {doing}")


def feedback_side(user: User, mentorship: Mentorship) -> str:
    """Whose feedback `user` gives: the mentor's, or the organisation's about the mentor."""
    return FeedbackSide.MENTOR if user.id == mentorship.mentor_id else FeedbackSide.ORGANISATION
