"""The audit log: who did what to whom, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.audit.vocabulary import action_words
from community.core.extensions import db
from community.core.models_base import created_at_column


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(40), default="")
    target_id: Mapped[Optional[int]]
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    # Set for actions inside a community, so its facilitators can read their own log.
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="SET NULL"), index=True
    )

    actor: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_audit_events_occurred_at", "occurred_at"),)

    @property
    def action_words(self) -> str:
        return action_words(self.action)
