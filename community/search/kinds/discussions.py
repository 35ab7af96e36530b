"""Threads and replies in search.

A thread's document is its title and opening post; each reply is a document of
its own (so a reply can be found, linked and ranked by itself). A removed or
hidden post is never in the index: a removed or hidden opening post leaves its
thread findable by title only. Both are also filtered out again at query time
from the posts table, so a missed index update can never show one. A method's
or project's discussion joins the index with its first post (until then the
method or project is the result to find).

Boosts: a reply that is its thread's key learning ×1.5, a thread that has a
key learning ×1.25, and +0.1 for each "helpful" reaction up to +0.5.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import lazyload, selectinload

from community.accounts.models import User
from community.communities.models import Community
from community.core.extensions import db
from community.directory.models import Organisation
from community.discussions.links import thread_url
from community.discussions.models import Post, Thread
from community.search.hits import Hit
from community.search.index import Document, Kind, plain_text, register_kind, save_or_remove
from community.search.models import SearchDocument
from community.visibility import shown_to_every_reader, visible_threads_clause

THREAD, POST = "thread", "post"
KEY_LEARNING_BOOST = 0.5
THREAD_WITH_KEY_LEARNING_BOOST = 0.25
HELPFUL_BOOST, MAX_HELPFUL_BOOST = 0.1, 0.5


def helpful_boost(count: int) -> float:
    return min(HELPFUL_BOOST * max(count, 0), MAX_HELPFUL_BOOST)


def _shown(post_deleted_at, post_hidden_at) -> bool:
    return post_deleted_at is None and post_hidden_at is None


def _author_place():
    """Columns for the author's organisation and system (joined from users)."""
    return Organisation.id.label("organisation_id"), Organisation.system_id.label("system_id")


def _thread_documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    opening = sa.orm.aliased(Post)
    rows = db.session.execute(
        sa.select(
            Thread.id,
            Thread.title,
            Thread.created_at,
            Thread.community_id,
            Thread.author_id,
            Thread.key_post_id,
            opening.body_html,
            opening.deleted_at,
            opening.hidden_at,
            opening.helpful_count,
            *_author_place(),
        )  # fmt: skip
        .outerjoin(opening, sa.and_(opening.thread_id == Thread.id, opening.position == 1))
        .outerjoin(User, User.id == Thread.author_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(where)
        .order_by(Thread.id)
        .limit(limit)
    )
    documents: list[tuple[int, Document | None]] = []
    for row in rows:
        if row.body_html is None:  # a method's or project's discussion nobody has started
            documents.append((row.id, None))  # (its title is the method's or project's own)
            continue
        shown = _shown(row.deleted_at, row.hidden_at)
        boost = 1.0 + (THREAD_WITH_KEY_LEARNING_BOOST if row.key_post_id else 0.0)
        boost += helpful_boost(row.helpful_count or 0) if shown else 0.0
        documents.append((row.id, Document(
            THREAD, row.id, title=row.title, body=plain_text(row.body_html) if shown else "",
            dated_at=row.created_at, community_id=row.community_id, author_id=row.author_id,
            organisation_id=row.organisation_id, system_id=row.system_id, boost=boost,
        )))  # fmt: skip
    return documents


def _post_documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    rows = db.session.execute(
        sa.select(
            Post.id,
            Post.position,
            Post.body_html,
            Post.created_at,
            Post.author_id,
            Post.helpful_count,
            Post.deleted_at,
            Post.hidden_at,
            Thread.community_id,
            Thread.key_post_id,
            *_author_place(),
        )  # fmt: skip
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(User, User.id == Post.author_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(where)
        .order_by(Post.id)
        .limit(limit)
    )
    documents: list[tuple[int, Document | None]] = []
    for row in rows:
        if row.position == 1 or not _shown(row.deleted_at, row.hidden_at):
            documents.append((row.id, None))  # opening posts live in their thread's document
            continue
        boost = 1.0 + (KEY_LEARNING_BOOST if row.key_post_id == row.id else 0.0)
        boost += helpful_boost(row.helpful_count)
        documents.append((row.id, Document(
            POST, row.id, title="", body=plain_text(row.body_html), dated_at=row.created_at,
            community_id=row.community_id, author_id=row.author_id,
            organisation_id=row.organisation_id, system_id=row.system_id, boost=boost,
        )))  # fmt: skip
    return documents


# ------------------------------------------------------------------ what services call


def thread_changed(thread: Thread) -> None:
    """After a thread is started, or its opening post or key learning changes."""
    db.session.flush()
    for object_id, document in _thread_documents(Thread.id == thread.id):
        save_or_remove(THREAD, object_id, document)


def post_changed(post: Post) -> None:
    """After a post is written, edited, removed, hidden, shown again or reacted to."""
    db.session.flush()
    if post.position == 1:
        thread_changed(db.session.get(Thread, post.thread_id))
        return
    for object_id, document in _post_documents(Post.id == post.id):
        save_or_remove(POST, object_id, document)


def key_learning_changed(thread: Thread, *posts: Post | None) -> None:
    """After the key learning moves: the thread and the posts it moved from and to."""
    thread_changed(thread)
    for post in posts:
        if post is not None:
            post_changed(post)


def thread_moved(thread: Thread) -> None:
    """After a thread moves community: its document and its replies' follow (one statement)."""
    db.session.flush()
    replies = sa.select(Post.id).where(Post.thread_id == thread.id)
    db.session.execute(
        sa.update(SearchDocument)
        .where(
            sa.or_(
                sa.and_(SearchDocument.kind == THREAD, SearchDocument.object_id == thread.id),
                sa.and_(SearchDocument.kind == POST, SearchDocument.object_id.in_(replies)),
            )
        )
        .values(community_id=thread.community_id)
    )


# ------------------------------------------------------------------ who may see them


# A community's thread follows its community; a method's or project's discussion follows
# its method or project.
def _visible_thread(user) -> sa.ColumnElement[bool]:
    return sa.exists().where(Thread.id == SearchDocument.object_id, visible_threads_clause(user))


def _visible_post(user) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Post.id == SearchDocument.object_id,
        shown_to_every_reader(),
        Thread.id == Post.thread_id,
        visible_threads_clause(user),
    )


# ------------------------------------------------------------------ result lines


def _community_place(community: Community) -> tuple[str, str]:
    return community.name, url_for("communities.home", slug=community.slug)


def _place(thread: Thread) -> tuple[str, str]:
    """Where a thread lives: its community, or the method or project it discusses."""
    if thread.method_id is not None:
        method = thread.method
        return method.title, url_for("methods.method", method_id=method.id, slug=method.slug)
    if thread.project_id is not None:
        project = thread.project
        return project.title, url_for("projects.show", project_id=project.id, slug=project.slug)
    return _community_place(thread.community)


def thread_address(thread: Thread) -> str:
    return thread_url(thread)


_LABELS = {"method": "Method discussion", "project": "Project discussion"}


# A result line names its author, never shows their organisation or areas of expertise:
# so the author's name is read as a column, not their whole member row (which brings
# their organisation, system and areas of expertise with it).
_LINE_OPTIONS = (lazyload(Thread.author), selectinload(Thread.method),
                 selectinload(Thread.project))  # fmt: skip


def _describe_threads(ids: list[int], viewer=None) -> dict[int, Hit]:
    hits = {}
    threads = (
        sa.select(Thread, User.name)
        .options(*_LINE_OPTIONS)
        .outerjoin(User, User.id == Thread.author_id)
        .where(Thread.id.in_(ids))
    )
    for thread, author_name in db.session.execute(threads):
        badges = [b for b, on in (("Key learning", thread.key_post_id), ("Resolved",
                  thread.is_resolved)) if on]  # fmt: skip
        replies = thread.reply_count
        hits[thread.id] = Hit(
            label=_LABELS.get(thread.home_kind, "Thread"), title=thread.title,
            url=thread_address(thread), dated_at=thread.created_at, date_label="Started",
            places=[_place(thread)],
            byline=f"Started by {author_name or 'a former member'} · "
            f"{replies} repl{'y' if replies == 1 else 'ies'}",
            badges=badges,
        )  # fmt: skip
    return hits


def _describe_posts(ids: list[int], viewer=None) -> dict[int, Hit]:
    rows = db.session.execute(
        # (The post's own columns only: not its text, which the line never shows.)
        sa.select(Post.id, Post.created_at, Post.helpful_count, Thread, User.name)
        .options(*_LINE_OPTIONS)
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(User, User.id == Post.author_id)
        .where(Post.id.in_(ids))
    )
    hits = {}
    for post_id, created_at, helpful_count, thread, author_name in rows:
        badges = ["Key learning"] if thread.key_post_id == post_id else []
        if helpful_count:
            badges.append(f"{helpful_count} found this helpful")
        hits[post_id] = Hit(
            label="Reply", title=f"Reply in “{thread.title}”",
            url=url_for("discussions.post_permalink", post_id=post_id),
            dated_at=created_at,
            places=[_place(thread), ("Discussion" if thread.community_id is None else thread.title,
                                     thread_address(thread))],
            byline=f"By {author_name or 'a former member'}", badges=badges,
        )  # fmt: skip
    return hits


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


register_kind(
    Kind(
        name=THREAD, group="discussions", visible=_visible_thread,
        expected=lambda after, limit: _thread_documents(Thread.id > after, limit),
        count=lambda: _count(Thread), describe=_describe_threads, located_by_author=True,
    )
)  # fmt: skip
register_kind(
    Kind(
        name=POST, group="discussions", visible=_visible_post,
        expected=lambda after, limit: _post_documents(Post.id > after, limit),
        count=lambda: _count(Post), describe=_describe_posts, located_by_author=True,
    )
)  # fmt: skip
