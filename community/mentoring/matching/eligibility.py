"""Who may be suggested as a mentor for a request (matching.py ranks them).

A mentor may be suggested only if their offer is not paused, they have a free
place (running mentorships < capacity), they are not the requester and not in
the requesting organisation, they have not already been asked for this
request, and they match at least one requested area: an IMPACT component or
approach they offer, or an approach in their declared expertise. The ranking's
candidates statement and the checks of a few chosen mentors (an ask, a kept
page of suggestions) build on the same pieces, so the rule is written once.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User, member_expertise
from community.mentoring.matching.comparison import Needs, among
from community.mentoring.models import (
    MentoringAsk,
    MentorOffer,
    MentorOfferComponent,
    Mentorship,
    mentor_offer_approaches,
)
from community.mentoring.vocabulary import MentorshipStatus


def active_counts(mentor_ids: list[int] | None = None) -> sa.Subquery:
    """Each mentor's running mentorships (only `mentor_ids`' if given)."""
    statement = sa.select(
        Mentorship.mentor_id.label("mentor_id"), sa.func.count().label("n")
    ).where(Mentorship.status == MentorshipStatus.ACTIVE)
    if mentor_ids is not None:
        statement = statement.where(among(Mentorship.mentor_id, mentor_ids))
    return statement.group_by(Mentorship.mentor_id).subquery("active_counts")


def area_matches(needs: Needs, mentor_ids: list[int] | None = None) -> sa.Subquery:
    """Offers matching at least one requested area, with how many they cover.

    One row per offer: `offered`, the requested components and approaches it
    offers, and `declared`, the requested approaches only in the mentor's
    declared expertise. Each (offer, area) is counted once, offered if the
    offer names it. Only the offers of `mentor_ids` if given (a few).
    """

    def row(offer_id, kind: str, area, offered: int) -> tuple:
        return (
            offer_id.label("offer_id"), sa.literal(kind).label("kind"), area.label("area"),
            sa.literal(offered).label("offered"),
        )  # fmt: skip

    def of_mentors(offer_id) -> sa.ColumnElement[bool]:
        if mentor_ids is None:
            return sa.true()
        return offer_id.in_(sa.select(MentorOffer.id).where(among(MentorOffer.user_id, mentor_ids)))

    parts = []
    if needs.components:
        parts.append(
            sa.select(
                *row(MentorOfferComponent.offer_id, "c", MentorOfferComponent.component, 1)
            ).where(
                MentorOfferComponent.component.in_(needs.components),
                of_mentors(MentorOfferComponent.offer_id),
            )
        )
    if needs.approaches:
        parts.append(
            sa.select(
                *row(mentor_offer_approaches.c.offer_id, "a", mentor_offer_approaches.c.tag_id, 1)
            ).where(
                mentor_offer_approaches.c.tag_id.in_(needs.approaches),
                of_mentors(mentor_offer_approaches.c.offer_id),
            )
        )
        parts.append(
            sa.select(*row(MentorOffer.id, "a", member_expertise.c.tag_id, 0))
            .join(member_expertise, member_expertise.c.user_id == MentorOffer.user_id)
            .where(
                member_expertise.c.tag_id.in_(needs.approaches),
                # By member, not by offer: their expertise is read by member first.
                sa.true() if mentor_ids is None else among(member_expertise.c.user_id, mentor_ids),
            )
        )
    if not parts:
        parts.append(sa.select(*row(MentorOffer.id, "c", MentorOffer.id, 1)).where(sa.false()))
    rows = sa.union_all(*parts).subquery("area_rows")
    per_area = (
        sa.select(rows.c.offer_id, sa.func.max(rows.c.offered).label("offered"))
        .group_by(rows.c.offer_id, rows.c.kind, rows.c.area)
        .subquery("per_area")
    )
    return (
        sa.select(
            per_area.c.offer_id,
            sa.func.sum(per_area.c.offered).label("offered"),
            (sa.func.count() - sa.func.sum(per_area.c.offered)).label("declared"),
        )
        .group_by(per_area.c.offer_id)
        .subquery("areas")
    )


def conditions(needs: Needs, active: sa.Subquery) -> list[sa.ColumnElement[bool]]:
    """Who may be suggested, besides matching an area (joining `area_matches` decides that)."""
    already_asked = sa.select(MentoringAsk.mentor_id).where(
        MentoringAsk.request_id == needs.request_id
    )
    return [
        MentorOffer.paused_at.is_(None),
        sa.func.coalesce(active.c.n, 0) < MentorOffer.capacity,
        sa.or_(User.organisation_id.is_(None), User.organisation_id != needs.organisation_id),
        User.id != (needs.requester_id or 0),
        MentorOffer.user_id.not_in(already_asked),
    ]


def eligible_mentor_ids(needs: Needs, among_mentors: list[int] | None = None) -> sa.Select:
    """The user ids of every mentor who may be suggested (and so asked) for `needs`.

    Only those of `among_mentors` if given: then it reads just their offers.
    """
    active = active_counts(among_mentors)
    areas = area_matches(needs, among_mentors)
    statement = (
        sa.select(MentorOffer.user_id)
        .join(areas, areas.c.offer_id == MentorOffer.id)
        .join(User, User.id == MentorOffer.user_id)
        .outerjoin(active, active.c.mentor_id == MentorOffer.user_id)
        .where(*conditions(needs, active))
    )
    if among_mentors is not None:
        statement = statement.where(among(MentorOffer.user_id, among_mentors))
    return statement
