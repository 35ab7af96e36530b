"""What the matcher compares: a request's needs, a candidate mentor, the parts of a
score, and the words its reasons are written in. The terms (scoring.py and
work_terms.py) and the ranking (matching.py) are built on these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa

from community.mentoring.models import MentoringRequest

# ------------------------------------------------------------------ what is compared


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


@dataclass(frozen=True)
class TrackRecord:
    organisations: int = 0
    ratings: int = 0
    average_rating: float | None = None


@dataclass(frozen=True)
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
    helpful_marks: int = 0
    key_learnings: int = 0
    travels: bool = False  # to the requester's system
    track: TrackRecord | None = None

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.active, 0)


@dataclass(frozen=True)
class ScorePart:
    term: str
    points: float
    max_points: int
    reason: str | None


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    parts: tuple[ScorePart, ...] = ()

    @property
    def score(self) -> float:
        # Rounded, so that float noise never splits a tie that the name should decide.
        return round(sum(part.points for part in self.parts), 2)

    @property
    def reasons(self) -> list[str]:
        return [part.reason for part in self.parts if part.reason]

    @property
    def user_id(self) -> int:
        return self.candidate.user_id


class Term(Protocol):
    key: str
    max_points: int

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, Any]:
        """Evidence for every candidate, keyed by user id, in at most one statement."""

    def score(self, needs: Needs, candidate: Candidate, evidence: Any) -> ScorePart: ...

    def bound(self, needs: Needs, row: CandidateColumns) -> sa.ColumnElement[float]:
        """At most the points `score` can give, as SQL over the candidates statement's row.

        A page of suggestions scores fully only the candidates whose bounds
        could still reach it (matching.rank), so a bound must never be lower
        than the points; it may be higher (a term whose evidence is costly to
        read bounds by its maximum), which only makes the pool larger. Write
        numbers as floats (`2.0`), so SQLite never divides integers.
        """


@dataclass(frozen=True)
class CandidateColumns:
    """The candidates statement's columns that the terms' bounds are written in."""

    system_id: Any
    capacity: Any
    active: Any
    helpful_marks: Any
    key_learnings: Any
    offers_video: Any
    offers_phone: Any
    offers_in_person: Any
    offered_areas: Any  # requested components and approaches their offer covers
    declared_areas: Any  # requested approaches only in their declared expertise
    travels: Any  # to the requester's system
    track_organisations: Any
    track_ratings: Any
    track_average: Any
    wrote_methods: Any  # any method at all
    on_projects: Any  # any project team at all


def capped(column, cap: int) -> sa.ColumnElement[int]:
    """min(column, cap) in SQL that SQLite and PostgreSQL both read."""
    return sa.case((column > cap, cap), else_=column)


def among(column, candidate_ids: list[int]) -> sa.ColumnElement[bool]:
    """`column IN (…ids…)`, written into the SQL, so there is no limit on bound parameters."""
    return column.in_(
        sa.bindparam("candidate_ids", candidate_ids, expanding=True, literal_execute=True,
                     unique=True)
    )  # fmt: skip


# ------------------------------------------------------------------ words


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
