"""Notifications react to what happens in other features by listening to their
signals, so those features need not import notifications (which imports them)."""

from __future__ import annotations

from community.discussions import signals as discussions
from community.notifications import delivery
from community.notifications import services as notify


def connect() -> None:
    """Listen to every signal notifications react to (once however often it is called:
    blinker keeps one connection per receiver)."""
    discussions.post_added.connect(_post_added)
    discussions.thread_started.connect(_thread_started)
    discussions.key_learning_marked.connect(_key_learning_marked)
    discussions.post_flagged.connect(_post_flagged)
    discussions.author_warned.connect(_author_warned)


def _post_added(post, *, thread, author, mentions, reply_to) -> None:
    delivery.post_added(post, thread, author, mentions, reply_to)


def _thread_started(thread, *, author) -> None:
    notify.new_thread(thread, author)


def _key_learning_marked(post, *, thread, actor) -> None:
    notify.key_learning(thread, post, actor)


def _post_flagged(post, *, thread, flagger, reason_label, moderator_ids, quote_text) -> None:
    notify.post_flagged(post, thread, flagger, reason_label, moderator_ids, quote_text=quote_text)


def _author_warned(post, *, thread, facilitator, message) -> None:
    notify.warned(post, thread, facilitator, message)
