"""Reading a community's threads and one page of a thread, in a fixed number of queries."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import NamedTuple

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination

from community import caching
from community.accounts.models import User
from community.communities.models import Community, Membership
from community.core.extensions import db
from community.discussions.models import (
    POSTS_PER_PAGE,
    Flag,
    HelpfulReaction,
    Post,
    PostFacts,
    Thread,
    author_name_only,
)
from community.discussions.services import _may_post, watch_level
from community.files.services import servable_files_of_posts
from community.notifications.models import WatchLevel
from community.visibility import can_moderate_thread, membership


class ThreadSummary(NamedTuple):
    """What a method's or project's page says of its discussion."""

    id: int
    post_count: int
    last_post_at: datetime


def thread_summary(clause) -> ThreadSummary | None:
    """The one thread `clause` picks, as its page's panel shows it: three columns, not a
    thread with its community and author (4 ms on a project page)."""
    row = db.session.execute(
        sa.select(Thread.id, Thread.post_count, Thread.last_post_at).where(clause)
    ).first()
    return ThreadSummary(*row) if row is not None else None


class ThreadsPage(SelectPagination):
    """A page of a community's threads, counted by the community's thread counter
    rather than by counting its threads (which grows with the community)."""

    def _query_count(self) -> int:
        return self._query_args["total"]


def threads_page(community: Community, page: int, per_page: int) -> ThreadsPage:
    """Pinned threads first, then by latest activity."""
    query = (
        sa.select(Thread)
        .options(author_name_only(Thread.author))
        .where(Thread.community_id == community.id)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    return ThreadsPage(select=query, session=db.session, page=page, per_page=per_page,
                       error_out=False, total=community.thread_count)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ShownPost(PostFacts):
    """A post as a page shows it: its own columns and its author's name.

    Plain values, not a `Post`: a thread page reads fifty of them, and building
    fifty ORM objects with their authors cost about 4 ms of its CPU.
    """

    id: int
    thread_id: int
    position: int
    author_id: int | None
    reply_to_id: int | None
    body_source: str
    body_html: str
    created_at: datetime
    edit_count: int
    helpful_count: int
    deleted_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str
    purged_at: datetime | None
    file_count: int
    author_username: str | None  # None: the author's account is gone
    author_name: str | None


_SHOWN_COLUMNS = (
    Post.id, Post.thread_id, Post.position, Post.author_id, Post.reply_to_id,
    Post.body_source, Post.body_html, Post.created_at, Post.edit_count, Post.helpful_count,
    Post.deleted_at, Post.hidden_at, Post.hidden_reason, Post.purged_at, Post.file_count,
    User.username, User.name,
)  # fmt: skip


@dataclass
class ThreadPage:
    thread: Thread
    number: int
    pages: int
    posts: list[ShownPost]
    quoted: dict[int, ShownPost] = field(default_factory=dict)
    helpful_by_me: set[int] = field(default_factory=set)
    flagged_by_me: set[int] = field(default_factory=set)
    helpful_counts: dict[int, int] = field(default_factory=dict)  # post id: marks now
    files: Mapping[int, tuple[FileView, ...]] = field(default_factory=dict)  # by post id
    key_post: ShownPost | None = None
    first_post: ShownPost | None = None  # the opening post, on the first page
    membership: Membership | None = None
    can_facilitate: bool = False  # pin, lock, hide: facilitators, or a method's moderators
    can_post: bool = False  # may reply (when the thread is not locked)
    watch_level: str = WatchLevel.NORMAL

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def posts_with_authors(clause) -> list[ShownPost]:
    """The posts `clause` picks, in thread order, with their authors' names."""
    rows = db.session.execute(
        sa.select(*_SHOWN_COLUMNS)
        .outerjoin(User, User.id == Post.author_id)
        .where(clause)
        .order_by(Post.position)
    )
    return [ShownPost(*row) for row in rows]


class FileView(NamedTuple):
    """A file under a post, as its fragment shows it (plain values: part of its key)."""

    token: str
    name: str
    content_type: str
    size: int
    is_image: bool
    alt_text: str
    width: int | None
    height: int | None


class PageRows(NamedTuple):
    """What a thread page shows the same to every reader (see `thread_page`)."""

    posts: tuple[ShownPost, ...]
    quoted: Mapping[int, ShownPost]  # the posts replies quote, and the key learning, by id
    files: Mapping[int, tuple[FileView, ...]] = MappingProxyType({})  # by post id


def _rows(thread: Thread, number: int) -> PageRows:
    """A page's posts, and the posts they quote and the key learning."""
    first, last = (number - 1) * POSTS_PER_PAGE + 1, number * POSTS_PER_PAGE
    posts = posts_with_authors(
        sa.and_(Post.thread_id == thread.id, Post.position.between(first, last))
    )
    wanted = {p.reply_to_id for p in posts if p.reply_to_id}
    if thread.key_post_id:
        wanted.add(thread.key_post_id)
    by_id = {p.id: p for p in posts}
    # Most replies quote a post a few before them, on the same page: fetch only the others.
    missing = wanted - by_id.keys()
    if missing:
        by_id.update((p.id, p) for p in posts_with_authors(Post.id.in_(missing)))
    quoted = MappingProxyType({pid: by_id[pid] for pid in wanted if pid in by_id})
    return PageRows(tuple(posts), quoted, _files([p.id for p in posts if p.file_count]))


def _files(post_ids: list[int]) -> Mapping[int, tuple[FileView, ...]]:
    """The files shown under these posts: one query, and none when no post has any."""
    if not post_ids:
        return MappingProxyType({})
    by_post: dict[int, list[FileView]] = {}
    for f in servable_files_of_posts(post_ids):
        by_post.setdefault(f.post_id, []).append(FileView(
            f.token, f.name, f.content_type, f.size, f.is_image, f.alt_text, f.width, f.height
        ))  # fmt: skip
    return MappingProxyType({pid: tuple(views) for pid, views in by_post.items()})


@functools.cache
def _marks_statement() -> sa.Select:
    """A page's helpful counts and the reader's marks on its posts, built once (building
    it cost more than running it)."""
    reader = sa.bindparam("reader", type_=sa.Integer)
    helpful = sa.exists().where(
        HelpfulReaction.post_id == Post.id, HelpfulReaction.user_id == reader
    )
    flagged = sa.exists().where(Flag.post_id == Post.id, Flag.flagger_id == reader)
    return sa.select(Post.id, Post.helpful_count, helpful, flagged).where(
        Post.thread_id == sa.bindparam("thread"),
        Post.position.between(sa.bindparam("first"), sa.bindparam("last")),
    )


def thread_page(thread: Thread, user, number: int) -> ThreadPage:
    """One page of a thread: a fixed number of queries whatever its length."""
    pages = thread.last_page
    number = min(max(number, 1), pages)
    # The same rows for every reader (what each may see of them is decided below and
    # in rendering.py), kept until this thread, or anything not confined to one thread,
    # is altered; a new post changes the count.
    key = (thread.id, number, thread.post_count, thread.key_post_id)
    rows = caching.kept("thread_rows", key, lambda: _rows(thread, number),
                        thread_version=thread.content_version)  # fmt: skip
    posts = rows.posts
    member = membership(user, thread.community) if thread.community is not None else None
    result = ThreadPage(
        thread=thread, number=number, pages=pages, posts=posts, quoted=rows.quoted,
        membership=member, can_facilitate=can_moderate_thread(user, thread, member),
        can_post=_may_post(user, thread, member),
    )  # fmt: skip
    key_post = rows.quoted.get(thread.key_post_id) if thread.key_post_id else None
    # Flags can hide the key learning until reviewed: only those who may see it, see it.
    if (
        key_post is not None
        and key_post.is_hidden
        and not (result.can_facilitate or key_post.author_id == user.id)
    ):
        key_post = None
    result.key_post = key_post
    if number == 1:
        result.first_post = next((p for p in posts if p.position == 1), None)
    result.files = rows.files
    if posts:
        # Read fresh for every reader: the reader's own marks, and the helpful counts
        # (a mark only adds, so the kept rows may be a few seconds behind them).
        rows = db.session.execute(
            _marks_statement(),
            {"reader": user.id, "thread": thread.id,
             "first": posts[0].position, "last": posts[-1].position},
        )  # fmt: skip
        for post_id, count, helpful, flagged in rows:
            result.helpful_counts[post_id] = count
            if helpful:
                result.helpful_by_me.add(post_id)
            if flagged:
                result.flagged_by_me.add(post_id)
    result.watch_level = watch_level(user, thread)
    return result
