"""Suggesting mentors for a mentoring request: who, in what order, and why.

Who can be suggested
--------------------
A mentor is suggested for a request only if their offer is not paused, they
have a free place (active mentorships < capacity), they are not the requester
and not in the requesting organisation, they have not already been asked for
this request, and they match at least one requested area (an IMPACT component
or approach they offer, or an approach in their declared expertise).

How they are ranked (a score out of 100)
----------------------------------------
The score is the sum of independent terms (scoring.py, one class each). Each
term gathers its evidence for every candidate in at most ONE grouped SQL
statement (never one query per mentor), then scores each candidate in Python
and explains the points in words.

=================  ====  ==================================================================
term               max   points
=================  ====  ==================================================================
area fit            40   40 × (requested areas covered ÷ requested areas). An area the
                         mentor offers covers 1; a requested approach that is only in their
                         declared expertise covers ½.
discussions         20   ½ point per "helpful" mark on their posts (up to 20 marks = 10) +
                         2 points per key learning they wrote (up to 5 = 10). Only open
                         communities count, so a ranking never reveals private activity.
                         Counted ahead of time (evidence.py), so the cost of a ranking
                         does not grow with the number of posts.
track record        20   2 points per organisation they mentored to an outcome (not
                         withdrawn; up to 4 = 8) + 12 × (average rating − 1) ÷ 4 from the
                         organisations' feedback (unrated: 0).
proximity           10   10 if their organisation is in the requester's system; 6 if they
                         can travel to it; else 0.
format               5   5 if they offer the preferred format (in person also needs them to
                         be in or travel to the system) or there is no preference; else 0.
spare capacity       5   5 × free places ÷ capacity.
=================  ====  ==================================================================

Ties are broken by name, then by member id, so the order is deterministic.

Adding evidence later
---------------------
Methods ("published 2 methods on SPC; 3 adaptations in use") and projects
("2 projects with improvement signals") slot in as extra terms: write a class
in scoring.py with `key`, `max_points`, `gather(needs, candidate_ids)` (one
grouped statement keyed by mentor id) and `score(needs, candidate, evidence)`,
and add it to TERMS. The total is the sum of the terms, so the README's table
is the only other thing to update (rebalance the maxima to keep 100).
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User, member_expertise
from community.directory.models import Organisation
from community.extensions import db
from community.mentoring.evidence import MentorEvidence
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentorOffer,
    MentorOfferComponent,
    Mentorship,
    mentor_offer_approaches,
)
from community.mentoring.scoring import (
    EVIDENCE_FROM,
    MAX_SCORE,
    TERMS,
    Candidate,
    Needs,
    Suggestion,
)
from community.mentoring.vocabulary import MeetingFormat, MentorshipStatus

__all__ = ["MAX_SCORE", "Needs", "Suggestion", "eligible_mentor_ids", "suggest"]

FORMAT_COLUMNS = (
    (MeetingFormat.VIDEO, MentorOffer.offers_video),
    (MeetingFormat.PHONE, MentorOffer.offers_phone),
    (MeetingFormat.IN_PERSON, MentorOffer.offers_in_person),
)


def _active_counts() -> sa.Subquery:
    return (
        sa.select(Mentorship.mentor_id.label("mentor_id"), sa.func.count().label("n"))
        .where(Mentorship.status == MentorshipStatus.ACTIVE)
        .group_by(Mentorship.mentor_id)
        .subquery("active_counts")
    )


def _matching_offer_ids(needs: Needs) -> sa.Select:
    """Offers that match at least one requested area."""
    parts = []
    if needs.components:
        parts.append(
            sa.select(MentorOfferComponent.offer_id).where(
                MentorOfferComponent.component.in_(needs.components)
            )
        )
    if needs.approaches:
        parts.append(
            sa.select(mentor_offer_approaches.c.offer_id).where(
                mentor_offer_approaches.c.tag_id.in_(needs.approaches)
            )
        )
        parts.append(
            sa.select(MentorOffer.id)
            .join(member_expertise, member_expertise.c.user_id == MentorOffer.user_id)
            .where(member_expertise.c.tag_id.in_(needs.approaches))
        )
    if not parts:
        return sa.select(MentorOffer.id).where(sa.false())
    return sa.union(*parts)


def _eligibility(needs: Needs, active: sa.Subquery) -> list[sa.ColumnElement[bool]]:
    already_asked = sa.select(MentoringAsk.mentor_id).where(
        MentoringAsk.request_id == needs.request_id
    )
    return [
        MentorOffer.paused_at.is_(None),
        sa.func.coalesce(active.c.n, 0) < MentorOffer.capacity,
        sa.or_(User.organisation_id.is_(None), User.organisation_id != needs.organisation_id),
        User.id != (needs.requester_id or 0),
        MentorOffer.user_id.not_in(already_asked),
        MentorOffer.id.in_(_matching_offer_ids(needs)),
    ]


def eligible_mentor_ids(needs: Needs) -> sa.Select:
    """The user ids of every mentor who may be suggested (and so asked) for `needs`."""
    active = _active_counts()
    return (
        sa.select(MentorOffer.user_id)
        .join(User, User.id == MentorOffer.user_id)
        .outerjoin(active, active.c.mentor_id == MentorOffer.user_id)
        .where(*_eligibility(needs, active))
    )


def _candidates(needs: Needs) -> list[Candidate]:
    """Every eligible mentor with what the ranking needs to know of them: one statement."""
    active = _active_counts()
    rows = db.session.execute(
        sa.select(
            User.id, User.name, User.username, User.job_title,
            sa.func.coalesce(Organisation.name, ""), Organisation.system_id,
            MentorOffer.capacity, sa.func.coalesce(active.c.n, 0),
            sa.func.coalesce(MentorEvidence.helpful_marks, 0),
            sa.func.coalesce(MentorEvidence.key_learnings, 0),
            *(column for _, column in FORMAT_COLUMNS),
        )
        .select_from(MentorOffer)
        .join(User, User.id == MentorOffer.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(active, active.c.mentor_id == MentorOffer.user_id)
        .outerjoin(MentorEvidence, MentorEvidence.user_id == MentorOffer.user_id)
        .where(*_eligibility(needs, active))
    )  # fmt: skip
    candidates = []
    for row in rows:
        offered = row[10:13]
        candidates.append(
            Candidate(
                user_id=row[0], name=row[1], username=row[2], job_title=row[3],
                organisation_name=row[4], system_id=row[5], capacity=row[6], active=row[7],
                helpful_marks=row[8], key_learnings=row[9],
                formats=frozenset(f for (f, _), on in zip(FORMAT_COLUMNS, offered, strict=True)
                                  if on),
            )
        )  # fmt: skip
    return candidates


def suggest(request: MentoringRequest) -> list[Suggestion]:
    """Every eligible mentor for `request`, best first, with the reasons for each.

    A fixed number of statements whatever the number of mentors: one for the
    candidates and at most one per term.
    """
    needs = Needs.of(request)
    candidates = _candidates(needs)
    if not candidates:
        return []
    candidate_ids = [c.user_id for c in candidates]
    gathered = {term.key: term.gather(needs, candidate_ids) for term in TERMS}
    suggestions = []
    for candidate in candidates:
        suggestion = Suggestion(candidate)
        for term in TERMS:
            source = gathered[EVIDENCE_FROM.get(term.key, term.key)]
            suggestion.parts.append(term.score(needs, candidate, source.get(candidate.user_id)))
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.candidate.name.casefold(), s.user_id))
    return suggestions
