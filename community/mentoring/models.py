"""Mentor offers, capability self-assessments, requests, asks and mentorships."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import ExpertiseTag, User
from community.core.extensions import db
from community.core.models_base import created_at_column
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System
from community.mentoring.vocabulary import (
    ANY_FORMAT,
    AskStatus,
    GoalProgress,
    ImpactComponent,
    MeetingFormat,
    MentorshipStatus,
    Outcome,
    RequestStatus,
    Timescale,
)

# ------------------------------------------------------------------ offers

mentor_offer_approaches = sa.Table(
    "mentor_offer_approaches",
    db.metadata,
    sa.Column("offer_id", sa.ForeignKey("mentor_offers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "tag_id", sa.ForeignKey("expertise_tags.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    ),
)  # fmt: skip

mentor_offer_systems = sa.Table(
    "mentor_offer_systems",
    db.metadata,
    sa.Column("offer_id", sa.ForeignKey("mentor_offers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "system_id", sa.ForeignKey("systems.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class MentorOfferComponent(db.Model):
    """An NHS IMPACT component a mentor offers help with."""

    __tablename__ = "mentor_offer_components"

    offer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentor_offers.id", ondelete="CASCADE"), primary_key=True
    )
    component: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True, index=True)


class MentorOffer(db.Model):
    """A member's offer to mentor: what in, how, how many at once, and where."""

    __tablename__ = "mentor_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    capacity: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    offers_video: Mapped[bool] = mapped_column(default=True)
    offers_phone: Mapped[bool] = mapped_column(default=False)
    offers_in_person: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    paused_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(lazy="joined")
    component_rows: Mapped[list[MentorOfferComponent]] = relationship(
        cascade="all, delete-orphan", order_by=MentorOfferComponent.component, lazy="selectin"
    )
    approaches: Mapped[list[ExpertiseTag]] = relationship(
        secondary=mentor_offer_approaches, order_by=ExpertiseTag.name, lazy="selectin"
    )
    travel_systems: Mapped[list[System]] = relationship(
        secondary=mentor_offer_systems, order_by=System.name, lazy="selectin"
    )

    __table_args__ = (sa.CheckConstraint("capacity >= 1", name="capacity_positive"),)

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def components(self) -> list[ImpactComponent]:
        return [ImpactComponent(row.component) for row in self.component_rows]

    @property
    def formats(self) -> list[MeetingFormat]:
        offered = (
            (MeetingFormat.VIDEO, self.offers_video),
            (MeetingFormat.PHONE, self.offers_phone),
            (MeetingFormat.IN_PERSON, self.offers_in_person),
        )
        return [fmt for fmt, on in offered if on]


# ------------------------------------------------------------------ self-assessment


class CapabilityAssessment(db.Model):
    """An organisation's self-assessment on the five IMPACT components, kept for history."""

    __tablename__ = "capability_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    assessed_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    assessed_by: Mapped[Optional[User]] = relationship(lazy="joined")
    scores: Mapped[list[CapabilityScore]] = relationship(
        cascade="all, delete-orphan", order_by="CapabilityScore.component", lazy="selectin"
    )

    __table_args__ = (
        sa.Index("ix_capability_assessments_org_created", "organisation_id", "created_at"),
    )

    def score_for(self, component: int) -> CapabilityScore | None:
        return next((s for s in self.scores if s.component == component), None)


class CapabilityScore(db.Model):
    __tablename__ = "capability_scores"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("capability_assessments.id", ondelete="CASCADE"), primary_key=True
    )
    component: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    score: Mapped[int] = mapped_column(sa.SmallInteger)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    @property
    def impact(self) -> ImpactComponent:
        return ImpactComponent(self.component)


# ------------------------------------------------------------------ requests and asks

mentoring_request_approaches = sa.Table(
    "mentoring_request_approaches",
    db.metadata,
    sa.Column(
        "request_id", sa.ForeignKey("mentoring_requests.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "tag_id", sa.ForeignKey("expertise_tags.id", ondelete="CASCADE"), primary_key=True,
        index=True,
    ),
)  # fmt: skip


class MentoringRequestComponent(db.Model):
    __tablename__ = "mentoring_request_components"

    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_requests.id", ondelete="CASCADE"), primary_key=True
    )
    component: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)


class MentoringRequest(db.Model):
    """An organisation's ask for help with capability gaps."""

    __tablename__ = "mentoring_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    requester_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(150))
    aim: Mapped[str] = mapped_column(sa.Text)
    preferred_format: Mapped[str] = mapped_column(sa.String(12), default=ANY_FORMAT)
    timescale: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(10), default=RequestStatus.OPEN)
    created_at: Mapped[datetime] = created_at_column()
    matched_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    ended_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    requester: Mapped[Optional[User]] = relationship(lazy="joined")
    component_rows: Mapped[list[MentoringRequestComponent]] = relationship(
        cascade="all, delete-orphan", order_by=MentoringRequestComponent.component,
        lazy="selectin",
    )  # fmt: skip
    approaches: Mapped[list[ExpertiseTag]] = relationship(
        secondary=mentoring_request_approaches, order_by=ExpertiseTag.name, lazy="selectin"
    )

    __table_args__ = (
        sa.Index("ix_mentoring_requests_org_created", "organisation_id", "created_at"),
        sa.Index("ix_mentoring_requests_status_created", "status", "created_at"),
    )

    @property
    def components(self) -> list[ImpactComponent]:
        return [ImpactComponent(row.component) for row in self.component_rows]

    @property
    def status_label(self) -> str:
        return RequestStatus(self.status).label

    @property
    def format_label(self) -> str:
        if self.preferred_format == ANY_FORMAT:
            return "No preference"
        return MeetingFormat(self.preferred_format).label

    @property
    def timescale_label(self) -> str:
        return Timescale(self.timescale).label

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class MentoringAsk(db.Model):
    """A requester asking one mentor to take a request on."""

    __tablename__ = "mentoring_asks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_requests.id", ondelete="CASCADE")
    )
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default=AskStatus.PENDING)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    responded_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    response: Mapped[str] = mapped_column(sa.String(1000), default="")

    request: Mapped[MentoringRequest] = relationship(lazy="joined")
    mentor: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("request_id", "mentor_id"),
        sa.Index("ix_mentoring_asks_mentor_status", "mentor_id", "status", "created_at"),
        sa.Index("ix_mentoring_asks_status_expires", "status", "expires_at"),
    )

    @property
    def status_label(self) -> str:
        return AskStatus(self.status).label

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Pending past its expiry: treated as expired everywhere, even before it is marked."""
        if self.status != AskStatus.PENDING:
            return False
        expires = self.expires_at
        if expires.tzinfo is None:  # SQLite hands back naive UTC
            expires = expires.replace(tzinfo=(now or utcnow()).tzinfo)
        return expires <= (now or utcnow())


# ------------------------------------------------------------------ mentorships


class Mentorship(db.Model):
    """A mentor working with an organisation on a request, from acceptance to outcome."""

    __tablename__ = "mentorships"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_requests.id", ondelete="CASCADE"), unique=True
    )
    mentor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(sa.String(10), default=MentorshipStatus.ACTIVE)
    started_at: Mapped[datetime] = created_at_column()
    # From the request being made to a mentor accepting: the dashboard's time to match.
    hours_to_match: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    closed_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(sa.String(12), default="")

    request: Mapped[MentoringRequest] = relationship(lazy="joined")
    mentor: Mapped[Optional[User]] = relationship(foreign_keys=[mentor_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    closed_by: Mapped[Optional[User]] = relationship(foreign_keys=[closed_by_id], lazy="raise")

    __table_args__ = (
        sa.Index("ix_mentorships_mentor_status", "mentor_id", "status"),
        sa.Index("ix_mentorships_org_status", "organisation_id", "status"),
        sa.Index("ix_mentorships_status_closed", "status", "closed_at"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == MentorshipStatus.ACTIVE

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label if self.outcome else ""


class MentorshipGoal(db.Model):
    __tablename__ = "mentorship_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.String(300))
    progress: Mapped[str] = mapped_column(sa.String(12), default=GoalProgress.NOT_STARTED)
    progress_note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()

    @property
    def progress_label(self) -> str:
        return GoalProgress(self.progress).label


class MentoringSession(db.Model):
    """One meeting in a mentorship's log."""

    __tablename__ = "mentoring_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(sa.Date)
    format: Mapped[str] = mapped_column(sa.String(12))
    notes: Mapped[str] = mapped_column(sa.Text)
    next_steps: Mapped[str] = mapped_column(sa.Text, default="")
    logged_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()

    logged_by: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (
        sa.Index("ix_mentoring_sessions_mentorship_held", "mentorship_id", "held_on", "id"),
    )

    @property
    def format_label(self) -> str:
        return MeetingFormat(self.format).label


class MentorshipFeedback(db.Model):
    """A rating and comment from one side of a closed mentorship."""

    __tablename__ = "mentorship_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(sa.String(12))
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = created_at_column()

    author: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("mentorship_id", "side"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )
