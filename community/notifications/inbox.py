"""A member's notifications: reading them and marking them read (the digests are in digests.py).

What is created, and for whom, is in `services.py`. Each notification is
checked again here, when it is listed, counted or sent, against what its
recipient may see now, in case their access has changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import User
from community.communities.models import Community
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import Thread
from community.mentoring.visibility import visible_request_ids
from community.notifications.models import EmailFrequency, Notification, NotificationKind
from community.visibility import (
    visible_community_ids,
    visible_method_ids,
    visible_threads_clause,
)
from community.web.paging import counted_ahead
from community.web.urls import external_url


def visible_to_recipient(user: User):
    visible = visible_community_ids(user)
    # Checked per notification (a primary-key lookup each), not by listing every visible
    # thread: that list grows with the whole site, a member's notifications do not.
    thread_in_view = sa.exists().where(
        Thread.id == Notification.thread_id, visible_threads_clause(user)
    )
    return sa.and_(
        Notification.recipient_id == user.id,
        sa.or_(
            thread_in_view,
            sa.and_(
                Notification.thread_id.is_(None),
                sa.or_(
                    Notification.community_id.is_(None),
                    Notification.community_id.in_(visible),
                ),
            ),
        ),
        sa.or_(
            Notification.method_id.is_(None),
            Notification.method_id.in_(visible_method_ids(user)),
        ),
        sa.or_(
            Notification.mentoring_request_id.is_(None),
            Notification.mentoring_request_id.in_(visible_request_ids(user)),
        ),
    )


@dataclass(frozen=True)
class _AnyReader:
    """Stands in for whichever member a statement is run for: the visibility rules
    build on their id and organisation, here parameters given when it runs."""

    is_admin: bool
    has_organisation: bool
    is_authenticated = True

    @property
    def id(self):
        return sa.bindparam("reader_id", type_=sa.Integer)

    @property
    def organisation_id(self):
        if not self.has_organisation:
            return None
        return sa.bindparam("reader_organisation", type_=sa.Integer)


@cache
def _unread_statement(is_admin: bool, has_organisation: bool) -> sa.Select:
    """The count in every page's header, made once per app process for each shape of
    reader: making it cost more than running it, on every page."""
    reader = _AnyReader(is_admin, has_organisation)
    return sa.select(sa.func.count(Notification.id)).where(
        visible_to_recipient(reader), Notification.read_at.is_(None)
    )


def unread_count(user: User) -> int:
    statement = _unread_statement(user.is_admin, user.organisation_id is not None)
    return db.session.scalar(
        statement, {"reader_id": user.id, "reader_organisation": user.organisation_id}
    )


def notifications_page(user: User, page: int, per_page: int, unread_only: bool = False):
    query = sa.select(Notification).where(visible_to_recipient(user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return counted_ahead(query.order_by(Notification.id.desc()), page, per_page)


# Where a notification leads: the first of these it names, most specific first.
_DESTINATIONS = (
    ("mentorship_id", "mentoring.mentorship", "mentorship_id"),
    ("mentoring_request_id", "mentoring.request", "request_id"),
    ("project_id", "projects.show_by_id", "project_id"),
    ("post_id", "discussions.post_permalink", "post_id"),
    ("thread_id", "discussions.thread_redirect", "thread_id"),
    ("method_id", "methods.method_redirect", "method_id"),
)


def destination(notification) -> tuple[str, dict]:
    """The endpoint and arguments of the thing a notification is about, for the inbox,
    the immediate email and the digest alike: the first thing it names, most specific
    first; a community (the requests to join it, for a facilitator asked to decide one);
    the notifications page only for a notification about nothing still there."""
    for column, endpoint, argument in _DESTINATIONS:
        value = getattr(notification, column)
        if value:
            return endpoint, {argument: value}
    if notification.community_id:
        slug = db.session.scalar(
            sa.select(Community.slug).where(Community.id == notification.community_id)
        )
        if slug is not None:
            if notification.kind == NotificationKind.JOIN_REQUEST:
                return "communities.join_requests", {"slug": slug}
            return "communities.home", {"slug": slug}
    return "notifications.index", {}


def link_for(notification: Notification) -> str:
    endpoint, values = destination(notification)
    return url_for(endpoint, **values)


def mark_read(user: User, notification_id: int) -> Notification | None:
    notification = db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id, visible_to_recipient(user)
        )
    )
    if notification is None:
        return None
    notification.read_at = notification.read_at or utcnow()
    db.session.commit()
    return notification


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(visible_to_recipient(user), Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


def set_email_frequency(user: User, frequency: str) -> None:
    if frequency not in {f.value for f in EmailFrequency}:
        raise RuleViolation("Choose how often we email you", "frequency")
    user.email_notifications = frequency
    db.session.commit()


def absolute_link(notification) -> str:
    """Where a notification leads, as a full address for an email."""
    endpoint, values = destination(notification)
    return external_url(endpoint, **values)
