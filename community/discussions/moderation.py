"""Facilitators' tools: pin, lock, resolve, move, hide, and the flag queue.

Every action is written to the audit log with who, what and when.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community, CommunityStatus
from community.communities.services import require_confirmed
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions import redaction, signals
from community.discussions.models import Flag, FlagReason, FlagStatus, HiddenReason, Post, Thread
from community.search import indexing
from community.visibility import (
    can_facilitate,
    can_moderate_thread,
    facilitated_community_ids,
    thread_moderator_ids,
    widens_audience,
)

FLAGS_TO_HIDE = 3
# One flag for these hides the post at once from all but its author and moderators.
HIDES_AT_ONCE = frozenset({FlagReason.PRIVATE_INFORMATION})

THREAD_ACTIONS = {
    "pin": ("is_pinned", True, "Thread pinned"),
    "unpin": ("is_pinned", False, "Thread unpinned"),
    "lock": ("is_locked", True, "Thread locked: no new replies"),
    "unlock": ("is_locked", False, "Thread unlocked"),
    "resolve": ("is_resolved", True, "Thread marked as resolved"),
    "reopen": ("is_resolved", False, "Thread reopened"),
}


def _require_facilitator(user: User, community: Community) -> None:
    if not can_facilitate(user, community):
        raise RuleViolation("Only this community's facilitators can do that")


def _require_moderator(user: User, thread: Thread) -> None:
    if not can_moderate_thread(user, thread):
        if thread.method_id is not None:
            raise RuleViolation("Only the method's authors can do that")
        if thread.project_id is not None:
            raise RuleViolation("Only the project's leads can do that")
        raise RuleViolation("Only this community's facilitators can do that")


def moderate_thread(user: User, thread: Thread, action: str) -> str:
    """Apply a pin/lock/resolve action; returns the message to show."""
    if action not in THREAD_ACTIONS:
        raise RuleViolation("Choose an action")
    if action in ("resolve", "reopen") and thread.author_id == user.id:
        pass  # the author may resolve their own question
    else:
        _require_moderator(user, thread)
    attribute, value, message = THREAD_ACTIONS[action]
    setattr(thread, attribute, value)
    record(f"thread.{action}", user, thread, thread.title[:200], community_id=thread.community_id)
    db.session.commit()
    return message


def move_targets(user: User, thread: Thread) -> list[Community]:
    """Communities `user` may move `thread` to: the others they facilitate."""
    query = sa.select(Community).where(
        Community.id != thread.community_id, Community.status == CommunityStatus.ACTIVE
    )
    if not user.is_admin:
        query = query.where(Community.id.in_(facilitated_community_ids(user)))
    return list(db.session.scalars(query.order_by(Community.name).limit(500)))


def move_thread(
    user: User, thread: Thread, target: Community, *, widen_audience: bool = False
) -> None:
    """Move a community's thread to another; out of a private community only when the
    facilitator chose to (`widen_audience`), since its posts were written for its members."""
    if thread.method_id is not None:
        raise RuleViolation("A method's discussion stays with its method", "community")
    if thread.project_id is not None:
        raise RuleViolation("A project's discussion stays with its project", "community")
    source = thread.community
    _require_facilitator(user, source)
    _require_facilitator(user, target)
    if target.id == source.id:
        raise RuleViolation("Choose a different community", "community")
    if widens_audience(source, target) and not widen_audience:
        raise RuleViolation(
            f"Its posts were written for members of {source.name} only: confirm that you "
            f"want people outside {source.name} to read them",
            "widen_audience",
        )
    thread.community_id = target.id
    thread.community = target
    source.thread_count = Community.thread_count - 1
    target.thread_count = Community.thread_count + 1
    db.session.execute(
        sa.update(Flag).where(Flag.post_id.in_(
            sa.select(Post.id).where(Post.thread_id == thread.id)
        )).values(community_id=target.id)
    )  # fmt: skip
    indexing.thread_moved(thread)
    summary = f"{thread.title[:150]}: {source.name} to {target.name}"
    record("thread.moved", user, thread, summary, community_id=source.id)
    record("thread.moved", user, thread, summary, community_id=target.id)
    db.session.commit()


def hide_post(user: User, post: Post) -> None:
    thread = db.session.get(Thread, post.thread_id)
    _require_moderator(user, thread)
    if post.is_hidden:
        return
    post.hidden_at = utcnow()
    post.hidden_reason = HiddenReason.FACILITATOR
    if thread.key_post_id == post.id:
        thread.key_post_id = None
    indexing.key_learning_changed(thread, post)
    record("post.hidden", user, post, f"in {thread.title[:150]}", community_id=thread.community_id)
    db.session.commit()


def unhide_post(user: User, post: Post) -> None:
    thread = db.session.get(Thread, post.thread_id)
    _require_moderator(user, thread)
    post.hidden_at = None
    post.hidden_reason = ""
    indexing.post_changed(post)
    record("post.unhidden", user, post, f"in {thread.title[:150]}",
           community_id=thread.community_id)  # fmt: skip
    db.session.commit()


def flag_post(user: User, post: Post, reason: str, note: str) -> Flag:
    require_confirmed(user, "flag posts")
    if reason not in {r.value for r in FlagReason}:
        raise RuleViolation("Choose why you are flagging this post", "reason")
    if post.author_id == user.id:
        raise RuleViolation("You cannot flag your own post")
    if post.is_removed:
        raise RuleViolation("This post has already been removed")
    already = db.session.scalar(
        sa.select(Flag.id).where(Flag.post_id == post.id, Flag.flagger_id == user.id)
    )
    if already is not None:
        raise RuleViolation("You have already flagged this post")
    thread = db.session.get(Thread, post.thread_id)
    flag = Flag(
        post_id=post.id, community_id=thread.community_id, flagger_id=user.id, reason=reason,
        note=note.strip()[:500],
    )  # fmt: skip
    db.session.add(flag)
    db.session.flush()
    if reason in HIDES_AT_ONCE:
        if post.hidden_reason != HiddenReason.FACILITATOR:
            _hide_pending_review(post, thread, HiddenReason.PERSONAL, FlagReason(reason).label)
        redaction.hold_back_from_waiting_emails(post)
    else:
        open_flaggers = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(Flag.flagger_id))).where(
                Flag.post_id == post.id, Flag.status == FlagStatus.OPEN
            )
        )
        if open_flaggers >= FLAGS_TO_HIDE and not post.is_hidden:
            _hide_pending_review(post, thread, HiddenReason.FLAGS, f"{open_flaggers} flags")
    signals.post_flagged.send(
        post, thread=thread, flagger=user, reason_label=FlagReason(reason).label,
        moderator_ids=thread_moderator_ids(thread), quote_text=reason not in HIDES_AT_ONCE,
    )  # fmt: skip
    record("post.flagged", user, post, FlagReason(reason).label, community_id=thread.community_id)
    db.session.commit()
    return flag


def _hide_pending_review(post: Post, thread: Thread, reason: HiddenReason, why: str) -> None:
    """Hide `post` until a moderator reviews its flags (a key learning stays marked, shown
    to those who may see the post, so that keeping the post restores it)."""
    post.hidden_at = post.hidden_at or utcnow()
    post.hidden_reason = reason
    indexing.post_changed(post)
    record("post.hidden_by_flags", None, post, why, community_id=thread.community_id)


def moderation_queue(community: Community) -> list[tuple[Post, list[Flag]]]:
    """Posts with open flags in `community`, oldest flag first (bounded)."""
    flags = list(
        db.session.scalars(
            sa.select(Flag)
            .options(joinedload(Flag.flagger), joinedload(Flag.post).joinedload(Post.author),
                     joinedload(Flag.post).joinedload(Post.thread))
            .where(Flag.community_id == community.id, Flag.status == FlagStatus.OPEN)
            .order_by(Flag.created_at, Flag.id)
            .limit(500)
        )
    )  # fmt: skip
    grouped: dict[int, tuple[Post, list[Flag]]] = {}
    for flag in flags:
        grouped.setdefault(flag.post_id, (flag.post, []))[1].append(flag)
    return list(grouped.values())


def thread_flag_queue(thread: Thread) -> list[tuple[Post, list[Flag]]]:
    """Posts with open flags in one thread (a method's discussion), oldest flag first."""
    flags = list(
        db.session.scalars(
            sa.select(Flag)
            .join(Post, Flag.post_id == Post.id)
            .options(joinedload(Flag.flagger), joinedload(Flag.post).joinedload(Post.author),
                     joinedload(Flag.post).joinedload(Post.thread))
            .where(Post.thread_id == thread.id, Flag.status == FlagStatus.OPEN)
            .order_by(Flag.created_at, Flag.id)
            .limit(500)
        )
    )  # fmt: skip
    grouped: dict[int, tuple[Post, list[Flag]]] = {}
    for flag in flags:
        grouped.setdefault(flag.post_id, (flag.post, []))[1].append(flag)
    return list(grouped.values())


def thread_open_flag_count(thread: Thread) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Flag.id))
        .join(Post, Flag.post_id == Post.id)
        .where(Post.thread_id == thread.id, Flag.status == FlagStatus.OPEN)
    )


def open_flag_count(community: Community) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Flag.id)).where(
            Flag.community_id == community.id, Flag.status == FlagStatus.OPEN
        )
    )


REVIEW_DECISIONS = {"keep": FlagStatus.KEPT, "hide": FlagStatus.HIDDEN, "warn": FlagStatus.WARNED}


def review_flags(user: User, post: Post, decision: str, message: str = "") -> None:
    """Act on a flagged post: keep it (unhide), hide it, or hide it and warn the author."""
    thread = db.session.get(Thread, post.thread_id)
    _require_moderator(user, thread)
    if decision not in REVIEW_DECISIONS:
        raise RuleViolation("Choose what to do with this post", "decision")
    now = utcnow()
    db.session.execute(
        sa.update(Flag)
        .where(Flag.post_id == post.id, Flag.status == FlagStatus.OPEN)
        .values(status=REVIEW_DECISIONS[decision], resolved_by_id=user.id, resolved_at=now)
    )
    if decision == "keep":
        post.hidden_at, post.hidden_reason = None, ""
    else:
        post.hidden_at = post.hidden_at or now
        post.hidden_reason = HiddenReason.FACILITATOR
        if thread.key_post_id == post.id:
            thread.key_post_id = None
    indexing.key_learning_changed(thread, post)
    if decision == "warn" and post.author_id:
        signals.author_warned.send(post, thread=thread, facilitator=user, message=message)
    record(f"flags.{decision}", user, post, f"in {thread.title[:150]}",
           community_id=thread.community_id)  # fmt: skip
    db.session.commit()
