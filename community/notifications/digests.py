"""Daily and weekly digest emails, sent on a schedule by the outbox watcher.

A member who chose a daily summary gets, each day from DIGEST_HOUR (UK time),
one email with their unread notifications written before that hour; a member
who chose a weekly summary gets it on Mondays at the same hour. Nobody runs a
command: `flask outbox send --watch` (which `make run` and every production
sender run) calls `send_due` once a minute.

Several senders may run at once, on several servers. Each digest is sent by
exactly one of them, because the notifications it lists are claimed in the
transaction that queues it: `UPDATE notifications SET emailed_at = … WHERE id
IN (…) AND emailed_at IS NULL`. A second sender that read the same
notifications finds them claimed (on PostgreSQL its update waits for the first
transaction's row locks, then matches none; on SQLite writers take turns) and
sends nothing. A sender that dies before committing leaves them unclaimed for
the next minute's run.

A digest holds only what its reader may still see: each notification is
checked again (`inbox.visible_to_recipient`) when the digest is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import User
from community.core.extensions import db
from community.core.timefmt import UK, nhs_time, to_uk, utcnow
from community.notifications.inbox import absolute_link, visible_to_recipient
from community.notifications.models import EmailFrequency, Notification
from community.outbox.services import queue_email
from community.web.urls import external_url

DIGEST_LIMIT = 50  # notifications listed in one digest email; the rest are counted
CLAIM_LIMIT = 1000  # notifications one digest claims (and so tells of) at most
MONDAY = 0


@dataclass(frozen=True)
class Schedule:
    frequency: str
    period: timedelta  # how often a member's digest goes
    reaches_back: timedelta  # how old a notification may be and still be sent
    opening: str  # what the digest says it covers


SCHEDULES = (
    Schedule(EmailFrequency.DAILY, timedelta(days=1), timedelta(days=7), "since your last digest"),
    Schedule(EmailFrequency.WEEKLY, timedelta(days=7), timedelta(days=14), "this past week"),
)


def last_send_time(schedule: Schedule, now: datetime) -> datetime:
    """The latest moment at or before `now` when this schedule's digests fall due."""
    hour = time(current_app.config["DIGEST_HOUR"])
    local = to_uk(now)
    due = datetime.combine(local.date(), hour, tzinfo=UK)
    if schedule.frequency == EmailFrequency.WEEKLY:
        due -= timedelta(days=(local.weekday() - MONDAY) % 7)
    while due > local:
        due -= schedule.period  # wall-clock days: 7am stays 7am across the clocks changing
    return due.astimezone(UTC)


def send_time_label() -> str:
    """When digests go, as the settings page says it: "7am"."""
    moment = datetime.combine(utcnow().date(), time(current_app.config["DIGEST_HOUR"]), UK)
    return nhs_time(moment)


def send_due(now: datetime | None = None) -> int:
    """Send every daily and weekly digest that has fallen due; returns how many."""
    now = now or utcnow()
    return sum(
        send_digests(schedule.frequency, up_to=last_send_time(schedule, now), now=now)
        for schedule in SCHEDULES
    )


def send_digests(frequency: str, up_to: datetime | None = None, now: datetime | None = None) -> int:
    """Email each member who chose `frequency` their unread notifications written before
    `up_to` (by default, now) that no email has told them of; returns emails queued."""
    now = now or utcnow()
    up_to = up_to or now
    schedule = next(s for s in SCHEDULES if s.frequency == frequency)
    since = now - schedule.reaches_back
    waiting = sa.and_(
        Notification.emailed_at.is_(None),
        Notification.read_at.is_(None),
        Notification.created_at >= since,
        Notification.created_at < up_to,
    )
    members = list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.id.in_(sa.select(Notification.recipient_id).where(waiting).distinct()),
                User.email_notifications == frequency,
            )
            .order_by(User.id)
        )
    )
    sent = 0
    for member in members:
        ids = list(
            db.session.scalars(
                sa.select(Notification.id)
                .where(visible_to_recipient(member), waiting)
                .order_by(Notification.id)
                .limit(CLAIM_LIMIT)
            )
        )
        if ids and claim(ids, now):
            listed = list(
                db.session.scalars(
                    sa.select(Notification)
                    .where(Notification.id.in_(ids[:DIGEST_LIMIT]))
                    .order_by(Notification.id)
                )
            )
            _queue_digest(member, listed, len(ids), schedule)
            db.session.commit()
            sent += 1
        else:
            db.session.rollback()
    return sent


def claim(ids: list[int], now: datetime) -> bool:
    """Mark the notifications emailed, if no other sender has; False if one has."""
    claimed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.emailed_at.is_(None))
        .values(emailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == len(ids)


def _queue_digest(member: User, listed: list[Notification], count: int, schedule: Schedule) -> None:
    lines = [f"- {n.text}\n  {absolute_link(n)}" for n in listed]
    if count > len(listed):
        lines.append(f"- and {count - len(listed)} more: {external_url('notifications.index')}")
    queue_email(
        member.email,
        f"Improvement Commons: {count} update{'s' if count != 1 else ''} for you",
        f"Hello {member.name},\n\nHere is what happened {schedule.opening}:\n\n"
        + "\n".join(lines)
        + f"\n\nChange how we email you: {external_url('notifications.settings')}\n",
    )
