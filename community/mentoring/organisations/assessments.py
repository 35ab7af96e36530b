"""Capability self-assessments: an organisation scores itself on the five IMPACT components.

Assessments are dated and kept, never edited: a new one is a new row, so an
organisation's history shows how its capability has changed. A component is a
gap when it has the organisation's lowest score, or scores 2 ("Early steps")
or below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.communities.services import require_confirmed
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.directory.models import Organisation, System
from community.mentoring.models import CapabilityAssessment, CapabilityScore
from community.mentoring.vocabulary import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    SCORE_LABELS,
    ImpactComponent,
)

GAP_SCORE = 2
MAX_EVIDENCE = 2000


def can_assess(user, organisation: Organisation) -> bool:
    return bool(getattr(user, "organisation_id", None) == organisation.id)


def record_assessment(
    user: User,
    organisation: Organisation,
    scores: Mapping[int, int | None],
    evidence: Mapping[int, str],
) -> CapabilityAssessment:
    require_confirmed(user, "complete a self-assessment")
    if not can_assess(user, organisation):
        raise RuleViolation(f"Only members of {organisation.name} can assess its capability")
    rows = []
    problems = Problems()  # every component's problem at once, not the first
    for component in ImpactComponent:
        score = scores.get(component)
        note = (evidence.get(component) or "").strip()
        if score is None or not LOWEST_SCORE <= int(score) <= HIGHEST_SCORE:
            problems.add(
                f"Choose a score from 1 to 5 for {component.label.lower()}",
                f"score_{component.value}",
            )
        elif len(note) <= MAX_EVIDENCE:
            rows.append(CapabilityScore(component=component.value, score=int(score), evidence=note))
        if len(note) > MAX_EVIDENCE:
            problems.add(
                f"Evidence must be {MAX_EVIDENCE:,} characters or fewer",
                f"evidence_{component.value}",
            )
    problems.raise_any()
    assessment = CapabilityAssessment(
        organisation_id=organisation.id, assessed_by_id=user.id, scores=rows
    )
    db.session.add(assessment)
    db.session.flush()
    summary = ", ".join(f"{row.component}:{row.score}" for row in rows)
    record("mentoring.capability_assessed", user, assessment, f"{organisation.name} {summary}")
    db.session.commit()
    return assessment


@dataclass(frozen=True)
class ComponentRow:
    component: ImpactComponent
    score: int
    previous: int | None
    evidence: str
    is_gap: bool

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.score - self.previous

    @property
    def score_label(self) -> str:
        return SCORE_LABELS[self.score]

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "First assessment"
        if self.change == 0:
            return "No change"
        return f"{'Up' if self.change > 0 else 'Down'} {abs(self.change)}"


@dataclass(frozen=True)
class CapabilitySummary:
    latest: CapabilityAssessment | None
    previous: CapabilityAssessment | None
    rows: list[ComponentRow]

    @property
    def gaps(self) -> list[ComponentRow]:
        """Gaps, biggest first (lowest score, then IMPACT order)."""
        return sorted((r for r in self.rows if r.is_gap), key=lambda r: (r.score, r.component))

    @property
    def lowest(self) -> ComponentRow | None:
        gaps = self.gaps
        return gaps[0] if gaps else None


def summarise(latest: CapabilityAssessment | None, previous: CapabilityAssessment | None):
    if latest is None:
        return CapabilitySummary(None, None, [])
    lowest = min(s.score for s in latest.scores)
    rows = []
    for score in latest.scores:
        before = previous.score_for(score.component) if previous is not None else None
        rows.append(
            ComponentRow(
                component=ImpactComponent(score.component),
                score=score.score,
                previous=before.score if before is not None else None,
                evidence=score.evidence,
                is_gap=score.score == lowest or score.score <= GAP_SCORE,
            )
        )
    return CapabilitySummary(latest, previous, rows)


def capability_summary(organisation: Organisation) -> CapabilitySummary:
    """The latest assessment, the change since the one before, and the gaps."""
    latest_two = list(
        db.session.scalars(
            sa.select(CapabilityAssessment)
            .where(CapabilityAssessment.organisation_id == organisation.id)
            .order_by(CapabilityAssessment.created_at.desc(), CapabilityAssessment.id.desc())
            .limit(2)
        )
    )
    latest = latest_two[0] if latest_two else None
    previous = latest_two[1] if len(latest_two) > 1 else None
    return summarise(latest, previous)


def get_assessment_or_404(organisation: Organisation, assessment_id: int) -> CapabilityAssessment:
    from flask import abort

    assessment = db.session.get(CapabilityAssessment, assessment_id)
    if assessment is None or assessment.organisation_id != organisation.id:
        abort(404)
    return assessment


def previous_of(assessment: CapabilityAssessment) -> CapabilityAssessment | None:
    return db.session.scalar(
        sa.select(CapabilityAssessment)
        .where(
            CapabilityAssessment.organisation_id == assessment.organisation_id,
            sa.or_(
                CapabilityAssessment.created_at < assessment.created_at,
                sa.and_(
                    CapabilityAssessment.created_at == assessment.created_at,
                    CapabilityAssessment.id < assessment.id,
                ),
            ),
        )
        .order_by(CapabilityAssessment.created_at.desc(), CapabilityAssessment.id.desc())
        .limit(1)
    )


def assessments_page(organisation: Organisation, page: int, per_page: int):
    query = (
        sa.select(CapabilityAssessment)
        .where(CapabilityAssessment.organisation_id == organisation.id)
        .order_by(CapabilityAssessment.created_at.desc(), CapabilityAssessment.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class SystemComponent:
    component: ImpactComponent
    average: float
    organisations: int


def system_capability(system: System) -> list[SystemComponent]:
    """The average of each component over the latest assessment of each organisation."""
    ranked = (
        sa.select(
            CapabilityAssessment.id,
            sa.func.row_number()
            .over(
                partition_by=CapabilityAssessment.organisation_id,
                order_by=(CapabilityAssessment.created_at.desc(), CapabilityAssessment.id.desc()),
            )
            .label("recency"),
        )
        .join(Organisation, Organisation.id == CapabilityAssessment.organisation_id)
        .where(Organisation.system_id == system.id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            CapabilityScore.component,
            sa.func.avg(CapabilityScore.score),
            sa.func.count(CapabilityScore.assessment_id),
        )
        .join(ranked, ranked.c.id == CapabilityScore.assessment_id)
        .where(ranked.c.recency == 1)
        .group_by(CapabilityScore.component)
        .order_by(CapabilityScore.component)
    )
    return [
        SystemComponent(ImpactComponent(component), float(average), count)
        for component, average, count in rows
    ]
