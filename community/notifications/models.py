"""In-app notifications, and how closely each member follows each thread."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.core.extensions import db
from community.core.models_base import created_at_column


class WatchLevel(StrEnum):
    WATCHING = "watching"  # every reply
    NORMAL = "normal"  # replies to me and mentions (the default)
    MUTED = "muted"  # nothing


class EmailFrequency(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"  # a digest each morning (digests.py)
    WEEKLY = "weekly"  # a digest each Monday morning
    NONE = "none"


class NotificationKind(StrEnum):
    REPLY = "reply"  # a reply in a watched thread
    REPLY_TO_YOU = "reply_to_you"
    MENTION = "mention"
    NEW_THREAD = "new_thread"
    KEY_LEARNING = "key_learning"
    JOIN_REQUEST = "join_request"
    JOIN_APPROVED = "join_approved"
    WARNING = "warning"
    FLAGGED = "flagged"  # a post in a thread you moderate was flagged
    METHOD_ADAPTED = "method_adapted"  # someone published an adaptation of your method
    METHOD_USED = "method_used"  # someone said they used your method
    METHOD_CO_AUTHOR = "method_co_author"  # you were added as a co-author
    TEAM_ADDED = "team_added"  # added to a project's team
    PROJECT_STATUS = "project_status"  # a project you are on changed status
    # Mentoring: each links to a mentoring request or mentorship, not a thread.
    MENTOR_ASKED = "mentor_asked"
    ASK_ACCEPTED = "ask_accepted"
    ASK_DECLINED = "ask_declined"
    ASK_WITHDRAWN = "ask_withdrawn"
    ASK_EXPIRED = "ask_expired"
    MENTORSHIP_UPDATE = "mentorship_update"  # goals or a session logged by the other side
    MENTORSHIP_CLOSED = "mentorship_closed"
    MENTORING_FEEDBACK = "mentoring_feedback"


# Kinds emailed at once to members who chose a daily or weekly summary, not held for it:
# a mentor asked for help hears of it the same day. "Never" still means never.
EMAILED_AT_ONCE = frozenset({NotificationKind.MENTOR_ASKED})


class ThreadWatch(db.Model):
    __tablename__ = "thread_watches"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("threads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    level: Mapped[str] = mapped_column(sa.String(10), default=WatchLevel.WATCHING)


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE")
    )
    thread_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("threads.id", ondelete="CASCADE")
    )
    post_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    method_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE")
    )
    mentoring_request_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("mentoring_requests.id", ondelete="CASCADE")
    )
    mentorship_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE")
    )
    text: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = created_at_column()
    read_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    emailed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.Index("ix_notifications_recipient_id", "recipient_id", "id"),
        sa.Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),
        # The digest reads the last days' unemailed rows; new rows go at the index's end.
        sa.Index("ix_notifications_digest", "emailed_at", "created_at", "recipient_id"),
    )


class PendingDelivery(db.Model):
    """A new post whose watchers are yet to be told (see community.notifications.delivery).

    Written in the post's own transaction and deleted in the one that writes its
    notifications, so each post's watchers are told exactly once.
    """

    __tablename__ = "notification_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = created_at_column()
