"""Members, their roles and their declared expertise."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from typing import Optional

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from community.core.extensions import db
from community.core.markdown import render_markdown
from community.core.models_base import created_at_column
from community.directory.models import Organisation


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {Role.MEMBER: "Member", Role.ADMIN: "Site administrator"}[self]


class TagKind(StrEnum):
    APPROACH = "approach"  # an improvement approach, e.g. Lean, QSIR
    TOPIC = "topic"  # an area of care or improvement work, e.g. discharge
    FREE = "free"  # added by a member


member_expertise = sa.Table(
    "member_expertise",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "tag_id",
        sa.ForeignKey("expertise_tags.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class ExpertiseTag(db.Model):
    __tablename__ = "expertise_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=TagKind.FREE)

    # Read only where tags are matched or edited (those queries load them with the tags):
    # not with every member's list of tags, which the directory and finder show by name.
    synonyms: Mapped[list[ExpertiseSynonym]] = relationship(
        back_populates="tag", cascade="all, delete-orphan", order_by="ExpertiseSynonym.text",
    )  # fmt: skip

    def __repr__(self) -> str:
        return f"<ExpertiseTag {self.slug}>"


class ExpertiseSynonym(db.Model):
    """Another name for an expertise tag: an acronym ("SPC"), a spelling, a phrase
    ("patient falls"). Administrators extend them on the reference-data pages; the
    expertise finder reads them (`community.search.vocabulary`)."""

    __tablename__ = "expertise_synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(
        sa.ForeignKey("expertise_tags.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(80))
    # The text as the finder compares it (`community.search.vocabulary.normalised`):
    # one tag per name, so "SPC" cannot mean two things.
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    tag: Mapped[ExpertiseTag] = relationship(back_populates="synonyms")

    def __repr__(self) -> str:
        return f"<ExpertiseSynonym {self.text!r}>"


class RetiredUsername(db.Model):
    """A deleted member's username, kept so that no one else can take it.

    Old @mentions and links name the member who wrote under it; a newcomer with
    the same name would inherit them. Only a digest is kept: enough to refuse
    the name again, and it does not list who has left.
    """

    __tablename__ = "retired_usernames"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    retired_at: Mapped[datetime] = created_at_column()

    @staticmethod
    def digest_of(username: str) -> str:
        return hashlib.sha256(username.encode()).hexdigest()


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    """A member of staff with an account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case: usernames are used for @mentions and profile addresses.
    username: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.MEMBER)
    organisation_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    bio_source: Mapped[str] = mapped_column(sa.Text, default="")
    bio_html: Mapped[str] = mapped_column(sa.Text, default="")
    bio_render_version: Mapped[int] = mapped_column(default=0)
    email_confirmed_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    # Part of the login id: changing it ends every other session and remember-me cookie.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=_new_session_token)
    last_sign_in_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    # How notifications reach the member by email: immediate, daily (digest) or none.
    email_notifications: Mapped[str] = mapped_column(
        sa.String(10), default="daily", server_default="daily"
    )
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Optional[Organisation]] = relationship(lazy="joined")
    expertise: Mapped[list[ExpertiseTag]] = relationship(
        secondary=member_expertise, order_by=ExpertiseTag.name, lazy="selectin"
    )

    # The people directory and organisation pages list members by name.
    __table_args__ = (sa.Index("ix_users_name_id", "name", "id"),)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    @property
    def has_password(self) -> bool:
        """False for a member who joined by single sign-on and never set one."""
        return bool(self.password_hash)

    def check_password(self, password: str) -> bool:
        return self.has_password and check_password_hash(self.password_hash, password)

    def end_other_sessions(self) -> None:
        self.session_token = _new_session_token()

    def set_bio(self, source: str) -> None:
        rendered = render_markdown(source)
        self.bio_source = source
        self.bio_html = rendered.html
        self.bio_render_version = rendered.version

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class SingleSignOnIdentity(db.Model):
    """A member's account at the single sign-on provider (NHSmail): the provider's
    issuer and its subject for them, which stay the same when their name or address
    changes. One per member per provider, and one member per subject."""

    __tablename__ = "single_sign_on_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    # The address the provider gave when the link was made, to show in settings.
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    linked_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject", name="uq_single_sign_on_identities_subject"),
        sa.UniqueConstraint("user_id", "issuer", name="uq_single_sign_on_identities_member"),
    )

    def __repr__(self) -> str:
        return f"<SingleSignOnIdentity {self.user_id} at {self.issuer}>"
