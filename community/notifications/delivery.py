"""Telling a new post's watchers once the reply's response has gone.

A reply in a busy thread notifies hundreds of watchers and queues the emails
of those who want them at once: most of the work of posting (in the
benchmark's thread, 250 notifications and 30 emails). The member who posted
need not wait for it. So with NOTIFY_AFTER_RESPONSE (the default), the
post's transaction records a `PendingDelivery`, and the app server delivers
it as soon as the response is sent, in its own transaction: the rows are
written a moment later, by the same process, with the same checks (who may
see the thread, who muted it) made at that moment. A post removed or hidden
in between notifies no one.

Nothing is lost if a server stops in between: `flask outbox send` (the
background sender every deployment runs) delivers whatever has waited longer
than WAITING. Each delivery deletes its record in the transaction that
writes the notifications, and a record already gone is skipped, so watchers
are told once however many processes try.

Tests run with NOTIFY_AFTER_RESPONSE off: notifications are written in the
post's transaction, as they were before.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import after_this_request, copy_current_request_context, current_app, has_request_context

from community.accounts.models import User
from community.core.extensions import db
from community.core.markdown import mentioned_usernames
from community.core.timefmt import utcnow
from community.discussions.models import Post, Thread
from community.discussions.services import existing_usernames
from community.notifications import services as notify
from community.notifications.models import PendingDelivery

log = logging.getLogger(__name__)

WAITING = timedelta(seconds=30)  # older than this, the sender delivers it


def post_added(post, thread, author, mentions: set[str], reply_to) -> None:
    """Tell the watchers of a new post: after the response, or now (see the module)."""
    if not (current_app.config["NOTIFY_AFTER_RESPONSE"] and has_request_context()):
        notify.new_post(post, thread, author, mentions, reply_to)
        return
    pending = PendingDelivery(post_id=post.id)
    db.session.add(pending)
    db.session.flush()
    pending_id = pending.id

    @copy_current_request_context
    def deliver_now() -> None:
        try:
            deliver(pending_id)
        except Exception:  # the sender delivers it later
            db.session.rollback()
            log.exception("notifying the watchers of a new post failed; left for the sender")

    @after_this_request
    def after_sending(response):
        response.call_on_close(deliver_now)
        return response


def deliver(pending_id: int) -> bool:
    """Write the notifications one pending delivery stands for; False if it was gone."""
    post_id = db.session.scalar(
        sa.select(PendingDelivery.post_id).where(PendingDelivery.id == pending_id)
    )
    gone = sa.delete(PendingDelivery).where(PendingDelivery.id == pending_id)
    if post_id is None or db.session.execute(gone).rowcount != 1:
        db.session.rollback()  # delivered already, by this process or another
        return False
    post = db.session.get(Post, post_id)
    author = db.session.get(User, post.author_id) if post.author_id else None
    if author is not None and not (post.is_removed or post.is_hidden):
        thread = db.session.get(Thread, post.thread_id)
        reply_to = db.session.get(Post, post.reply_to_id) if post.reply_to_id else None
        mentions = existing_usernames(mentioned_usernames(post.body_source))
        notify.new_post(post, thread, author, mentions, reply_to)
    db.session.commit()
    return True


def deliver_waiting(older_than: timedelta = WAITING, limit: int = 100) -> int:
    """Deliver what a server left undelivered (it stopped first); returns how many."""
    waiting = db.session.scalars(
        sa.select(PendingDelivery.id)
        .where(PendingDelivery.created_at <= utcnow() - older_than)
        .order_by(PendingDelivery.id)
        .limit(limit)
    ).all()
    db.session.rollback()
    return sum(deliver(pending_id) for pending_id in waiting)
