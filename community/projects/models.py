"""Improvement projects: their team, progress, updates and PDSA cycles.

Measures and their data live in measures.py beside this file.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import User
from community.communities.models import Community
from community.core.extensions import db
from community.core.markdown import render_markdown
from community.core.models_base import created_at_column
from community.directory.models import Organisation
from community.projects.measures.models import DataPoint, Measure, ProcessChange


class ProjectStatus(StrEnum):
    PLANNING = "planning"
    TESTING = "testing"
    IMPLEMENTING = "implementing"
    SUSTAINING = "sustaining"
    COMPLETE = "complete"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self]


STATUS_COLOURS = {
    ProjectStatus.PLANNING: "grey",
    ProjectStatus.TESTING: "purple",
    ProjectStatus.IMPLEMENTING: "blue",
    ProjectStatus.SUSTAINING: "aqua-green",
    ProjectStatus.COMPLETE: "green",
    ProjectStatus.PAUSED: "orange",
}


class ProgrammeType(StrEnum):
    NATIONAL = "national"  # part of a named national programme
    LOCAL = "local"  # a local priority

    @property
    def label(self) -> str:
        return {"national": "National programme", "local": "Local priority"}[self.value]


# The IHI progress scale, set by the team.
PROGRESS_SCALE = {
    0.5: "Intent to participate",
    1.0: "Charter and team established",
    1.5: "Planning for the project has begun",
    2.0: "Activity, but no changes",
    2.5: "Changes tested, but no improvement",
    3.0: "Modest improvement",
    3.5: "Improvement",
    4.0: "Significant improvement",
    4.5: "Sustainable improvement",
    5.0: "Outstanding sustainable results",
}


def progress_label(score: float | None) -> str:
    if score is None:
        return "Not scored yet"
    return f"{score:.1f}: {PROGRESS_SCALE.get(score, '')}"


class Project(db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80))
    aim: Mapped[str] = mapped_column(sa.String(500))
    problem_source: Mapped[str] = mapped_column(sa.Text, default="")
    problem_html: Mapped[str] = mapped_column(sa.Text, default="")
    problem_render_version: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    # Kept equal to the organisation's system, so lists filter by system without a join.
    system_id: Mapped[int] = mapped_column(sa.ForeignKey("systems.id"))
    # A project in a community is seen by exactly those who may see the community.
    community_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("communities.id"))
    programme_type: Mapped[str] = mapped_column(sa.String(10), default=ProgrammeType.LOCAL)
    national_programme: Mapped[str] = mapped_column(sa.String(120), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default=ProjectStatus.PLANNING)
    progress_score: Mapped[Optional[float]] = mapped_column(sa.Double)
    start_date: Mapped[date] = mapped_column(sa.Date)
    # PDSA cycles are numbered 1, 2, 3 … in the project; this hands out the numbers.
    cycle_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    last_activity_at: Mapped[datetime] = created_at_column()
    # Archived: out of the active lists, still readable, can be restored.
    archived_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    # Deleted: gone for everyone (visibility.py); the row stays for the audit log.
    deleted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    community: Mapped[Optional[Community]] = relationship(lazy="joined")

    __table_args__ = (
        sa.Index("ix_projects_last_activity", "last_activity_at", "id"),
        sa.Index("ix_projects_status_activity", "status", "last_activity_at"),
        sa.Index("ix_projects_system_status", "system_id", "status"),
        sa.Index("ix_projects_organisation_status", "organisation_id", "status"),
        sa.Index("ix_projects_community_status", "community_id", "status"),
        sa.Index("ix_projects_programme_status", "programme_type", "status"),
    )

    def set_problem(self, source: str) -> None:
        rendered = render_markdown(source)
        self.problem_source = source
        self.problem_html = rendered.html
        self.problem_render_version = rendered.version

    @property
    def status_enum(self) -> ProjectStatus:
        return ProjectStatus(self.status)

    @property
    def programme_label(self) -> str:
        if self.programme_type == ProgrammeType.NATIONAL:
            return f"National programme: {self.national_programme}"
        return "Local priority"

    @property
    def progress_label(self) -> str:
        return progress_label(self.progress_score)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.slug}>"


class TeamMember(db.Model):
    __tablename__ = "project_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(80), default="")  # e.g. "Clinical lead"
    # Leads change the project's details, status and team; every member records the work.
    is_lead: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("project_id", "user_id"),)


class ProgressScore(db.Model):
    """One setting of the project's IHI progress score: the history of how it moved."""

    __tablename__ = "project_progress_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(sa.Double)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    set_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = created_at_column()

    set_by: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_project_progress_scores_project", "project_id", "set_at"),)

    @property
    def label(self) -> str:
        return progress_label(self.score)


class ProjectMethod(db.Model):
    """A method from the library that the project uses.

    Linking counts as a use of the method: the project's organisation shows on
    the method's spread, for those who may see the project.
    """

    __tablename__ = "project_methods"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    method_id: Mapped[int] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    linked_at: Mapped[datetime] = created_at_column()


class ProjectUpdate(db.Model):
    """A dated note from the team, in Markdown, for the project's timeline."""

    __tablename__ = "project_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body_source: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    render_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()

    author: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (sa.Index("ix_project_updates_project", "project_id", "created_at"),)

    def set_body(self, source: str) -> None:
        rendered = render_markdown(source)
        self.body_source = source
        self.body_html = rendered.html
        self.render_version = rendered.version


class Decision(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"

    @property
    def label(self) -> str:
        return self.value.capitalize()


pdsa_cycle_measures = sa.Table(
    "pdsa_cycle_measures",
    db.metadata,
    sa.Column("cycle_id", sa.ForeignKey("pdsa_cycles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "measure_id", sa.ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class PDSACycle(db.Model):
    """Plan, do, study, act: one test of change, numbered in order within its project."""

    __tablename__ = "pdsa_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    change: Mapped[str] = mapped_column(sa.Text)  # plan: what change we will test
    prediction: Mapped[str] = mapped_column(sa.Text)  # plan: what we think will happen
    started_on: Mapped[date] = mapped_column(sa.Date)
    do_notes: Mapped[str] = mapped_column(sa.Text, default="")
    study_notes: Mapped[str] = mapped_column(sa.Text, default="")  # against the prediction
    decision: Mapped[str] = mapped_column(sa.String(10), default="")  # adopt, adapt, abandon
    act_notes: Mapped[str] = mapped_column(sa.Text, default="")
    ended_on: Mapped[Optional[date]] = mapped_column(sa.Date)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()

    __table_args__ = (sa.UniqueConstraint("project_id", "number"),)

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label if self.decision else "Not decided yet"

    @property
    def stage(self) -> str:
        """How far the cycle has got, in PDSA words."""
        if self.decision:
            return "Act"
        if self.study_notes:
            return "Study"
        if self.do_notes:
            return "Do"
        return "Plan"

    @property
    def label(self) -> str:
        return f"PDSA {self.number}"


__all__ = [
    "DataPoint",
    "Decision",
    "Measure",
    "PDSACycle",
    "ProcessChange",
    "ProgrammeType",
    "ProgressScore",
    "Project",
    "ProjectMethod",
    "ProjectStatus",
    "ProjectUpdate",
    "TeamMember",
    "pdsa_cycle_measures",
]
