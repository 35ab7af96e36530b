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
The score is the sum of independent terms. Each term gathers its evidence for
every candidate in ONE grouped SQL statement (never one query per mentor), then
scores each candidate in Python and explains the points in words.

=================  ====  ==================================================================
term               max   points
=================  ====  ==================================================================
area fit            40   40 × (requested areas covered ÷ requested areas). An area the
                         mentor offers covers 1; a requested approach that is only in their
                         declared expertise covers ½.
discussions         20   ½ point per "helpful" mark on their posts (up to 20 marks = 10) +
                         2 points per key learning they wrote (up to 5 = 10). Only open
                         communities count, so a ranking never reveals private activity.
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
with `key`, `max_points`, `gather(needs, candidate_ids)` (one grouped statement
keyed by mentor id) and `score(needs, candidate, evidence)`, and add it to
TERMS. The total stays the sum of the terms, so the README's table is the
only other thing to update.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from community.accounts.models import User, member_expertise
from community.communities.models import Community, CommunityStatus, Visibility
from community.directory.models import Organisation
from community.discussions.models import Post, Thread
from community.extensions import db
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentorOffer,
    MentorOfferComponent,
    Mentorship,
    MentorshipFeedback,
    mentor_offer_approaches,
    mentor_offer_systems,
)
from community.mentoring.vocabulary import (
    ANY_FORMAT,
    COMPLETED_OUTCOMES,
    FeedbackSide,
    ImpactComponent,
    MeetingFormat,
    MentorshipStatus,
)

# ------------------------------------------------------------------ what is being matched


@dataclass(frozen=True)
class Needs:
    """What a request asks for, in the terms the matcher compares."""

    request_id: int
    organisation_id: int
    system_id: int
    requester_id: int | None
    components: frozenset[int]
    approaches: frozenset[int]
    preferred_format: str
    approach_names: dict[int, str] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, request: MentoringRequest) -> Needs:
        return cls(
            request_id=request.id,
            organisation_id=request.organisation_id,
            system_id=request.organisation.system_id,
            requester_id=request.requester_id,
            components=frozenset(row.component for row in request.component_rows),
            approaches=frozenset(tag.id for tag in request.approaches),
            preferred_format=request.preferred_format,
            approach_names={tag.id: tag.name for tag in request.approaches},
        )

    @property
    def area_count(self) -> int:
        return len(self.components) + len(self.approaches)


@dataclass
class Candidate:
    """An eligible mentor, as read by the candidates statement."""

    user_id: int
    name: str
    username: str
    job_title: str
    organisation_name: str
    system_id: int | None
    capacity: int
    active: int
    formats: frozenset[str]

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.active, 0)


@dataclass(frozen=True)
class ScorePart:
    term: str
    points: float
    max_points: int
    reason: str | None


@dataclass
class Suggestion:
    candidate: Candidate
    parts: list[ScorePart] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(part.points for part in self.parts), 1)

    @property
    def reasons(self) -> list[str]:
        return [part.reason for part in self.parts if part.reason]

    @property
    def user_id(self) -> int:
        return self.candidate.user_id


# ------------------------------------------------------------------ who is eligible


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
    active = _active_counts()
    rows = db.session.execute(
        sa.select(
            User.id,
            User.name,
            User.username,
            User.job_title,
            sa.func.coalesce(Organisation.name, ""),
            Organisation.system_id,
            MentorOffer.capacity,
            sa.func.coalesce(active.c.n, 0),
            MentorOffer.offers_video,
            MentorOffer.offers_phone,
            MentorOffer.offers_in_person,
        )  # fmt: skip
        .select_from(MentorOffer)
        .join(User, User.id == MentorOffer.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(active, active.c.mentor_id == MentorOffer.user_id)
        .where(*_eligibility(needs, active))
    )
    candidates = []
    for row in rows:
        formats = {
            fmt
            for fmt, on in zip(
                (MeetingFormat.VIDEO, MeetingFormat.PHONE, MeetingFormat.IN_PERSON),
                row[8:11],
                strict=True,
            )
            if on
        }
        candidates.append(
            Candidate(
                user_id=row[0],
                name=row[1],
                username=row[2],
                job_title=row[3],
                organisation_name=row[4],
                system_id=row[5],
                capacity=row[6],
                active=row[7],
                formats=frozenset(formats),
            )  # fmt: skip
        )
    return candidates


# ------------------------------------------------------------------ the terms


class Term(Protocol):
    key: str
    max_points: int

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, Any]:
        """Evidence for every candidate, keyed by user id, in at most one statement."""

    def score(self, needs: Needs, candidate: Candidate, evidence: Any) -> ScorePart: ...


def words(items: list[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def quoted(names: list[str]) -> str:
    """Area names in quotes, since some contain "and": “Lean” and “People and culture”."""
    return words([f"“{name}”" for name in names])


def plural(count: int, noun: str, many: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def number(value: float) -> str:
    """4.50 → '4.5', 4.0 → '4'."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass
class AreaEvidence:
    offered_components: set[int] = field(default_factory=set)
    offered_approaches: set[int] = field(default_factory=set)
    declared_approaches: set[int] = field(default_factory=set)


class AreaFit:
    key, max_points = "area", 40

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, AreaEvidence]:
        parts = []
        if needs.components:
            parts.append(
                sa.select(MentorOffer.user_id, sa.literal("c"), MentorOfferComponent.component)
                .join(MentorOfferComponent, MentorOfferComponent.offer_id == MentorOffer.id)
                .where(
                    MentorOfferComponent.component.in_(needs.components),
                    MentorOffer.user_id.in_(candidate_ids),
                )
            )
        if needs.approaches:
            parts.append(
                sa.select(MentorOffer.user_id, sa.literal("o"), mentor_offer_approaches.c.tag_id)
                .join(mentor_offer_approaches, mentor_offer_approaches.c.offer_id == MentorOffer.id)
                .where(
                    mentor_offer_approaches.c.tag_id.in_(needs.approaches),
                    MentorOffer.user_id.in_(candidate_ids),
                )
            )
            parts.append(
                sa.select(member_expertise.c.user_id, sa.literal("d"), member_expertise.c.tag_id)
                .where(
                    member_expertise.c.tag_id.in_(needs.approaches),
                    member_expertise.c.user_id.in_(candidate_ids),
                )
            )  # fmt: skip
        evidence: dict[int, AreaEvidence] = defaultdict(AreaEvidence)
        if not parts:
            return evidence
        for user_id, kind, value in db.session.execute(sa.union_all(*parts)):
            target = {"c": "offered_components", "o": "offered_approaches"}.get(
                kind, "declared_approaches"
            )
            getattr(evidence[user_id], target).add(value)
        return evidence

    def score(self, needs: Needs, candidate: Candidate, evidence: AreaEvidence | None):
        evidence = evidence or AreaEvidence()
        declared_only = evidence.declared_approaches - evidence.offered_approaches
        covered = (
            len(evidence.offered_components)
            + len(evidence.offered_approaches)
            + 0.5 * len(declared_only)
        )
        points = self.max_points * covered / needs.area_count if needs.area_count else 0
        names = needs.approach_names
        offered = [ImpactComponent(c).short for c in sorted(evidence.offered_components)]
        offered += sorted(names[t] for t in evidence.offered_approaches)
        phrases = []
        if offered:
            phrases.append(f"offers mentoring in {quoted(offered)}")
        if declared_only:
            declared = sorted(names[t] for t in declared_only)
            phrases.append(f"lists {quoted(declared)} in their expertise")
        return ScorePart(self.key, points, self.max_points, "; ".join(phrases) or None)


@dataclass
class DiscussionRecord:
    helpful: int = 0
    key_learnings: int = 0


def _open_community_threads() -> sa.Select:
    return (
        sa.select(Thread.id)
        .join(Community, Community.id == Thread.community_id)
        .where(Community.status == CommunityStatus.ACTIVE, Community.visibility == Visibility.OPEN)
    )


class DiscussionEvidence:
    key, max_points = "discussions", 20
    HELPFUL_CAP, KEY_LEARNING_CAP = 20, 5

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, DiscussionRecord]:
        shown = sa.and_(
            Post.author_id.in_(candidate_ids),
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Post.thread_id.in_(_open_community_threads()),
        )
        helpful = (
            sa.select(Post.author_id, sa.literal("h"), sa.func.sum(Post.helpful_count))
            .where(shown, Post.helpful_count > 0)
            .group_by(Post.author_id)
        )
        key_learnings = (
            sa.select(Post.author_id, sa.literal("k"), sa.func.count(Thread.id))
            .join(Thread, Thread.key_post_id == Post.id)
            .where(shown)
            .group_by(Post.author_id)
        )
        evidence: dict[int, DiscussionRecord] = defaultdict(DiscussionRecord)
        for user_id, kind, value in db.session.execute(sa.union_all(helpful, key_learnings)):
            if kind == "h":
                evidence[user_id].helpful = int(value or 0)
            else:
                evidence[user_id].key_learnings = int(value or 0)
        return evidence

    def score(self, needs: Needs, candidate: Candidate, evidence: DiscussionRecord | None):
        evidence = evidence or DiscussionRecord()
        points = 0.5 * min(evidence.helpful, self.HELPFUL_CAP) + 2 * min(
            evidence.key_learnings, self.KEY_LEARNING_CAP
        )
        phrases = []
        if evidence.helpful:
            phrases.append(f"posts marked helpful {plural(evidence.helpful, 'time')}")
        if evidence.key_learnings:
            phrases.append(f"wrote {plural(evidence.key_learnings, 'key learning')}")
        reason = words(phrases) + " in open communities" if phrases else None
        return ScorePart(self.key, points, self.max_points, reason)


@dataclass
class TrackRecord:
    organisations: int = 0
    ratings: int = 0
    average_rating: float | None = None


class TrackRecordTerm:
    key, max_points = "track_record", 20
    ORGANISATION_CAP = 4

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, TrackRecord]:
        rows = db.session.execute(
            sa.select(
                Mentorship.mentor_id,
                sa.func.count(sa.distinct(Mentorship.organisation_id)),
                sa.func.count(MentorshipFeedback.id),
                sa.func.avg(MentorshipFeedback.rating),
            )
            .outerjoin(
                MentorshipFeedback,
                sa.and_(
                    MentorshipFeedback.mentorship_id == Mentorship.id,
                    MentorshipFeedback.side == FeedbackSide.ORGANISATION,
                ),
            )
            .where(
                Mentorship.mentor_id.in_(candidate_ids),
                Mentorship.status == MentorshipStatus.CLOSED,
                Mentorship.outcome.in_(COMPLETED_OUTCOMES),
            )
            .group_by(Mentorship.mentor_id)
        )
        return {
            user_id: TrackRecord(
                organisations=orgs,
                ratings=ratings,
                average_rating=float(average) if ratings else None,
            )  # fmt: skip
            for user_id, orgs, ratings, average in rows
        }

    def score(self, needs: Needs, candidate: Candidate, evidence: TrackRecord | None):
        if evidence is None or evidence.organisations == 0:
            return ScorePart(self.key, 0, self.max_points, "has not completed a mentorship yet")
        points = 2 * min(evidence.organisations, self.ORGANISATION_CAP)
        mentored = f"mentored {plural(evidence.organisations, 'organisation')}"
        if evidence.average_rating is None:
            return ScorePart(self.key, points, self.max_points, f"{mentored}, not yet rated")
        points += 12 * (evidence.average_rating - 1) / 4
        reason = f"{mentored}, rated {number(evidence.average_rating)}/5"
        return ScorePart(self.key, points, self.max_points, reason)


class Proximity:
    key, max_points = "proximity", 10
    TRAVEL_POINTS = 6

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, bool]:
        travellers = db.session.scalars(
            sa.select(MentorOffer.user_id)
            .join(mentor_offer_systems, mentor_offer_systems.c.offer_id == MentorOffer.id)
            .where(
                mentor_offer_systems.c.system_id == needs.system_id,
                MentorOffer.user_id.in_(candidate_ids),
            )
        )
        return dict.fromkeys(travellers, True)

    def score(self, needs: Needs, candidate: Candidate, travels: bool | None):
        if candidate.system_id == needs.system_id:
            return ScorePart(self.key, self.max_points, self.max_points, "in your system")
        if travels:
            return ScorePart(
                self.key, self.TRAVEL_POINTS, self.max_points, "can travel to your system"
            )
        return ScorePart(self.key, 0, self.max_points, None)


def can_meet_in_person(needs: Needs, candidate: Candidate, travels: bool) -> bool:
    return MeetingFormat.IN_PERSON in candidate.formats and (
        candidate.system_id == needs.system_id or travels
    )


class FormatFit:
    key, max_points = "format", 5

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, Any]:
        return {}  # the candidates statement already read the formats

    def score(self, needs: Needs, candidate: Candidate, travels: bool | None):
        wanted = needs.preferred_format
        if wanted == ANY_FORMAT:
            return ScorePart(self.key, self.max_points, self.max_points, None)
        if wanted == MeetingFormat.IN_PERSON:
            if can_meet_in_person(needs, candidate, bool(travels)):
                return ScorePart(self.key, 5, 5, "can meet in person")
            if MeetingFormat.IN_PERSON in candidate.formats:
                return ScorePart(self.key, 0, 5, "meets in person, but not in your system")
            return ScorePart(self.key, 0, 5, "does not meet in person")
        calls = "video calls" if wanted == MeetingFormat.VIDEO else "phone calls"
        if wanted in candidate.formats:
            return ScorePart(self.key, 5, 5, f"offers {calls}")
        return ScorePart(self.key, 0, 5, f"does not offer {calls}")


class SpareCapacity:
    key, max_points = "capacity", 5

    def gather(self, needs: Needs, candidate_ids: sa.Select) -> dict[int, Any]:
        return {}

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        free = candidate.free_places
        points = self.max_points * free / candidate.capacity
        places = "place" if candidate.capacity == 1 else "places"
        return ScorePart(
            self.key, points, self.max_points, f"{free} of {candidate.capacity} {places} free"
        )


# Proximity's evidence (does the mentor travel to the system?) also feeds FormatFit.
AREA, DISCUSSIONS, TRACK, PROXIMITY, FORMAT, CAPACITY = (
    AreaFit(), DiscussionEvidence(), TrackRecordTerm(), Proximity(), FormatFit(), SpareCapacity(),
)  # fmt: skip
TERMS: tuple = (AREA, DISCUSSIONS, TRACK, PROXIMITY, FORMAT, CAPACITY)
MAX_SCORE = sum(term.max_points for term in TERMS)
_EVIDENCE_FROM = {FORMAT.key: PROXIMITY.key}


def suggest(request: MentoringRequest) -> list[Suggestion]:
    """Every eligible mentor for `request`, best first, with the reasons for each.

    A fixed number of statements whatever the number of mentors: one for the
    candidates and at most one per term.
    """
    needs = Needs.of(request)
    candidates = _candidates(needs)
    if not candidates:
        return []
    candidate_ids = eligible_mentor_ids(needs)
    gathered = {term.key: term.gather(needs, candidate_ids) for term in TERMS}
    suggestions = []
    for candidate in candidates:
        suggestion = Suggestion(candidate)
        for term in TERMS:
            source = gathered[_EVIDENCE_FROM.get(term.key, term.key)]
            suggestion.parts.append(term.score(needs, candidate, source.get(candidate.user_id)))
        suggestions.append(suggestion)
    suggestions.sort(key=lambda s: (-s.score, s.candidate.name.casefold(), s.user_id))
    return suggestions
