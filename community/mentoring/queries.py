"""Reading mentoring for pages: the member's own lists, a request's asks, a mentorship's log.

Every list is paginated and filtered by the one visibility rule in visibility.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.directory.models import Organisation
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentoringSession,
    MentorOffer,
    Mentorship,
    MentorshipFeedback,
    MentorshipGoal,
)
from community.mentoring.services import active_mentorship_count
from community.mentoring.visibility import visible_requests_clause
from community.mentoring.vocabulary import AskStatus, MentorshipStatus, RequestStatus


def pending_asks_page(mentor: User, page: int, per_page: int):
    """Asks waiting for this mentor's answer, oldest first (they expire first)."""
    query = (
        sa.select(MentoringAsk)
        .where(
            MentoringAsk.mentor_id == mentor.id,
            MentoringAsk.status == AskStatus.PENDING,
            MentoringAsk.expires_at > utcnow(),
        )
        .order_by(MentoringAsk.created_at, MentoringAsk.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mentorships_page(user: User, page: int, per_page: int):
    """Mentorships the member takes part in, as mentor or requester: running ones first."""
    as_requester = sa.select(MentoringRequest.id).where(MentoringRequest.requester_id == user.id)
    query = (
        sa.select(Mentorship)
        .where(sa.or_(Mentorship.mentor_id == user.id, Mentorship.request_id.in_(as_requester)))
        .order_by(
            (Mentorship.status == MentorshipStatus.ACTIVE).desc(),
            Mentorship.started_at.desc(),
            Mentorship.id.desc(),
        )
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def requests_page(user: User, page: int, per_page: int):
    query = (
        sa.select(MentoringRequest)
        .where(MentoringRequest.requester_id == user.id)
        .order_by(MentoringRequest.created_at.desc(), MentoringRequest.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def organisation_requests_page(organisation: Organisation, viewer, page: int, per_page: int):
    """An organisation's mentoring history: the requests the viewer may see, newest first."""
    query = (
        sa.select(MentoringRequest)
        .where(
            MentoringRequest.organisation_id == organisation.id,
            visible_requests_clause(viewer),
        )
        .order_by(MentoringRequest.created_at.desc(), MentoringRequest.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def mentorships_by_request(request_ids: list[int]) -> dict[int, Mentorship]:
    if not request_ids:
        return {}
    rows = db.session.scalars(sa.select(Mentorship).where(Mentorship.request_id.in_(request_ids)))
    return {m.request_id: m for m in rows}


def asks_of(request: MentoringRequest, viewer) -> list[MentoringAsk]:
    """The asks on a request. A mentor who is only an asked mentor sees just their own.

    Bounded by people's own actions (at most three waiting at a time), so not paginated.
    """
    query = sa.select(MentoringAsk).where(MentoringAsk.request_id == request.id)
    sees_all = (
        viewer.is_admin
        or viewer.id == request.requester_id
        or viewer.organisation_id == request.organisation_id
    )
    if not sees_all:
        query = query.where(MentoringAsk.mentor_id == viewer.id)
    return list(db.session.scalars(query.order_by(MentoringAsk.created_at, MentoringAsk.id)))


def own_ask(request: MentoringRequest, user) -> MentoringAsk | None:
    return db.session.scalar(
        sa.select(MentoringAsk).where(
            MentoringAsk.request_id == request.id, MentoringAsk.mentor_id == user.id
        )
    )


def mentorship_of(request: MentoringRequest) -> Mentorship | None:
    return db.session.scalar(sa.select(Mentorship).where(Mentorship.request_id == request.id))


def goals_of(mentorship: Mentorship) -> list[MentorshipGoal]:
    """At most MAX_GOALS, so not paginated."""
    return list(
        db.session.scalars(
            sa.select(MentorshipGoal)
            .where(MentorshipGoal.mentorship_id == mentorship.id)
            .order_by(MentorshipGoal.id)
        )
    )


def sessions_page(mentorship: Mentorship, page: int, per_page: int):
    query = (
        sa.select(MentoringSession)
        .where(MentoringSession.mentorship_id == mentorship.id)
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def feedback_of(mentorship: Mentorship) -> dict[str, MentorshipFeedback]:
    rows = db.session.scalars(
        sa.select(MentorshipFeedback).where(MentorshipFeedback.mentorship_id == mentorship.id)
    )
    return {f.side: f for f in rows}


@dataclass(frozen=True)
class OfferStanding:
    offer: MentorOffer
    active: int

    @property
    def free(self) -> int:
        return max(self.offer.capacity - self.active, 0)


def offer_standing(user: User) -> OfferStanding | None:
    offer = db.session.scalar(sa.select(MentorOffer).where(MentorOffer.user_id == user.id))
    if offer is None:
        return None
    return OfferStanding(offer, active_mentorship_count(user.id))


def open_requests_in(system_id: int, viewer, page: int, per_page: int):
    """Open requests in a system that the viewer may see, oldest first (waiting longest)."""
    query = (
        sa.select(MentoringRequest)
        .join(Organisation, Organisation.id == MentoringRequest.organisation_id)
        .where(
            Organisation.system_id == system_id,
            MentoringRequest.status == RequestStatus.OPEN,
            visible_requests_clause(viewer),
        )
        .order_by(MentoringRequest.created_at, MentoringRequest.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
