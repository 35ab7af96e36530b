"""Improvement communities, their members and facilitators, and how people join."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.core.extensions import db
from community.core.models_base import created_at_column


class Visibility(StrEnum):
    OPEN = "open"  # anyone signed in can read; joining is one click
    PRIVATE = "private"  # members only; join by approved request or invitation


class CommunityStatus(StrEnum):
    PROPOSED = "proposed"  # waiting for a site administrator
    ACTIVE = "active"
    DECLINED = "declined"


class MemberRole(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Community(db.Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(300))
    learning_question: Mapped[str] = mapped_column(sa.String(500))
    visibility: Mapped[str] = mapped_column(sa.String(10), default=Visibility.OPEN)
    # A private community's name shows in the directory only when listed.
    listed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(10), default=CommunityStatus.ACTIVE)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    # Kept by the services so that lists never count rows per community.
    member_count: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    created_by: Mapped[Optional[User]] = relationship(lazy="raise")

    __table_args__ = (
        sa.Index("ix_communities_status_visibility", "status", "visibility", "listed"),
    )

    @property
    def is_private(self) -> bool:
        return self.visibility == Visibility.PRIVATE

    @property
    def is_active(self) -> bool:
        return self.status == CommunityStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(12), default=MemberRole.MEMBER)
    watch_new_threads: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = created_at_column()

    community: Mapped[Community] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("community_id", "user_id"),
        sa.Index("ix_memberships_community_role", "community_id", "role"),
    )

    @property
    def is_facilitator(self) -> bool:
        return self.role == MemberRole.FACILITATOR


class JoinRequest(db.Model):
    __tablename__ = "join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = created_at_column()
    decided_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    community: Mapped[Community] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_join_requests_community_status", "community_id", "status"),)


class Invitation(db.Model):
    """An emailed invitation to join; the token in the link is the key."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    accepted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    community: Mapped[Community] = relationship(lazy="joined")
