"""Communities, threads and posts built through the real services, and clients to read them.

Plain functions, not fixtures: call them from a test that uses the `db`
fixture (they need its app context). Building through the services keeps the
counters, watches and notifications exactly as members would leave them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app, g
from flask.testing import FlaskClient
from helpers import sign_in_as

from community.accounts.models import User
from community.communities import joining
from community.communities import services as communities
from community.communities.models import Community, Visibility
from community.core.extensions import db
from community.discussions import services as discussions
from community.discussions.models import Post, Thread
from community.notifications.models import Notification

_sequence = itertools.count(1)


def make_community(
    facilitator: User,
    name: str | None = None,
    *,
    visibility: str = Visibility.OPEN,
    private: bool = False,
    members: Iterable[User] = (),
    listed: bool = False,
    purpose: str | None = None,
    question: str = "What helps patients get home sooner?",
) -> Community:
    """An active community run by `facilitator`, with `members` already in it.

    `private=True` is short for `visibility=Visibility.PRIVATE`. The approval step is
    switched off while it is proposed (approval has its own tests); members of a private
    community join by invitation, as they would for real.
    """
    name = name or f"Community {next(_sequence)}"
    config = current_app.config
    approval = config["COMMUNITY_APPROVAL_REQUIRED"]
    config["COMMUNITY_APPROVAL_REQUIRED"] = False
    try:
        community = communities.propose_community(
            facilitator,
            name=name,
            purpose=purpose or f"Share what works in {name}",
            learning_question=question,
            visibility=Visibility.PRIVATE if private else visibility,
            listed=listed,
        )
    finally:
        config["COMMUNITY_APPROVAL_REQUIRED"] = approval
    for user in members:
        add_member(community, user, facilitator)
    return community


def add_member(community: Community, user: User, facilitator: User | None = None) -> None:
    if community.visibility == Visibility.PRIVATE:
        facilitator = facilitator or db.session.get(User, community.created_by_id)
        invitation = joining.invite(facilitator, community, user.email)
        joining.accept_invitation(user, community, invitation.token)
    else:
        communities.join(user, community)


def make_thread(
    author: User, community: Community, title: str | None = None, body: str | None = None
) -> Thread:
    title = title or f"Thread {next(_sequence)} about morning discharges"
    body = body or "We moved the board round to 8am. Has anyone else tried it?"
    return discussions.start_thread(author, community, title, body)


def make_post(
    author: User, thread: Thread, body: str | None = None, reply_to: Post | None = None
) -> Post:
    body = body or f"Reply {next(_sequence)}: we saw the same on our ward."
    return discussions.reply(author, thread, body, reply_to)


def first_post(thread: Thread) -> Post:
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def notifications_for(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.recipient_id == user.id)
            .order_by(Notification.id)
        )
    )


class MemberClient(FlaskClient):
    """A test client whose every request loads its own signed-in member.

    The `db` fixture keeps one app context open for the whole test and Flask
    reuses it for each request, so Flask-Login's cached user on `g` would
    otherwise carry one client's member into another client's request.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


def client_as(user: User | None = None) -> MemberClient:
    """A fresh client signed in as `user` (or signed out)."""
    app = current_app._get_current_object()
    client = MemberClient(app, app.response_class, use_cookies=True)
    if user is not None:
        sign_in_as(client, user)
    return client
