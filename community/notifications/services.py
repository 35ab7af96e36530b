"""Who hears about what, in the app and by email.

Notifications are created inside the action's transaction, only for members
who may see the content (checked again when they are listed and when digests
are sent, in case access has changed since). Email goes through the outbox:
at once for members who chose "immediate", in a daily or weekly digest
(digests.py) for "daily" and "weekly", except the kinds in EMAILED_AT_ONCE.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

import sqlalchemy as sa

from community.accounts.models import User
from community.communities.models import JoinRequest, Membership
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.notifications.inbox import absolute_link
from community.notifications.models import (
    EMAILED_AT_ONCE,
    EmailFrequency,
    Notification,
    NotificationKind,
    ThreadWatch,
    WatchLevel,
)
from community.outbox.services import queue_emails
from community.visibility import users_who_can_see_method, users_who_can_see_thread
from community.web.urls import external_url


def excerpt(text: str, length: int = 240) -> str:
    """The opening of a post as an email quotes it (redaction looks for it there too)."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _create(
    recipients: dict[int, str],
    *,
    actor: User | None,
    community_id: int | None,
    thread=None,
    post=None,
    method=None,
    project=None,
    texts: dict[str, str],
    email_body: str = "",
    mentoring_request=None,
    mentorship=None,
    always_email: bool = False,
) -> None:
    """Write one notification per recipient; email those who asked for immediate email
    (everyone, with `always_email`, for safety matters whatever their setting).

    A reply in a busy thread notifies hundreds of watchers, so the rows are
    written in one batched INSERT each (notifications, then emails), not one
    statement per recipient.
    """
    if not recipients:
        return
    users = db.session.execute(
        sa.select(User.id, User.name, User.email, User.email_notifications).where(
            User.id.in_(recipients)
        )
    ).all()
    now = utcnow()
    # What every row shares, read once (the actor is often `current_user`, a proxy).
    common = {
        "actor_id": actor.id if actor else None,
        "community_id": community_id,
        "thread_id": thread.id if thread is not None else None,
        "post_id": post.id if post is not None else None,
        "method_id": method.id if method is not None else None,
        "project_id": project.id if project is not None else None,
        "mentoring_request_id": mentoring_request.id if mentoring_request else None,
        "mentorship_id": mentorship.id if mentorship is not None else None,
        "created_at": now,
    }
    links: dict[str, str] = {}
    settings = None
    notifications, emails = [], []
    for user in users:
        kind = recipients[user.id]
        immediate = (
            always_email
            or user.email_notifications == EmailFrequency.IMMEDIATE
            or (kind in EMAILED_AT_ONCE and user.email_notifications != EmailFrequency.NONE)
        )
        notifications.append({
            **common, "recipient_id": user.id, "kind": kind, "text": texts[kind][:300],
            "emailed_at": now if immediate else None,
        })  # fmt: skip
        if immediate:
            if kind not in links:  # the same address the inbox and the digest link to
                links[kind] = absolute_link(SimpleNamespace(**common, kind=kind))
            link = links[kind]
            settings = settings or external_url("notifications.settings")
            emails.append(
                (
                    user.email,
                    texts[kind][:200],
                    f"Hello {user.name},\n\n{texts[kind]}\n\n{email_body}{link}\n\n"
                    f"You can change how we email you: {settings}\n",
                )
            )
    if notifications:
        # The table, not the entity: the ORM's bulk insert would split the rows into a
        # statement per run of rows with and without emailed_at.
        db.session.execute(sa.insert(Notification.__table__), notifications)
    queue_emails(emails)


def _thread_place(thread) -> str:
    if thread.community_id is None:  # a method's or a project's discussion
        return f"the discussion of “{thread.title}”"
    return f"“{thread.title}” in {thread.community.name}"


def new_post(post, thread, author: User, mentions: set[str], reply_to) -> None:
    levels = dict(
        db.session.execute(
            sa.select(ThreadWatch.user_id, ThreadWatch.level).where(
                ThreadWatch.thread_id == thread.id
            )
        ).all()
    )
    recipients: dict[int, str] = {
        uid: NotificationKind.REPLY for uid, level in levels.items() if level == WatchLevel.WATCHING
    }
    replied_to = reply_to.author_id if reply_to is not None else None
    if replied_to and levels.get(replied_to) != WatchLevel.MUTED:
        recipients[replied_to] = NotificationKind.REPLY_TO_YOU
    if mentions:
        for uid in db.session.scalars(sa.select(User.id).where(User.username.in_(mentions))):
            if levels.get(uid) != WatchLevel.MUTED:
                recipients[uid] = NotificationKind.MENTION
    recipients.pop(author.id, None)
    allowed = users_who_can_see_thread(thread, set(recipients))
    recipients = {uid: kind for uid, kind in recipients.items() if uid in allowed}
    where = _thread_place(thread)
    _create(
        recipients,
        actor=author,
        community_id=thread.community_id,
        thread=thread,
        post=post,
        texts={
            NotificationKind.REPLY: f"{author.name} replied in {where}",
            NotificationKind.REPLY_TO_YOU: f"{author.name} replied to you in {where}",
            NotificationKind.MENTION: f"{author.name} mentioned you in {where}",
        },
        email_body=excerpt(post.body_source) + "\n\n",
    )


def new_thread(thread, author: User) -> None:
    watchers = set(
        db.session.scalars(
            sa.select(Membership.user_id).where(
                Membership.community_id == thread.community_id,
                Membership.watch_new_threads.is_(True),
                Membership.user_id != author.id,
            )
        )
    )
    already = set(
        db.session.scalars(
            sa.select(Notification.recipient_id).where(Notification.thread_id == thread.id)
        )
    )
    _create(
        {uid: NotificationKind.NEW_THREAD for uid in watchers - already},
        actor=author,
        community_id=thread.community_id,
        thread=thread,
        texts={
            NotificationKind.NEW_THREAD: (
                f"{author.name} started “{thread.title}” in {thread.community.name}"
            )
        },
    )


def key_learning(thread, post, actor: User) -> None:
    recipients = {}
    if post.author_id and post.author_id != actor.id:
        recipients[post.author_id] = NotificationKind.KEY_LEARNING
    allowed = users_who_can_see_thread(thread, set(recipients))
    _create(
        {uid: kind for uid, kind in recipients.items() if uid in allowed},
        actor=actor,
        community_id=thread.community_id,
        thread=thread,
        post=post,
        texts={
            NotificationKind.KEY_LEARNING: (
                f"{actor.name} marked your reply as the key learning of “{thread.title}”"
            )
        },
    )


def join_requested(join_request: JoinRequest, facilitators: Iterable[User]) -> None:
    community = join_request.community
    _create(
        {f.id: NotificationKind.JOIN_REQUEST for f in facilitators},
        actor=join_request.user,
        community_id=community.id,
        texts={
            NotificationKind.JOIN_REQUEST: (
                f"{join_request.user.name} asked to join {community.name}"
            )
        },
    )


def join_approved(join_request: JoinRequest, facilitator: User) -> None:
    community = join_request.community
    _create(
        {join_request.user_id: NotificationKind.JOIN_APPROVED},
        actor=facilitator,
        community_id=community.id,
        texts={NotificationKind.JOIN_APPROVED: f"You have joined {community.name}"},
    )


def warned(post, thread, facilitator: User, message: str) -> None:
    # An author who has since left a private community (or can no longer see
    # the method) is not told its thread's title.
    if post.author_id not in users_who_can_see_thread(thread, {post.author_id}):
        return
    text = f"A facilitator hid your post in “{thread.title}”"
    if message.strip():
        text += f": {message.strip()}"
    _create(
        {post.author_id: NotificationKind.WARNING},
        actor=facilitator,
        community_id=thread.community_id,
        thread=thread,
        post=post,
        texts={NotificationKind.WARNING: text},
    )


def post_flagged(
    post, thread, flagger: User, reason_label: str, moderator_ids: set[int], *, quote_text: bool
) -> None:
    """Tell the thread's moderators of a flag at once, in the app and by email whatever
    their setting: a safety matter, not a summary. The email quotes the post only when
    `quote_text` (never for personal information: the link is enough)."""
    where = _thread_place(thread)
    text = f"{flagger.name} flagged a post in {where}: {reason_label}"
    _create(
        {uid: NotificationKind.FLAGGED for uid in moderator_ids - {flagger.id}},
        actor=flagger,
        community_id=thread.community_id,
        thread=thread,
        post=post,
        texts={NotificationKind.FLAGGED: text},
        email_body=(excerpt(post.body_source) + "\n\n") if quote_text else "",
        always_email=True,
    )


def method_adapted(adaptation, parent, author: User) -> None:
    """Tell the parent method's authors that `adaptation` of it has been published."""
    recipients = users_who_can_see_method(adaptation, parent.author_ids() - {author.id})
    organisation = f" at {author.organisation.name}" if author.organisation else ""
    _create(
        {uid: NotificationKind.METHOD_ADAPTED for uid in recipients},
        actor=author,
        community_id=adaptation.community_id,
        method=adaptation,
        texts={
            NotificationKind.METHOD_ADAPTED: (
                f"{author.name}{organisation} adapted your method “{parent.title}” as "
                f"“{adaptation.title}”"
            )
        },
    )


def method_used(method, user: User, organisation) -> None:
    """Tell a method's authors that `user` has used it."""
    where = f" at {organisation.name}" if organisation is not None else ""
    _create(
        {
            uid: NotificationKind.METHOD_USED
            for uid in users_who_can_see_method(method, method.author_ids() - {user.id})
        },
        actor=user,
        community_id=method.community_id,
        method=method,
        texts={
            NotificationKind.METHOD_USED: f"{user.name} used your method “{method.title}”{where}"
        },
    )


def method_used_in_project(method, project, actor: User, recipients: set[int]) -> None:
    """Tell a method's authors (those who may see the project) that a project uses it."""
    at = f" at {project.organisation.name}" if project.organisation is not None else ""
    _create(
        {
            uid: NotificationKind.METHOD_USED
            for uid in users_who_can_see_method(method, set(recipients))
        },
        actor=actor,
        community_id=project.community_id,
        method=method,
        project=project,
        texts={
            NotificationKind.METHOD_USED: (
                f"{actor.name} linked your method “{method.title}” to the project "
                f"“{project.title}”{at}"
            )
        },
    )


def method_co_author_added(method, user_ids: set[int], actor: User) -> None:
    _create(
        {
            uid: NotificationKind.METHOD_CO_AUTHOR
            for uid in users_who_can_see_method(method, user_ids - {actor.id})
        },
        actor=actor,
        community_id=method.community_id,
        method=method,
        texts={
            NotificationKind.METHOD_CO_AUTHOR: (
                f"{actor.name} added you as a co-author of “{method.title}”"
            )
        },
    )


def added_to_team(project, user_id: int, actor: User, role: str) -> None:
    as_role = f" as {role}" if role else ""
    _create(
        {user_id: NotificationKind.TEAM_ADDED},
        actor=actor,
        community_id=project.community_id,
        project=project,
        texts={
            NotificationKind.TEAM_ADDED: (
                f"{actor.name} added you to the team of “{project.title}”{as_role}"
            )
        },
    )


def project_status_changed(project, recipients: Iterable[int], actor: User, label: str) -> None:
    _create(
        {uid: NotificationKind.PROJECT_STATUS for uid in recipients if uid != actor.id},
        actor=actor,
        community_id=project.community_id,
        project=project,
        texts={
            NotificationKind.PROJECT_STATUS: (
                f"{actor.name} changed the status of “{project.title}” to {label}"
            )
        },
    )
