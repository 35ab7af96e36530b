"""The terms of a mentor's match score, each with its points and its reason in words.

matching.py explains the scoring as a whole, decides who is eligible and lists
the terms in order (TERMS); this module holds one class per term, and
work_terms.py the terms for what mentors have published and done (comparison.py
holds what they compare: needs, candidates and score parts). A term
reads its evidence for every candidate in at most one grouped statement
(`gather`) and then scores each candidate in Python (`score`), so the number
of statements never depends on the number of mentors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from community.accounts.models import member_expertise
from community.caching import store
from community.core.extensions import db
from community.mentoring.matching.comparison import (
    Candidate,
    CandidateColumns,
    Needs,
    ScorePart,
    TrackRecord,
    among,
    capped,
    number,
    plural,
    quoted,
    words,
)
from community.mentoring.models import (
    MentorOffer,
    MentorOfferComponent,
    Mentorship,
    MentorshipFeedback,
    mentor_offer_approaches,
)
from community.mentoring.vocabulary import (
    ANY_FORMAT,
    COMPLETED_OUTCOMES,
    FeedbackSide,
    ImpactComponent,
    MeetingFormat,
    MentorshipStatus,
)

# ------------------------------------------------------------------ the terms


@dataclass
class AreaEvidence:
    offered_components: set[int] = field(default_factory=set)
    offered_approaches: set[int] = field(default_factory=set)
    declared_approaches: set[int] = field(default_factory=set)


class AreaFit:
    key, max_points = "area", 35

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, AreaEvidence]:
        parts = []
        if needs.components:
            parts.append(
                sa.select(MentorOffer.user_id, sa.literal("c"), MentorOfferComponent.component)
                .join(MentorOfferComponent, MentorOfferComponent.offer_id == MentorOffer.id)
                .where(
                    MentorOfferComponent.component.in_(needs.components),
                    among(MentorOffer.user_id, candidate_ids),
                )
            )
        if needs.approaches:
            parts.append(
                sa.select(MentorOffer.user_id, sa.literal("o"), mentor_offer_approaches.c.tag_id)
                .join(mentor_offer_approaches, mentor_offer_approaches.c.offer_id == MentorOffer.id)
                .where(
                    mentor_offer_approaches.c.tag_id.in_(needs.approaches),
                    among(MentorOffer.user_id, candidate_ids),
                )
            )
            parts.append(
                sa.select(member_expertise.c.user_id, sa.literal("d"), member_expertise.c.tag_id)
                .where(
                    member_expertise.c.tag_id.in_(needs.approaches),
                    among(member_expertise.c.user_id, candidate_ids),
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
        offered = len(evidence.offered_components) + len(evidence.offered_approaches)
        points = self.points(needs, offered, len(declared_only))
        names = needs.approach_names
        reason = _area_reason(
            tuple(sorted(evidence.offered_components)),
            tuple(sorted(names[t] for t in evidence.offered_approaches)),
            tuple(sorted(names[t] for t in declared_only)),
        )
        return ScorePart(self.key, points, self.max_points, reason)

    def points(self, needs: Needs, offered: int, declared_only: int) -> float:
        covered = offered + 0.5 * declared_only
        return self.max_points * covered / needs.area_count if needs.area_count else 0

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact: the candidates statement counts the covered areas."""
        if not needs.area_count:
            return sa.literal(0.0)
        covered = row.offered_areas + 0.5 * row.declared_areas
        return covered * (float(self.max_points) / needs.area_count)


def _area_reason(components: tuple, offered: tuple, declared: tuple) -> str | None:
    """Many mentors share the same areas, so each wording is written once."""
    cache = store("mentor_reasons")
    key = (components, offered, declared)
    found = cache.get(key)
    if found is None:
        found = (_area_words(components, offered, declared),)  # (None is a wording too)
        cache.put(key, found)
    return found[0]


def _area_words(components: tuple, offered: tuple, declared: tuple) -> str | None:
    phrases = []
    areas = [ImpactComponent(c).short for c in components] + list(offered)
    if areas:
        phrases.append(f"offers mentoring in {quoted(areas)}")
    if declared:
        phrases.append(f"lists {quoted(list(declared))} in their expertise")
    return "; ".join(phrases) or None


class DiscussionEvidence:
    """Helpful marks and key learnings, counted ahead of time (see evidence.py)."""

    key, max_points = "discussions", 10
    HELPFUL_CAP, KEY_LEARNING_CAP = 10, 5

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        return {}  # the candidates statement reads the counted evidence

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        helpful, learnings = candidate.helpful_marks, candidate.key_learnings
        points = 0.5 * min(helpful, self.HELPFUL_CAP) + min(learnings, self.KEY_LEARNING_CAP)
        phrases = []
        if helpful:
            phrases.append(f"posts marked helpful {plural(helpful, 'time')}")
        if learnings:
            phrases.append(f"wrote {plural(learnings, 'key learning')}")
        reason = words(phrases) + " in open communities" if phrases else None
        return ScorePart(self.key, points, self.max_points, reason)

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact."""
        return 0.5 * capped(row.helpful_marks, self.HELPFUL_CAP) + capped(
            row.key_learnings, self.KEY_LEARNING_CAP
        )


class TrackRecordTerm:
    key, max_points = "track_record", 20
    ORGANISATION_CAP = 4

    @staticmethod
    def records() -> sa.Subquery:
        """Every mentor's track record, one row each, joined by the candidates statement.

        A few thousand closed mentorships at most, so it is read whole rather
        than per candidate.
        """
        return (
            sa.select(
                Mentorship.mentor_id.label("mentor_id"),
                sa.func.count(sa.distinct(Mentorship.organisation_id)).label("organisations"),
                sa.func.count(MentorshipFeedback.id).label("ratings"),
                sa.func.avg(MentorshipFeedback.rating).label("average_rating"),
            )
            .outerjoin(
                MentorshipFeedback,
                sa.and_(
                    MentorshipFeedback.mentorship_id == Mentorship.id,
                    MentorshipFeedback.side == FeedbackSide.ORGANISATION,
                ),
            )
            .where(
                Mentorship.status == MentorshipStatus.CLOSED,
                Mentorship.outcome.in_(COMPLETED_OUTCOMES),
            )
            .group_by(Mentorship.mentor_id)
            .subquery("track_records")
        )

    @staticmethod
    def record_of(organisations, ratings, average) -> TrackRecord | None:
        if not organisations:
            return None
        return TrackRecord(
            organisations=organisations,
            ratings=ratings,
            average_rating=float(average) if ratings else None,
        )

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        return {}  # the candidates statement reads the track records

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        record = candidate.track
        if record is None:
            return ScorePart(self.key, 0, self.max_points, "has not completed a mentorship yet")
        points = 2 * min(record.organisations, self.ORGANISATION_CAP)
        mentored = f"mentored {plural(record.organisations, 'organisation')}"
        if record.average_rating is None:
            return ScorePart(self.key, points, self.max_points, f"{mentored}, not yet rated")
        points += 12 * (record.average_rating - 1) / 4
        reason = f"{mentored}, rated {number(record.average_rating)}/5"
        return ScorePart(self.key, points, self.max_points, reason)

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact."""
        organisations = sa.func.coalesce(row.track_organisations, 0)
        rated = sa.case((row.track_ratings > 0, 12.0 * (row.track_average - 1.0) / 4.0), else_=0.0)
        return 2.0 * capped(organisations, self.ORGANISATION_CAP) + rated


class Proximity:
    key, max_points = "proximity", 10
    TRAVEL_POINTS = 6

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        return {}  # the candidates statement reads whether they travel

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        if candidate.system_id == needs.system_id:
            return ScorePart(self.key, self.max_points, self.max_points, "in your system")
        if candidate.travels:
            return ScorePart(
                self.key, self.TRAVEL_POINTS, self.max_points, "can travel to your system"
            )
        return ScorePart(self.key, 0, self.max_points, None)

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact."""
        return sa.case(
            (row.system_id == needs.system_id, float(self.max_points)),
            (row.travels, float(self.TRAVEL_POINTS)),
            else_=0.0,
        )


def can_meet_in_person(needs: Needs, candidate: Candidate) -> bool:
    return MeetingFormat.IN_PERSON in candidate.formats and (
        candidate.system_id == needs.system_id or candidate.travels
    )


class FormatFit:
    key, max_points = "format", 3

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        return {}  # the candidates statement reads the formats and whether they travel

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        wanted = needs.preferred_format
        if wanted == ANY_FORMAT:
            return ScorePart(self.key, self.max_points, self.max_points, None)
        if wanted == MeetingFormat.IN_PERSON:
            if can_meet_in_person(needs, candidate):
                return ScorePart(self.key, self.max_points, self.max_points, "can meet in person")
            if MeetingFormat.IN_PERSON in candidate.formats:
                return self.missed("meets in person, but not in your system")
            return self.missed("does not meet in person")
        calls = "video calls" if wanted == MeetingFormat.VIDEO else "phone calls"
        if wanted in candidate.formats:
            return ScorePart(self.key, self.max_points, self.max_points, f"offers {calls}")
        return self.missed(f"does not offer {calls}")

    def missed(self, reason: str) -> ScorePart:
        return ScorePart(self.key, 0, self.max_points, reason)

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact."""
        wanted = needs.preferred_format
        if wanted == ANY_FORMAT:
            return sa.literal(float(self.max_points))
        if wanted == MeetingFormat.IN_PERSON:
            met = sa.and_(
                row.offers_in_person, sa.or_(row.system_id == needs.system_id, row.travels)
            )
        else:
            met = row.offers_video if wanted == MeetingFormat.VIDEO else row.offers_phone
        return sa.case((met, float(self.max_points)), else_=0.0)


class SpareCapacity:
    key, max_points = "capacity", 2

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        return {}

    def score(self, needs: Needs, candidate: Candidate, evidence: Any):
        free = candidate.free_places
        points = self.max_points * free / candidate.capacity
        places = "place" if candidate.capacity == 1 else "places"
        return ScorePart(
            self.key, points, self.max_points, f"{free} of {candidate.capacity} {places} free"
        )

    def bound(self, needs: Needs, row: CandidateColumns):
        """Exact (eligible mentors have a free place, so never below 0)."""
        return float(self.max_points) * (row.capacity - row.active) / row.capacity


AREA, DISCUSSIONS, TRACK, PROXIMITY, FORMAT, CAPACITY = (
    AreaFit(), DiscussionEvidence(), TrackRecordTerm(), Proximity(), FormatFit(), SpareCapacity(),
)  # fmt: skip
