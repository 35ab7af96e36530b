"""Methods: the improvement methods members publish, revise, use and adapt.

A method is written in structured Markdown sections (source, HTML and render
version stored together), classified by improvement approach (ExpertiseTag
rows), NHS IMPACT component and care setting, and may belong to a community
(then it follows that community's visibility). An adaptation is a method with
a parent and an Adaptation record saying where, how and why it was reworked.
Methods are never removed from the table: deleting one marks it deleted, so
the lineage of its adaptations stays whole.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.accounts.models import ExpertiseTag, User
from community.communities.models import Community
from community.core.extensions import db
from community.core.markdown import render_markdown
from community.core.models_base import created_at_column
from community.directory.models import ORGANISATION_TYPE_LABELS, Organisation, OrganisationType
from community.methods.vocabulary import SECTIONS, CareSetting, Scale

if TYPE_CHECKING:
    from community.discussions.models import Thread


class MethodStatus(StrEnum):
    DRAFT = "draft"  # only its authors see it (also after it is unpublished)
    PUBLISHED = "published"
    DELETED = "deleted"  # nobody sees it; its adaptations keep their place in the lineage


class AuthorRole(StrEnum):
    LEAD = "lead"  # started the method; can delete it
    CO_AUTHOR = "co_author"


method_tags = sa.Table(
    "method_tags",
    db.metadata,
    sa.Column("method_id", sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("expertise_tags.id", ondelete="CASCADE"), primary_key=True),
    # The library filters by approach: tag first, then the methods that carry it.
    sa.Index("ix_method_tags_tag_method", "tag_id", "method_id"),
)


class MethodState:
    """What a method's status says of it: for `Method` and for the plain copies a
    lineage page reads (`lineage.FamilyMethod`)."""

    __slots__ = ()

    @property
    def is_published(self) -> bool:
        return self.status == MethodStatus.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == MethodStatus.DRAFT

    @property
    def is_deleted(self) -> bool:
        return self.status == MethodStatus.DELETED


class Method(MethodState, db.Model):
    __tablename__ = "methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80))
    summary: Mapped[str] = mapped_column(sa.String(600), default="")
    when_to_use_source: Mapped[str] = mapped_column(sa.Text, default="")
    when_to_use_html: Mapped[str] = mapped_column(sa.Text, default="")
    how_to_source: Mapped[str] = mapped_column(sa.Text, default="")
    how_to_html: Mapped[str] = mapped_column(sa.Text, default="")
    what_you_need_source: Mapped[str] = mapped_column(sa.Text, default="")
    what_you_need_html: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_source: Mapped[str] = mapped_column(sa.Text, default="")
    evidence_html: Mapped[str] = mapped_column(sa.Text, default="")
    pitfalls_source: Mapped[str] = mapped_column(sa.Text, default="")
    pitfalls_html: Mapped[str] = mapped_column(sa.Text, default="")
    render_version: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(10), default=MethodStatus.DRAFT)
    community_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("methods.id"), index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = created_at_column()
    first_published_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    published_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    deleted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    # Bumped by every saved change to the content. The edit form carries the
    # version it started from, so a co-author's later save cannot overwrite it.
    version: Mapped[int] = mapped_column(default=1)
    # Kept by the services (with single UPDATE statements) so that lists and
    # sorting never count rows per method.
    use_count: Mapped[int] = mapped_column(default=0)
    organisation_count: Mapped[int] = mapped_column(default=0)
    adaptation_count: Mapped[int] = mapped_column(default=0)

    community: Mapped[Optional[Community]] = relationship(lazy="joined")
    created_by: Mapped[Optional[User]] = relationship(lazy="raise")
    authors: Mapped[list[MethodAuthor]] = relationship(
        back_populates="method",
        cascade="all, delete-orphan",
        order_by="[MethodAuthor.role.desc(), MethodAuthor.added_at, MethodAuthor.user_id]",
        lazy="selectin",
    )
    tags: Mapped[list[ExpertiseTag]] = relationship(
        secondary=method_tags, order_by=ExpertiseTag.name, lazy="selectin"
    )
    impact_rows: Mapped[list[MethodImpact]] = relationship(
        cascade="all, delete-orphan", order_by="MethodImpact.component", lazy="selectin"
    )
    setting_rows: Mapped[list[MethodSetting]] = relationship(
        cascade="all, delete-orphan", order_by="MethodSetting.setting", lazy="selectin"
    )
    adaptation: Mapped[Optional[Adaptation]] = relationship(
        back_populates="method", cascade="all, delete-orphan", lazy="selectin"
    )
    thread: Mapped[Optional[Thread]] = relationship(
        "Thread", back_populates="method", uselist=False, lazy="raise"
    )

    __table_args__ = (
        # The library: published methods by newest, most used, most adapted.
        sa.Index("ix_methods_status_published_at", "status", "published_at"),
        sa.Index("ix_methods_status_use_count", "status", "use_count"),
        sa.Index("ix_methods_status_adaptation_count", "status", "adaptation_count"),
    )

    # ---------------------------------------------------------------- content

    def section_source(self, key: str) -> str:
        return getattr(self, f"{key}_source")

    def section_html(self, key: str) -> str:
        return getattr(self, f"{key}_html")

    def set_section(self, key: str, source: str) -> None:
        rendered = render_markdown(source)
        setattr(self, f"{key}_source", source)
        setattr(self, f"{key}_html", rendered.html)
        self.render_version = rendered.version

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(key, heading, html) for each section that has text."""
        return [
            (key, heading, self.section_html(key))
            for key, heading in SECTIONS
            if self.section_source(key).strip()
        ]

    # ---------------------------------------------------------- classification

    @property
    def approaches(self) -> list[ExpertiseTag]:
        return [tag for tag in self.tags if tag.kind == "approach"]

    @property
    def free_tags(self) -> list[ExpertiseTag]:
        return [tag for tag in self.tags if tag.kind != "approach"]

    @property
    def impact_components(self) -> list[int]:
        return [row.component for row in self.impact_rows]

    @property
    def care_settings(self) -> list[str]:
        order = list(CareSetting)
        return sorted((row.setting for row in self.setting_rows), key=lambda s: order.index(s))

    @property
    def care_setting_labels(self) -> list[str]:
        return [CareSetting(s).label for s in self.care_settings]

    # ------------------------------------------------------------------ state

    @property
    def was_published(self) -> bool:
        return self.first_published_at is not None

    @property
    def lead_author(self) -> User | None:
        lead = next((a for a in self.authors if a.role == AuthorRole.LEAD), None)
        return lead.user if lead else None

    def author_ids(self) -> set[int]:
        return {a.user_id for a in self.authors}

    def is_author(self, user) -> bool:
        return getattr(user, "id", None) in self.author_ids()

    def is_lead_author(self, user) -> bool:
        return any(
            a.user_id == getattr(user, "id", None) and a.role == AuthorRole.LEAD
            for a in self.authors
        )

    def __repr__(self) -> str:
        return f"<Method {self.id} {self.slug}>"


class MethodAuthor(db.Model):
    __tablename__ = "method_authors"

    method_id: Mapped[int] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(10), default=AuthorRole.CO_AUTHOR)
    added_at: Mapped[datetime] = created_at_column()

    method: Mapped[Method] = relationship(back_populates="authors", lazy="raise")
    user: Mapped[User] = relationship(lazy="joined")


class MethodImpact(db.Model):
    """An NHS IMPACT component (1–5) a method helps with."""

    __tablename__ = "method_impacts"

    method_id: Mapped[int] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True
    )
    component: Mapped[int] = mapped_column(primary_key=True)

    __table_args__ = (
        sa.CheckConstraint("component BETWEEN 1 AND 5", name="component_1_to_5"),
        sa.Index("ix_method_impacts_component_method", "component", "method_id"),
    )


class MethodSetting(db.Model):
    """A care setting a method is written for."""

    __tablename__ = "method_settings"

    method_id: Mapped[int] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True
    )
    setting: Mapped[str] = mapped_column(sa.String(24), primary_key=True)

    __table_args__ = (sa.Index("ix_method_settings_setting_method", "setting", "method_id"),)


class AdaptationLabels:
    """An adaptation's setting and scale in words: for `Adaptation` and for the plain
    copies a lineage page reads (`lineage.AdaptationFacts`)."""

    __slots__ = ()

    @property
    def care_setting_label(self) -> str:
        return CareSetting(self.care_setting).label if self.care_setting else ""

    @property
    def scale_label(self) -> str:
        return Scale(self.scale).label if self.scale else ""


class Adaptation(AdaptationLabels, db.Model):
    """How a method was reworked from its parent: the new context, what changed, why, results."""

    __tablename__ = "method_adaptations"

    method_id: Mapped[int] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE"), primary_key=True
    )
    care_setting: Mapped[str] = mapped_column(sa.String(24), default="")
    population: Mapped[str] = mapped_column(sa.String(300), default="")
    organisation_type: Mapped[str] = mapped_column(sa.String(40), default="")
    scale: Mapped[str] = mapped_column(sa.String(20), default="")
    # Where the adaptation was made: the adapting author's organisation.
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    what_changed_source: Mapped[str] = mapped_column(sa.Text, default="")
    what_changed_html: Mapped[str] = mapped_column(sa.Text, default="")
    why_source: Mapped[str] = mapped_column(sa.Text, default="")
    why_html: Mapped[str] = mapped_column(sa.Text, default="")
    results_source: Mapped[str] = mapped_column(sa.Text, default="")
    results_html: Mapped[str] = mapped_column(sa.Text, default="")
    render_version: Mapped[int] = mapped_column(default=0)
    # A link to measured results (a project page once projects exist, or a report).
    results_url: Mapped[str] = mapped_column(sa.String(500), default="")

    method: Mapped[Method] = relationship(back_populates="adaptation", lazy="raise")
    organisation: Mapped[Optional[Organisation]] = relationship(lazy="joined")

    def set_text(self, key: str, source: str) -> None:
        rendered = render_markdown(source)
        setattr(self, f"{key}_source", source)
        setattr(self, f"{key}_html", rendered.html)
        self.render_version = rendered.version

    @property
    def organisation_type_label(self) -> str:
        if not self.organisation_type:
            return ""
        return ORGANISATION_TYPE_LABELS[OrganisationType(self.organisation_type)]


class MethodRevision(db.Model):
    """The published text of a method at one moment. Number 1 is the first published text."""

    __tablename__ = "method_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    method_id: Mapped[int] = mapped_column(sa.ForeignKey("methods.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.String(600), default="")
    when_to_use: Mapped[str] = mapped_column(sa.Text, default="")
    how_to: Mapped[str] = mapped_column(sa.Text, default="")
    what_you_need: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    pitfalls: Mapped[str] = mapped_column(sa.Text, default="")
    # The classification and the adaptation record, written out as text lines
    # so that changes to them show in the same diff as the sections.
    classification: Mapped[str] = mapped_column(sa.Text, default="")
    adaptation: Mapped[str] = mapped_column(sa.Text, default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()

    author: Mapped[Optional[User]] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("method_id", "number"),)


class MethodUse(db.Model):
    """A member's "I've used this", with the organisation they used it in."""

    __tablename__ = "method_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    method_id: Mapped[int] = mapped_column(sa.ForeignKey("methods.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped[User] = relationship(lazy="raise")
    organisation: Mapped[Optional[Organisation]] = relationship(lazy="raise")

    __table_args__ = (sa.UniqueConstraint("method_id", "user_id"),)
