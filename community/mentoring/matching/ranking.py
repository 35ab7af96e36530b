"""Suggesting mentors for a mentoring request: who, in what order, and why.

Who can be suggested
--------------------
A mentor is suggested for a request only if their offer is not paused, they
have a free place (active mentorships < capacity), they are not the requester
and not in the requesting organisation, they have not already been asked for
this request, and they match at least one requested area (an IMPACT component
or approach they offer, or an approach in their declared expertise): the rule
is written once, in eligibility.py.

How they are ranked (a score out of 100)
----------------------------------------
The score is the sum of independent terms (one class each). Each
term gathers its evidence for every candidate in at most ONE grouped SQL
statement (never one query per mentor), then scores each candidate in Python
and explains the points in words.

=================  ====  ==================================================================
term               max   points
=================  ====  ==================================================================
area fit            35   35 × (requested areas covered ÷ requested areas). An area the
                         mentor offers covers 1; a requested approach that is only in their
                         declared expertise covers ½.
methods             15   3 per published method they (co-)wrote on a requested approach or
                         component (up to 3 = 9) + 1 per adaptation of those methods (up to
                         3) + ½ per "I've used this" (up to 6 = 3).
discussions         10   ½ per "helpful" mark on their posts (up to 10 marks = 5) + 1 per
                         key learning they wrote (up to 5). Counted ahead of time
                         (evidence.py), so a ranking's cost does not grow with the posts.
projects             5   2.5 per project they are on whose measures show an improvement
                         signal on their SPC chart (up to 2).
track record        20   2 per organisation they mentored to an outcome (not withdrawn; up
                         to 4 = 8) + 12 × (average rating − 1) ÷ 4 from those organisations'
                         feedback (unrated: 0).
proximity           10   10 if their organisation is in the requester's system; 6 if they
                         can travel to it; else 0.
format               3   3 if they offer the preferred format (in person also needs them to
                         be in or travel to the system) or there is no preference; else 0.
spare capacity       2   2 × free places ÷ capacity.
=================  ====  ==================================================================

Only what every member can see counts as evidence: posts, methods and projects
in open communities or in none. A ranking never reveals private work.

Ties are broken by name, then by member id, so the order is deterministic.

A page of suggestions (`rank`) needs only the best few of thousands of
mentors: each term also bounds its points in SQL, so the candidates
statement returns mentors best bound first and only a pool of them is scored
in full. This is exact, not an approximation (see `rank`). A request's page keeps its
ranking a while and re-checks only who may still be suggested (suggested.py).

Adding evidence
---------------
Each term is a class with `key`, `max_points`, `gather(needs, candidate_ids)`
(at most one grouped statement, keyed by mentor id), `score(needs,
candidate, evidence)` and `bound(needs, row)` (SQL, never below the points:
its maximum if nothing cheaper is known), in scoring.py or work_terms.py.
tests/mentoring/test_mentoring_matching.py checks every bound against the score. Add
it to TERMS below, rebalance the maxima to keep 100, and update the table in
docs/mentoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation
from community.mentoring.matching.comparison import (
    Candidate,
    CandidateColumns,
    Needs,
    Suggestion,
    Term,
)
from community.mentoring.matching.eligibility import active_counts, area_matches, conditions
from community.mentoring.matching.evidence import MentorEvidence
from community.mentoring.matching.scoring import (
    AREA,
    CAPACITY,
    DISCUSSIONS,
    FORMAT,
    PROXIMITY,
    TRACK,
)
from community.mentoring.matching.work_terms import METHODS, PROJECTS
from community.mentoring.models import (
    MentoringRequest,
    MentorOffer,
    mentor_offer_systems,
)
from community.mentoring.vocabulary import MeetingFormat

__all__ = ["MAX_SCORE", "Needs", "Ranking", "Suggestion", "rank", "suggest"]

# In the order their reasons are read.
TERMS: tuple[Term, ...] = (AREA, METHODS, DISCUSSIONS, PROJECTS, TRACK, PROXIMITY, FORMAT, CAPACITY)
MAX_SCORE = sum(term.max_points for term in TERMS)
# How many candidates are scored in full at first for a page of suggestions (see `rank`).
POOL = 200
# A score is rounded to 2 places, so a bound this far below a score cannot reach it.
ROUNDING = 0.01

FORMAT_COLUMNS = (
    (MeetingFormat.VIDEO, MentorOffer.offers_video),
    (MeetingFormat.PHONE, MentorOffer.offers_phone),
    (MeetingFormat.IN_PERSON, MentorOffer.offers_in_person),
)


def _candidates_statement(needs: Needs) -> sa.Select:
    """Every eligible mentor with what the ranking needs to know of them, best bound first.

    Besides who they are, it reads what bounds their score (see `rank`) and
    the bound itself, the sum of the terms' bounds, with the number of
    candidates in every row.
    """
    active = active_counts()
    areas = area_matches(needs)
    track = TRACK.records()
    travel = mentor_offer_systems.alias("travel")
    row = CandidateColumns(
        system_id=Organisation.system_id,
        capacity=MentorOffer.capacity,
        active=sa.func.coalesce(active.c.n, 0),
        helpful_marks=sa.func.coalesce(MentorEvidence.helpful_marks, 0),
        key_learnings=sa.func.coalesce(MentorEvidence.key_learnings, 0),
        offers_video=MentorOffer.offers_video,
        offers_phone=MentorOffer.offers_phone,
        offers_in_person=MentorOffer.offers_in_person,
        offered_areas=areas.c.offered,
        declared_areas=areas.c.declared,
        travels=travel.c.offer_id.is_not(None),
        track_organisations=track.c.organisations,
        track_ratings=track.c.ratings,
        track_average=track.c.average_rating,
        wrote_methods=METHODS.wrote_any(),
        on_projects=PROJECTS.on_any(),
    )
    bound = sum((term.bound(needs, row) for term in TERMS), sa.literal(0.0)).label("bound")
    return (
        sa.select(
            User.id, User.name, User.username, User.job_title,
            sa.func.coalesce(Organisation.name, ""), row.system_id,
            row.capacity, row.active, row.helpful_marks, row.key_learnings,
            *(column for _, column in FORMAT_COLUMNS),
            row.travels, track.c.organisations, track.c.ratings, track.c.average_rating,
            bound, sa.func.count().over().label("total"),
        )
        .select_from(MentorOffer)
        .join(areas, areas.c.offer_id == MentorOffer.id)
        .join(User, User.id == MentorOffer.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(active, active.c.mentor_id == MentorOffer.user_id)
        .outerjoin(MentorEvidence, MentorEvidence.user_id == MentorOffer.user_id)
        .outerjoin(track, track.c.mentor_id == MentorOffer.user_id)
        .outerjoin(
            travel,
            sa.and_(travel.c.offer_id == MentorOffer.id, travel.c.system_id == needs.system_id),
        )
        .where(*conditions(needs, active))
        .order_by(bound.desc(), User.id)
    )  # fmt: skip


class _Candidates:
    """The candidates statement's rows, read a pool at a time, best bound first.

    The statement runs first for the `first` best bounds only (SQLite then
    keeps just those while sorting, which costs less than sorting every
    candidate). If the pool must grow, it runs once more for all the rest,
    which are read on from there a pool at a time.
    """

    def __init__(self, needs: Needs, first: int | None = None):
        self.statement = _candidates_statement(needs)
        self.first = first
        self.result = db.session.execute(
            self.statement if first is None else self.statement.limit(first)
        )
        self.read = 0
        self.seen: set[int] = set()  # a write between the two runs may shift a row over
        self.total = 0  # how many candidates there are (known once a row is read)
        self.lowest_bound = float("inf")  # no candidate still to read has a higher bound
        self.exhausted = False

    def _rows(self, count: int | None) -> list:
        rows = list(self.result.fetchall() if count is None else self.result.fetchmany(count))
        self.read += len(rows)
        if count is None or len(rows) < count:
            self.result.close()
            if self.first is not None and self.read == self.first:
                # The first run stopped at its limit: read on, from a run for the rest.
                self.first = None
                self.result = db.session.execute(self.statement.offset(self.read))
                return rows + self._rows(None if count is None else count - len(rows))
            self.exhausted = True
        return rows

    def take(self, count: int | None = None) -> list[Candidate]:
        """The next `count` candidates (all the rest if None)."""
        rows = self._rows(count)
        candidates = []
        for row in rows:
            self.lowest_bound, self.total = row[17], row[18]
            if row[0] in self.seen:
                continue
            self.seen.add(row[0])
            offered_formats = row[10:13]
            candidates.append(
                Candidate(
                    user_id=row[0], name=row[1], username=row[2], job_title=row[3],
                    organisation_name=row[4], system_id=row[5], capacity=row[6],
                    active=row[7], helpful_marks=row[8], key_learnings=row[9],
                    formats=frozenset(f for (f, _), on in zip(FORMAT_COLUMNS, offered_formats,
                                                              strict=True) if on),
                    travels=bool(row[13]), track=TRACK.record_of(row[14], row[15], row[16]),
                )
            )  # fmt: skip
        return candidates

    def close(self) -> None:
        self.result.close()


def _order(suggestion: Suggestion) -> tuple:
    return (-suggestion.score, suggestion.candidate.name.casefold(), suggestion.user_id)


def _scored(needs: Needs, candidates: list[Candidate]) -> list[Suggestion]:
    """Full scores and reasons: at most one statement per term, whatever the number."""
    if not candidates:
        return []
    candidate_ids = [c.user_id for c in candidates]
    gathered = {term.key: term.gather(needs, candidate_ids) for term in TERMS}
    suggestions = []
    for candidate in candidates:
        parts = tuple(
            term.score(needs, candidate, gathered[term.key].get(candidate.user_id))
            for term in TERMS
        )
        suggestions.append(Suggestion(candidate, parts))
    return suggestions


@dataclass(frozen=True)
class Ranking:
    """How many mentors may be suggested, and the best of them in order, with reasons."""

    total: int
    best: tuple[Suggestion, ...]


def rank(request: MentoringRequest, wanted: int | None = None) -> Ranking:
    """The `wanted` best eligible mentors for `request` (every one if None), best first.

    Exact, not an approximation. Every term bounds its points in SQL from the
    candidates statement alone (`Term.bound`: most exactly; methods and
    projects by their maximum, unless the mentor wrote no method or is on no
    project), so the statement returns the candidates best bound first, and
    only a pool of them (POOL, or `wanted` if more) is scored in full, with
    the costlier evidence and the words. Once `wanted` are scored, a candidate
    outside the pool has a bound no higher than the pool's lowest; if that is
    below the `wanted`-th score (by more than the score's rounding), they
    cannot rank among the `wanted`, not even on a tie broken by name, and the
    ranking stops. Otherwise the next candidates, twice as many, join the pool.
    """
    needs = Needs.of(request)
    if wanted is None:
        candidates = _Candidates(needs)
        everyone = _scored(needs, candidates.take())
        return Ranking(candidates.total, tuple(sorted(everyone, key=_order)))
    size = max(POOL, wanted, 1)
    candidates = _Candidates(needs, first=size)
    if wanted <= 0:
        candidates.take(1)  # for the number of candidates
        candidates.close()
        return Ranking(candidates.total, ())
    scored: list[Suggestion] = []
    while not candidates.exhausted:
        scored.extend(_scored(needs, candidates.take(size)))
        scored.sort(key=_order)
        size *= 2
        if len(scored) >= wanted and (
            candidates.lowest_bound < scored[wanted - 1].score - ROUNDING
        ):
            break
    candidates.close()
    return Ranking(candidates.total, tuple(scored[:wanted]))


def suggest(request: MentoringRequest) -> list[Suggestion]:
    """Every eligible mentor for `request`, best first, with the reasons for each.

    A fixed number of statements whatever the number of mentors: one for the
    candidates and at most one per term.
    """
    return list(rank(request).best)
