"""Threads, posts and what members do to posts: edit, react, flag."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from community.accounts.models import User
from community.communities.models import Community
from community.core.extensions import db
from community.core.markdown import render_markdown
from community.core.models_base import created_at_column

if TYPE_CHECKING:
    from community.methods.models import Method
    from community.projects.models import Project

POSTS_PER_PAGE = 50


def page_of(position: int) -> int:
    """The page of a thread that shows the post at `position`."""
    return (position - 1) // POSTS_PER_PAGE + 1


class HiddenReason(StrEnum):
    FACILITATOR = "facilitator"
    FLAGS = "flags"  # flagged by enough members; waits for review
    # Flagged once as sharing patient or personal information: hidden at once, pending review.
    PERSONAL = "personal"


class FlagReason(StrEnum):
    OFF_TOPIC = "off_topic"
    INAPPROPRIATE = "inappropriate"
    PRIVATE_INFORMATION = "private_information"
    SPAM = "spam"
    OTHER = "other"

    @property
    def label(self) -> str:
        return FLAG_REASON_LABELS[self]


FLAG_REASON_LABELS = {
    FlagReason.OFF_TOPIC: "Off topic",
    FlagReason.INAPPROPRIATE: "Inappropriate or disrespectful",
    FlagReason.PRIVATE_INFORMATION: "Shares patient or personal information",
    FlagReason.SPAM: "Spam or advertising",
    FlagReason.OTHER: "Something else",
}


class FlagStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    HIDDEN = "hidden"
    WARNED = "warned"


class Thread(db.Model):
    """A discussion: in a community, or the one discussion of a method or of a project.

    A thread has exactly one home (the CHECK below). A community thread follows
    its community's visibility and membership rules; a method's or project's
    thread follows the visibility of its method or project (see
    community/visibility.py), and any confirmed member who can see it may post
    in it. Every kind uses the same posts, replies, reactions, flags, watches
    and notifications.
    """

    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE")
    )
    method_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("methods.id", ondelete="CASCADE")
    )
    project_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE")
    )
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = created_at_column()
    last_post_at: Mapped[datetime] = created_at_column()
    # Posts are numbered 1, 2, 3 … within a thread and never removed, so page N
    # is a range of positions: no OFFSET scan however deep the page.
    post_count: Mapped[int] = mapped_column(default=0)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    is_locked: Mapped[bool] = mapped_column(default=False)
    is_resolved: Mapped[bool] = mapped_column(default=False)
    key_post_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL", use_alter=True)
    )
    # Goes up in the same transaction as any alteration confined to this thread's own
    # page (a post edited or hidden, the thread locked or renamed): the pages kept of it
    # end, those of other threads stay (community/caching/changes.py).
    content_version: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    community: Mapped[Optional[Community]] = relationship(lazy="joined")
    method: Mapped[Optional[Method]] = relationship(back_populates="thread", lazy="select")
    project: Mapped[Optional[Project]] = relationship(lazy="select")
    author: Mapped[Optional[User]] = relationship(lazy="joined")
    key_post: Mapped[Optional[Post]] = relationship(foreign_keys=[key_post_id], lazy="raise")

    __table_args__ = (
        sa.Index("ix_threads_community_pinned_last", "community_id", "is_pinned", "last_post_at"),
        # Each community's newest threads, for the home feed.
        sa.Index("ix_threads_community_last_post", "community_id", "last_post_at"),
        sa.Index("ix_threads_last_post_at", "last_post_at"),
        sa.Index("ix_threads_method_id", "method_id", unique=True),
        sa.Index("ix_threads_project_id", "project_id", unique=True),
        sa.CheckConstraint(
            "(CASE WHEN community_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN method_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN project_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_home",
        ),
        # Key learnings by author: mentoring evidence joins threads on their key post.
        sa.Index("ix_threads_key_post_id", "key_post_id"),
    )

    @property
    def is_method_thread(self) -> bool:
        return self.method_id is not None

    @property
    def is_project_thread(self) -> bool:
        return self.project_id is not None

    @property
    def home_kind(self) -> str:
        """What the thread is the discussion of: "method", "project" or "community"."""
        if self.method_id is not None:
            return "method"
        return "project" if self.project_id is not None else "community"

    @property
    def moderators_label(self) -> str:
        """Who looks after the thread, in the words its pages use."""
        return {
            "method": "the method's authors",
            "project": "the project's leads",
            "community": "the community's facilitators",
        }[self.home_kind]

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def last_page(self) -> int:
        return max(1, -(-self.post_count // POSTS_PER_PAGE))


def author_name_only(relationship):
    """Lists and thread pages show an author's name and profile link: load those, not
    their organisation or expertise (a statement more)."""
    return joinedload(relationship).load_only(User.id, User.username, User.name).lazyload("*")


HELPFUL_AND_SHOWN = "helpful_count > 0 AND deleted_at IS NULL AND hidden_at IS NULL"


class PostFacts:
    """What a post's own columns say of it: for `Post` and for the plain copies pages
    read (`reading.ShownPost`), which have the same columns."""

    __slots__ = ()

    @property
    def is_removed(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None

    @property
    def page(self) -> int:
        return page_of(self.position)


class Post(PostFacts, db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    position: Mapped[int]
    author_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reply_to_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="SET NULL")
    )
    body_source: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    render_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = created_at_column()
    edited_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    edit_count: Mapped[int] = mapped_column(default=0)
    helpful_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    hidden_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    hidden_reason: Mapped[str] = mapped_column(sa.String(12), default="")
    # Purged by a site administrator: its text, and every version's, is gone for good.
    purged_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    # Files attached (community/files): a page reads them only for posts that have some,
    # and changing it alters the post, so every kept page of its thread is drawn anew.
    file_count: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id], lazy="raise")
    author: Mapped[Optional[User]] = relationship(lazy="raise")
    reply_to: Mapped[Optional[Post]] = relationship(remote_side=[id], lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("thread_id", "position"),
        sa.Index("ix_posts_reply_to_id", "reply_to_id"),
        # Mentor evidence sums each author's helpful marks (mentoring/evidence.py): only
        # the few posts marked helpful, shown, are in it, and it holds all the sum needs.
        sa.Index(
            "ix_posts_helpful_by_author",
            "author_id",
            "thread_id",
            "helpful_count",
            "deleted_at",  # always empty here, but SQLite reads a partial index alone
            "hidden_at",  # only when it holds every column the query names
            sqlite_where=sa.text(HELPFUL_AND_SHOWN),
            postgresql_where=sa.text(HELPFUL_AND_SHOWN),
        ),
    )

    def set_body(self, source: str, mentions: Collection[str] = ()) -> None:
        rendered = render_markdown(source, mentions)
        self.body_source = source
        self.body_html = rendered.html
        self.render_version = rendered.version


class PostRevision(db.Model):
    """An earlier text of a post, kept when the post is edited.

    A redacted version keeps its place in the history but not its text: both
    columns are overwritten, and who redacted it and when is what is shown.
    """

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1 is the original text
    body_source: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    redacted_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))
    redacted_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    redacted_by: Mapped[Optional[User]] = relationship(lazy="raise")

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None


class HelpfulReaction(db.Model):
    __tablename__ = "helpful_reactions"

    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = created_at_column()


class Flag(db.Model):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    # Empty for posts in a method's discussion, which its authors moderate.
    community_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("communities.id", ondelete="CASCADE")
    )
    flagger_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(sa.String(24))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    status: Mapped[str] = mapped_column(sa.String(8), default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = created_at_column()
    resolved_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    resolved_at: Mapped[Optional[datetime]] = mapped_column(sa.DateTime(timezone=True))

    post: Mapped[Post] = relationship(lazy="raise")
    flagger: Mapped[Optional[User]] = relationship(foreign_keys=[flagger_id], lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("post_id", "flagger_id"),
        sa.Index("ix_flags_community_status", "community_id", "status"),
    )

    @property
    def reason_label(self) -> str:
        return FlagReason(self.reason).label
