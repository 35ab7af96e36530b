"""Taking personal information back: redacting an earlier version, purging a post.

Staff paste patient details by mistake. Editing them out of a post leaves them
in its history, so the post's author and the thread's moderators can redact an
earlier version, and a site administrator can purge a whole post. Either way the
text is overwritten in the database (not flagged as hidden), and every copy
this service made of it goes too: the search index, and emails (queued or kept
after sending) that quoted it. Kept pages and post fragments hold the old
text under keys that include it or the content version, which an update to
a post or a version moves on (community/caching/changes.py), so none is shown again.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import Flag, FlagStatus, Post, PostRevision, Thread
from community.files import services as files
from community.notifications.services import excerpt
from community.outbox.models import OutboxMessage
from community.search import indexing
from community.visibility import can_moderate_thread

REMOVED_FROM_EMAIL = "[This text has been removed.]"


def may_redact(user, post: Post, thread: Thread) -> bool:
    """The post's author, and whoever moderates its thread."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (post.author_id is not None and post.author_id == user.id) or can_moderate_thread(
        user, thread
    )


def revision_of(post: Post, number: int) -> PostRevision | None:
    return db.session.scalar(
        sa.select(PostRevision).where(
            PostRevision.post_id == post.id, PostRevision.number == number
        )
    )


def is_current(post: Post, revision: PostRevision) -> bool:
    """The newest version is the text the post shows now: edit it out instead."""
    return revision.number == post.edit_count + 1


def redact_revision(user: User, post: Post, revision: PostRevision) -> None:
    """Overwrite an earlier version's text; the history says who redacted it and when."""
    thread = db.session.get(Thread, post.thread_id)
    if not may_redact(user, post, thread):
        raise RuleViolation("Only the post's author or " + thread.moderators_label + " can do that")
    if revision.post_id != post.id:
        raise RuleViolation("That version is not of this post")
    if is_current(post, revision):
        raise RuleViolation(
            "This is the post's current text: edit the post to take the information out, "
            "then redact this version"
        )
    if revision.is_redacted:
        return
    _forget_in_emails([revision.body_source])
    revision.body_source = ""
    revision.body_html = ""
    revision.redacted_at = utcnow()
    revision.redacted_by_id = user.id
    record(
        "post.version_redacted", user, post, f"version {revision.number} in {thread.title[:150]}",
        community_id=thread.community_id,
    )  # fmt: skip
    db.session.commit()


def purge_post(user: User, post: Post) -> None:
    """Remove a post's text and every version of it for good (site administrators)."""
    if not user.is_admin:
        raise RuleViolation("Only a site administrator can purge a post")
    if post.is_purged:
        return
    thread = db.session.get(Thread, post.thread_id)
    revisions = list(
        db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == post.id))
    )
    _forget_in_emails([post.body_source, *(r.body_source for r in revisions)])
    for revision in revisions:
        db.session.delete(revision)
    now = utcnow()
    post.body_source = ""
    post.body_html = ""
    post.deleted_at = post.deleted_at or now
    post.purged_at = now
    if thread.key_post_id == post.id:
        thread.key_post_id = None
    # Nothing is left to review: the flags are settled as the post being taken down. Their
    # notes go too, as a flagger's note often repeats what the post shared.
    db.session.execute(
        sa.update(Flag)
        .where(Flag.post_id == post.id, Flag.status == FlagStatus.OPEN)
        .values(status=FlagStatus.HIDDEN, resolved_by_id=user.id, resolved_at=now)
    )
    db.session.execute(sa.update(Flag).where(Flag.post_id == post.id).values(note=""))
    indexing.key_learning_changed(thread, post)
    record("post.purged", user, post, f"in {thread.title[:150]}", community_id=thread.community_id)
    gone = files.take_away_files_of_post(post)
    db.session.commit()
    files.delete_bytes(gone)


def hold_back_from_waiting_emails(post: Post) -> None:
    """A post hidden at once for personal information: emails that quoted it and have not
    gone yet go without its text (the caller commits). Sent ones are taken care of if the
    post is then redacted or purged."""
    _forget_in_emails([post.body_source], waiting_only=True)


def _forget_in_emails(texts: Iterable[str], waiting_only: bool = False) -> None:
    """Take `texts` out of every email that quoted them, waiting or sent (or only those
    still waiting).

    A new post's email quotes its opening (`notifications.services.excerpt`), so
    that is what is looked for. A queued email goes out without it; a sent one is
    no longer kept with it. A scan of the outbox on a rare, deliberate act.
    """
    quoted = {excerpt(text) for text in texts if text.strip()}
    for piece in quoted:
        query = sa.select(OutboxMessage).where(
            OutboxMessage.body_text.contains(piece, autoescape=True)
        )
        if waiting_only:
            query = query.where(OutboxMessage.sent_at.is_(None))
        messages = db.session.scalars(query)
        for message in messages:
            message.body_text = message.body_text.replace(piece, REMOVED_FROM_EMAIL)
