"""Match-score terms for what a mentor has published and done: methods and projects.

Like every term (see scoring.py), each reads its evidence for all candidates in
one grouped statement. Only what every member can see counts: published
methods and projects that are not in a community, or are in an open one, so a
ranking never reveals private work.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.core.extensions import db
from community.mentoring.matching.comparison import (
    Candidate,
    CandidateColumns,
    Needs,
    ScorePart,
    among,
    plural,
)
from community.mentoring.models import MentorOffer
from community.methods.models import Method, MethodAuthor, MethodImpact, MethodStatus, method_tags
from community.projects.measures.models import Measure
from community.projects.measures.spc import Variation
from community.projects.models import Project, TeamMember
from community.visibility import open_to_every_member

# Up to this many candidates, their methods and projects are looked up by member.
FEW_CANDIDATES = 1000


def _lookup(member_column, thing_column, candidate_ids: list[int]):
    """The member and method-or-project columns as the statement writes them.

    `column + 0` is the same value, but SQLite will not look it up through an
    index, which decides where it starts. With thousands of candidates, SQLite
    would otherwise probe the (method, user) key once per candidate for every
    method, thousands × thousands (35 s at 10 000 mentors): so the member
    column gets `+ 0`, and SQLite reads each method's or project's few authors
    or team members and checks them against the candidate list, which it holds
    as an index. With a few candidates (the pool a page of suggestions scores,
    see matching.rank) it is quicker the other way round, starting from each
    candidate's few rows by the index on the member: the method or project
    column gets `+ 0`.
    """
    if len(candidate_ids) <= FEW_CANDIDATES:
        return member_column, thing_column + 0
    return member_column + 0, thing_column


def _seen_by_everyone(community_id) -> sa.ColumnElement[bool]:
    """Not in a community, or in an active open one (the one rule: community/visibility.py)."""
    return open_to_every_member(community_id)


@dataclass(frozen=True)
class MethodRecord:
    methods: int
    adaptations: int
    uses: int


class MethodsEvidence:
    """Methods the mentor wrote or co-wrote on the requested areas, and their take-up."""

    key, max_points = "methods", 15
    METHOD_POINTS, METHOD_CAP = 3, 3  # up to 9
    ADAPTATION_CAP = 3  # 1 point each, up to 3
    USE_POINTS, USE_CAP = 0.5, 6  # "I've used this", up to 3

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, MethodRecord]:
        about = []
        if needs.approaches:
            tagged = sa.select(method_tags.c.method_id).where(
                method_tags.c.tag_id.in_(needs.approaches)
            )
            about.append(Method.id.in_(tagged))
        if needs.components:
            for_components = sa.select(MethodImpact.method_id).where(
                MethodImpact.component.in_(needs.components)
            )
            about.append(Method.id.in_(for_components))
        if not about:
            return {}
        author, method_id = _lookup(MethodAuthor.user_id, MethodAuthor.method_id, candidate_ids)
        rows = db.session.execute(
            sa.select(
                MethodAuthor.user_id,
                sa.func.count(Method.id),
                sa.func.sum(Method.adaptation_count),
                sa.func.sum(Method.use_count),
            )
            .join(Method, Method.id == method_id)
            .where(
                among(author, candidate_ids),
                Method.status == MethodStatus.PUBLISHED,
                _seen_by_everyone(Method.community_id),
                sa.or_(*about),
            )
            .group_by(MethodAuthor.user_id)
        )
        return {
            user_id: MethodRecord(int(methods), int(adaptations or 0), int(uses or 0))
            for user_id, methods, adaptations, uses in rows
        }

    def score(self, needs: Needs, candidate: Candidate, record: MethodRecord | None):
        if record is None:
            return ScorePart(self.key, 0, self.max_points, None)
        points = (
            self.METHOD_POINTS * min(record.methods, self.METHOD_CAP)
            + min(record.adaptations, self.ADAPTATION_CAP)
            + self.USE_POINTS * min(record.uses, self.USE_CAP)
        )
        phrases = [f"published {plural(record.methods, 'method')} on what you asked for"]
        if record.adaptations:
            phrases.append(f"{plural(record.adaptations, 'adaptation')} of them in use")
        if record.uses:
            phrases.append(f"used by {plural(record.uses, 'member')}")
        return ScorePart(self.key, points, self.max_points, "; ".join(phrases))

    def bound(self, needs: Needs, row: CandidateColumns):
        """Full marks, unless they wrote no method at all."""
        return sa.case((row.wrote_methods, float(self.max_points)), else_=0.0)

    @staticmethod
    def wrote_any() -> sa.ColumnElement[bool]:
        """For the candidates statement: is the mentor an author of any method?"""
        return sa.exists().where(MethodAuthor.user_id == MentorOffer.user_id)


class ProjectsEvidence:
    """Projects the mentor is on whose measures show improvement (an SPC signal)."""

    key, max_points = "projects", 5
    PROJECT_POINTS, PROJECT_CAP = 2.5, 2

    def gather(self, needs: Needs, candidate_ids: list[int]) -> dict[int, int]:
        improving = sa.select(Measure.project_id).where(Measure.variation == Variation.IMPROVEMENT)
        member, project_id = _lookup(TeamMember.user_id, TeamMember.project_id, candidate_ids)
        rows = db.session.execute(
            sa.select(TeamMember.user_id, sa.func.count(sa.distinct(Project.id)))
            .join(Project, Project.id == project_id)
            .where(
                among(member, candidate_ids),
                _seen_by_everyone(Project.community_id),
                Project.deleted_at.is_(None),  # a deleted project is evidence of nothing
                Project.id.in_(improving),
            )
            .group_by(TeamMember.user_id)
        )
        return dict(rows.all())

    def score(self, needs: Needs, candidate: Candidate, projects: int | None):
        if not projects:
            return ScorePart(self.key, 0, self.max_points, None)
        points = self.PROJECT_POINTS * min(projects, self.PROJECT_CAP)
        reason = f"on the team of {plural(projects, 'project')} whose measures show improvement"
        return ScorePart(self.key, points, self.max_points, reason)

    def bound(self, needs: Needs, row: CandidateColumns):
        """Full marks, unless they are on no project team at all."""
        return sa.case((row.on_projects, float(self.max_points)), else_=0.0)

    @staticmethod
    def on_any() -> sa.ColumnElement[bool]:
        """For the candidates statement: is the mentor on any project team?"""
        return sa.exists().where(TeamMember.user_id == MentorOffer.user_id)


METHODS, PROJECTS = MethodsEvidence(), ProjectsEvidence()
