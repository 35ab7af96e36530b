"""Threads and posts: starting, replying, editing, removing, reactions and key learnings.

Moderation (pin, lock, hide, flags) lives in moderation.py beside this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community, Membership
from community.communities.services import require_confirmed
from community.discussions.models import (
    POSTS_PER_PAGE,
    Flag,
    HelpfulReaction,
    Post,
    PostRevision,
    Thread,
)
from community.errors import RuleViolation
from community.extensions import db
from community.markdown import mentioned_usernames
from community.notifications import services as notify
from community.notifications.models import ThreadWatch, WatchLevel
from community.search import indexing
from community.slugs import slugify
from community.timefmt import utcnow
from community.visibility import (
    can_moderate_thread,
    can_see_community,
    can_see_thread,
    membership,
    visible_community_ids,
)

MAX_TITLE = 200
MAX_BODY = 20000


# ------------------------------------------------------------------ finding


def get_thread_or_404(thread_id: int, user) -> Thread:
    """A community thread or a method's thread, if `user` may see it."""
    thread = db.session.get(Thread, thread_id)
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
    if post.is_hidden and not (post.author_id == user.id or can_moderate_thread(user, post.thread)):
        abort(404)
    if for_edit and (post.author_id != user.id or post.is_removed):
        abort(403)
    return post


def threads_page(community: Community, page: int, per_page: int):
    """Pinned threads first, then by latest activity."""
    query = (
        sa.select(Thread)
        .options(_author_name(Thread.author))
        .where(Thread.community_id == community.id)
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass
class ThreadPage:
    thread: Thread
    number: int
    pages: int
    posts: list[Post]
    quoted: dict[int, Post] = field(default_factory=dict)
    helpful_by_me: set[int] = field(default_factory=set)
    flagged_by_me: set[int] = field(default_factory=set)
    key_post: Post | None = None
    first_post: Post | None = None
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


def _author_name(relationship):
    """Lists show an author's name and profile link: load those, not their organisation."""
    return joinedload(relationship).load_only(User.id, User.username, User.name).lazyload("*")


def _posts_with_authors(clause) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post).options(_author_name(Post.author)).where(clause).order_by(Post.position)
        )
    )


def thread_page(thread: Thread, user, number: int) -> ThreadPage:
    """One page of a thread: a fixed number of queries whatever its length."""
    pages = thread.last_page
    number = min(max(number, 1), pages)
    first, last = (number - 1) * POSTS_PER_PAGE + 1, number * POSTS_PER_PAGE
    posts = _posts_with_authors(
        sa.and_(Post.thread_id == thread.id, Post.position.between(first, last))
    )
    member = membership(user, thread.community) if thread.community is not None else None
    result = ThreadPage(
        thread=thread, number=number, pages=pages, posts=posts, membership=member,
        can_facilitate=can_moderate_thread(user, thread, member),
        can_post=_may_post(user, thread, member),
    )  # fmt: skip
    wanted = {p.reply_to_id for p in posts if p.reply_to_id}
    if thread.key_post_id:
        wanted.add(thread.key_post_id)
    extra = _posts_with_authors(
        sa.or_(Post.id.in_(wanted), sa.and_(Post.thread_id == thread.id, Post.position == 1))
    )
    by_id = {p.id: p for p in posts + extra}
    result.quoted = {pid: by_id[pid] for pid in wanted if pid in by_id}
    key_post = by_id.get(thread.key_post_id) if thread.key_post_id else None
    # Flags can hide the key learning until reviewed: only those who may see it, see it.
    if (
        key_post is not None
        and key_post.is_hidden
        and not (result.can_facilitate or key_post.author_id == user.id)
    ):
        key_post = None
    result.key_post = key_post
    result.first_post = next((p for p in posts + extra if p.position == 1), None)
    ids = [p.id for p in posts]
    if ids:
        result.helpful_by_me = set(
            db.session.scalars(
                sa.select(HelpfulReaction.post_id).where(
                    HelpfulReaction.user_id == user.id, HelpfulReaction.post_id.in_(ids)
                )
            )
        )
        result.flagged_by_me = set(
            db.session.scalars(
                sa.select(Flag.post_id).where(Flag.flagger_id == user.id, Flag.post_id.in_(ids))
            )
        )
    result.watch_level = watch_level(user, thread)
    return result


def watch_level(user, thread: Thread) -> str:
    level = db.session.scalar(
        sa.select(ThreadWatch.level).where(
            ThreadWatch.user_id == user.id, ThreadWatch.thread_id == thread.id
        )
    )
    return level or WatchLevel.NORMAL


def revisions_of(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision)
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
    notify.new_post(post, thread, author, mentions, reply_to)
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
    notify.new_thread(thread, user)
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
    db.session.commit()


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
        notify.key_learning(thread, post, user)
    elif thread.key_post_id == post.id:
        thread.key_post_id = None
    indexing.key_learning_changed(thread, post, previous)
    record(
        "thread.key_learning_marked" if mark else "thread.key_learning_cleared", user, thread,
        thread.title[:200], community_id=thread.community_id,
    )  # fmt: skip
    db.session.commit()


def set_watch_level(user: User, thread: Thread, level: str) -> None:
    if level not in {w.value for w in WatchLevel}:
        raise RuleViolation("Choose how closely to follow this thread", "level")
    watch = db.session.get(ThreadWatch, (user.id, thread.id))
    if watch is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id, level=level))
    else:
        watch.level = level
    db.session.commit()


# ------------------------------------------------------------------ home feed


class FeedPage(Pagination):
    """A page of the home feed, made from each community's newest threads.

    Sorting every thread of every community a member belongs to would cost more
    as communities grow. Instead each community gives its newest `page ×
    per_page` threads from the (community, last activity) index and only those
    are merged, so a page costs the same however many threads the communities
    hold; the total comes from the communities' thread counters.
    """

    def _query_items(self) -> list[Thread]:
        communities = self._query_args["communities"]
        if not communities:
            return []
        depth = self.page * self.per_page
        newest = [
            sa.select(Thread.id, Thread.last_post_at)
            .where(Thread.community_id == community_id)
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(depth)
            .subquery()
            for community_id in communities
        ]
        merged = sa.union_all(*(sa.select(n.c.id, n.c.last_post_at) for n in newest)).subquery()
        ids = db.session.scalars(
            sa.select(merged.c.id)
            .order_by(merged.c.last_post_at.desc(), merged.c.id.desc())
            .offset(depth - self.per_page)
            .limit(self.per_page)
        ).all()
        rows = db.session.scalars(
            sa.select(Thread).options(_author_name(Thread.author)).where(Thread.id.in_(ids))
        )
        threads = {t.id: t for t in rows}
        return [threads[i] for i in ids if i in threads]

    def _query_count(self) -> int:
        return self._query_args["total"]


def home_feed(user: User, page: int, per_page: int) -> FeedPage:
    """Recent activity in the member's communities: threads by latest activity."""
    mine = sa.select(Membership.community_id).where(Membership.user_id == user.id)
    rows = db.session.execute(
        sa.select(Community.id, Community.thread_count).where(
            Community.id.in_(mine), Community.id.in_(visible_community_ids(user))
        )
    ).all()
    return FeedPage(
        page=page, per_page=per_page, error_out=False,
        communities=[row.id for row in rows], total=sum(row.thread_count for row in rows),
    )  # fmt: skip


def key_posts_for(threads: list[Thread]) -> dict[int, Post]:
    ids = [t.key_post_id for t in threads if t.key_post_id]
    if not ids:
        return {}
    # A feed excerpt is for everyone: a key learning hidden by flags is left out.
    shown = sa.and_(Post.id.in_(ids), Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    return {p.id: p for p in _posts_with_authors(shown)}
