"""Threads and posts: starting, replying, editing, removing, reactions and key learnings.

Moderation (pin, lock, hide, flags) lives in moderation.py beside this file,
reading a thread's pages in reading.py, and the home feed in feed.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community, Membership
from community.communities.services import require_confirmed
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.markdown import mentioned_usernames
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.discussions import signals
from community.discussions.models import (
    HelpfulReaction,
    Post,
    PostRevision,
    Thread,
    author_name_only,
)
from community.files import services as files
from community.notifications.models import ThreadWatch, WatchLevel
from community.search import indexing
from community.visibility import (
    can_moderate_thread,
    can_read_hidden_post,
    can_see_community,
    can_see_thread,
    membership,
)

MAX_TITLE = 200
MAX_BODY = 20000


# ------------------------------------------------------------------ finding


# Built once, as every thread page runs it: building it cost as much as running it.
_THREAD = (
    sa.select(Thread)
    .options(author_name_only(Thread.author))
    .where(Thread.id == sa.bindparam("thread_id"))
)


def get_thread_or_404(thread_id: int, user) -> Thread:
    """A community thread or a method's thread, if `user` may see it."""
    thread = db.session.execute(_THREAD, {"thread_id": thread_id}).scalar_one_or_none()
    if thread is None or not can_see_thread(user, thread):
        abort(404)
    return thread


def get_post_or_404(post_id: int, user, *, for_edit: bool = False) -> Post:
    """A post whose thread `user` may see; for editing, only the author's own."""
    post = db.session.scalar(
        sa.select(Post)
        .options(joinedload(Post.thread), joinedload(Post.author))
        .where(Post.id == post_id)
    )
    if post is None or not can_see_thread(user, post.thread):
        abort(404)
    if post.is_hidden and not can_read_hidden_post(user, post, post.thread):
        abort(404)
    if for_edit and (post.author_id != user.id or post.is_removed):
        abort(403)
    return post


_WATCH_LEVEL = sa.select(ThreadWatch.level).where(
    ThreadWatch.user_id == sa.bindparam("user_id"),
    ThreadWatch.thread_id == sa.bindparam("thread_id"),
)  # (built once: every thread page reads it)


def watch_level(user, thread: Thread) -> str:
    level = db.session.scalar(_WATCH_LEVEL, {"user_id": user.id, "thread_id": thread.id})
    return level or WatchLevel.NORMAL


def revisions_of(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision)
            .options(joinedload(PostRevision.redacted_by))
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.number)
        )
    )


# ------------------------------------------------------------------ writing


def _may_post(user, thread: Thread, member: Membership | None = None) -> bool:
    """Community threads take posts from members (and administrators); a
    method's thread from anyone who can see the method once it is published;
    a project's thread from anyone who can see the project."""
    if thread.method_id is not None:
        return thread.method.is_published
    if thread.project_id is not None:
        return True
    return member is not None or user.is_admin


def _check_can_post(user: User, community: Community) -> None:
    require_confirmed(user)
    if not can_see_community(user, community):
        abort(404)
    if membership(user, community) is None and not user.is_admin:
        raise RuleViolation("Join this community to take part in its discussions")


def _check_can_reply(user: User, thread: Thread) -> None:
    if thread.community_id is not None:
        _check_can_post(user, thread.community)
        return
    require_confirmed(user)
    if not can_see_thread(user, thread):
        abort(404)
    if not _may_post(user, thread):
        raise RuleViolation("The discussion opens when the method is published")


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise RuleViolation("Write your post", "body")
    if len(body) > MAX_BODY:
        raise RuleViolation(f"Post must be {MAX_BODY:,} characters or fewer", "body")
    return body


def existing_usernames(names: set[str]) -> set[str]:
    if not names:
        return set()
    return set(db.session.scalars(sa.select(User.username).where(User.username.in_(names))))


def _watch(user: User, thread: Thread) -> None:
    watch = db.session.get(ThreadWatch, (user.id, thread.id))
    if watch is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id, level=WatchLevel.WATCHING))
    elif watch.level == WatchLevel.NORMAL:
        watch.level = WatchLevel.WATCHING


def _append_post(thread: Thread, author: User, body: str, reply_to: Post | None) -> Post:
    now = utcnow()
    # One statement numbers the post and locks the thread row, so two replies
    # arriving together get different positions on every database.
    position = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now)
        .returning(Thread.post_count)
    ).scalar_one()
    db.session.expire(thread, ["post_count", "last_post_at"])
    mentions = existing_usernames(mentioned_usernames(body))
    post = Post(
        thread_id=thread.id, position=position, author_id=author.id,
        reply_to_id=reply_to.id if reply_to else None, created_at=now,
    )  # fmt: skip
    post.set_body(body, mentions)
    db.session.add(post)
    if thread.community is not None:
        thread.community.last_activity_at = now
    db.session.flush()
    signals.post_added.send(
        post, thread=thread, author=author, mentions=mentions, reply_to=reply_to
    )
    _watch(author, thread)
    return post


def start_thread(user: User, community: Community, title: str, body: str) -> Thread:
    _check_can_post(user, community)
    title = " ".join(title.split())
    if not title:
        raise RuleViolation("Enter a title", "title")
    if len(title) > MAX_TITLE:
        raise RuleViolation(f"Title must be {MAX_TITLE} characters or fewer", "title")
    body = _check_body(body)
    thread = Thread(
        community_id=community.id, author_id=user.id, title=title,
        slug=slugify(title) or "thread", post_count=0,
    )  # fmt: skip
    db.session.add(thread)
    community.thread_count = Community.thread_count + 1
    db.session.flush()
    _append_post(thread, user, body, None)
    indexing.thread_changed(thread)
    signals.thread_started.send(thread, author=user)
    db.session.commit()
    return thread


def reply(user: User, thread: Thread, body: str, reply_to: Post | None = None) -> Post:
    _check_can_reply(user, thread)
    if thread.is_locked:
        raise RuleViolation("This thread is locked: no new replies can be added")
    body = _check_body(body)
    if reply_to is not None and (reply_to.thread_id != thread.id or reply_to.is_removed):
        reply_to = None
    post = _append_post(thread, user, body, reply_to)
    indexing.post_changed(post)
    db.session.commit()
    return post


def edit_post(user: User, post: Post, body: str) -> None:
    require_confirmed(user)
    if post.author_id != user.id:
        raise RuleViolation("You can only edit your own posts")
    if post.is_removed:
        raise RuleViolation("This post has been removed")
    body = _check_body(body)
    if body == post.body_source:
        return
    if post.edit_count == 0:
        db.session.add(
            PostRevision(post_id=post.id, number=1, body_source=post.body_source,
                         body_html=post.body_html, written_at=post.created_at)
        )  # fmt: skip
    post.set_body(body, existing_usernames(mentioned_usernames(body)))
    post.edit_count += 1
    post.edited_at = utcnow()
    db.session.add(
        PostRevision(post_id=post.id, number=post.edit_count + 1, body_source=post.body_source,
                     body_html=post.body_html, written_at=post.edited_at)
    )  # fmt: skip
    indexing.post_changed(post)
    db.session.commit()


def delete_post(user: User, post: Post) -> None:
    if post.author_id != user.id:
        raise RuleViolation("You can only delete your own posts")
    if post.is_removed:
        return
    post.deleted_at = utcnow()
    thread = db.session.get(Thread, post.thread_id)
    if thread.key_post_id == post.id:
        thread.key_post_id = None
    indexing.key_learning_changed(thread, post)
    record("post.deleted", user, post, f"in {thread.title[:150]}", community_id=thread.community_id)
    # Its files go with it, bytes and all: no one could open them again.
    gone = files.take_away_files_of_post(post)
    db.session.commit()
    files.delete_bytes(gone)


def toggle_helpful(user: User, post: Post, mark: bool | None = None) -> bool:
    """Mark or unmark a post as helpful; True if it is now marked.

    `mark` says which the member pressed, so that pressing "Helpful" twice (a
    double click, a resubmitted form) is refused rather than undone.
    """
    require_confirmed(user, "react to posts")
    if post.author_id == user.id:
        raise RuleViolation("You cannot mark your own post as helpful")
    if post.is_removed or post.is_hidden:
        raise RuleViolation("This post cannot be marked")
    existing = db.session.get(HelpfulReaction, (post.id, user.id))
    if mark is True and existing is not None:
        raise RuleViolation("You have already marked this post as helpful")
    if mark is False and existing is None:
        raise RuleViolation("You have not marked this post as helpful")
    # Two presses racing past the check above (on PostgreSQL, where writes are
    # not serialised) meet the primary key or find nothing to delete: the
    # second is refused like any repeat, and the count moves once.
    if existing is None:
        try:
            with db.session.begin_nested():
                db.session.add(HelpfulReaction(post_id=post.id, user_id=user.id))
        except sa.exc.IntegrityError:
            raise RuleViolation("You have already marked this post as helpful") from None
        post.helpful_count = Post.helpful_count + 1
        marked = True
    else:
        db.session.expunge(existing)
        removed = db.session.execute(
            sa.delete(HelpfulReaction).where(
                HelpfulReaction.post_id == post.id, HelpfulReaction.user_id == user.id
            )
        ).rowcount
        if not removed:
            raise RuleViolation("You have not marked this post as helpful")
        post.helpful_count = Post.helpful_count - 1
        marked = False
    indexing.post_changed(post)
    db.session.commit()
    return marked


def set_key_learning(user: User, post: Post, mark: bool) -> None:
    thread = db.session.get(Thread, post.thread_id)
    if not (thread.author_id == user.id or can_moderate_thread(user, thread)):
        raise RuleViolation("Only the thread's author or a facilitator can mark the key learning")
    previous = db.session.get(Post, thread.key_post_id) if thread.key_post_id else None
    if mark:
        if post.position == 1:
            raise RuleViolation("Choose a reply as the key learning, not the first post")
        if post.is_removed or post.is_hidden:
            raise RuleViolation("A removed or hidden post cannot be the key learning")
        thread.key_post_id = post.id
        if thread.community is not None:
            thread.community.last_activity_at = utcnow()
        signals.key_learning_marked.send(post, thread=thread, actor=user)
    elif thread.key_post_id == post.id:
        thread.key_post_id = None
    indexing.key_learning_changed(thread, post, previous)
    record(
        "thread.key_learning_marked" if mark else "thread.key_learning_cleared", user, thread,
        thread.title[:200], community_id=thread.community_id,
    )  # fmt: skip
    db.session.commit()


def follow(thread: Thread, user_ids: Iterable[int]) -> None:
    """Those of `user_ids` with no setting for `thread` follow every reply: a method's
    authors and a project's team, so they hear every question (a setting chosen stays)."""
    for user_id in user_ids:
        if db.session.get(ThreadWatch, (user_id, thread.id)) is None:
            db.session.add(
                ThreadWatch(user_id=user_id, thread_id=thread.id, level=WatchLevel.WATCHING)
            )


def set_watch_level(user: User, thread: Thread, level: str) -> None:
    if level not in {w.value for w in WatchLevel}:
        raise RuleViolation("Choose how closely to follow this thread", "level")
    watch = db.session.get(ThreadWatch, (user.id, thread.id))
    if watch is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id, level=level))
    else:
        watch.level = level
    db.session.commit()
