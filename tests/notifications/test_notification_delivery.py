"""A reply's watchers are told once its response has gone (NOTIFY_AFTER_RESPONSE).

The rest of the suite runs with the setting off, notifications written with
the post; these tests switch it on and prove the watchers are told, once, by
the server after the response or by the background sender after a stop, and
that a post removed in between tells no one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from factories import client_as, make_community, make_thread, notifications_for
from helpers import run_command

from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions import moderation
from community.discussions import services as discussions
from community.notifications import delivery
from community.notifications.models import (
    EmailFrequency,
    NotificationKind,
    PendingDelivery,
    ThreadWatch,
    WatchLevel,
)
from community.outbox.models import OutboxMessage


@pytest.fixture
def after_response(app):
    app.config["NOTIFY_AFTER_RESPONSE"] = True
    yield
    app.config["NOTIFY_AFTER_RESPONSE"] = False


@pytest.fixture
def watched(make_user):
    fay, mo = make_user("fay"), make_user("mo", email_notifications=EmailFrequency.IMMEDIATE)
    ash = make_user("ash")
    lounge = make_community(fay, "Discharge lounge", members=[mo, ash])
    thread = make_thread(fay, lounge, "Weekend discharges")
    db.session.add(ThreadWatch(user_id=mo.id, thread_id=thread.id, level=WatchLevel.WATCHING))
    db.session.commit()
    return fay, mo, ash, lounge, thread


def _pending() -> int:
    return db.session.scalar(sa.select(sa.func.count(PendingDelivery.id)))


def _emails() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def test_watchers_are_told_once_the_response_has_gone(after_response, watched):
    fay, mo, ash, lounge, thread = watched
    emails = _emails()
    response = client_as(ash).post(
        f"/communities/{lounge.slug}/threads/{thread.id}/reply", data={"body": "We tried it"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _pending() == 1 and notifications_for(mo) == []  # not yet: the response is open
    response.close()  # the server has sent it
    db.session.expire_all()
    assert [n.kind for n in notifications_for(mo)] == [NotificationKind.REPLY]
    assert [n.kind for n in notifications_for(fay)] == [NotificationKind.REPLY]  # the author
    assert notifications_for(ash) == []
    assert _emails() == emails + 1  # mo asked for immediate email
    assert _pending() == 0


def test_a_delivery_left_by_a_stopped_server_is_made_once_by_the_sender(
    app, after_response, watched
):
    fay, mo, ash, _lounge, thread = watched
    with app.test_request_context("/", method="POST"):
        discussions.reply(ash, thread, "Posted just before the server stopped")
    # (The request ended without a response being sent: nothing was delivered.)
    assert _pending() == 1 and notifications_for(mo) == []
    assert delivery.deliver_waiting() == 0  # too recent: its server may still deliver it
    db.session.execute(
        sa.update(PendingDelivery).values(created_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    result = run_command(app, ["outbox", "send"])
    assert "notifications: 1 new post delivered" in result.output
    db.session.expire_all()
    assert len(notifications_for(mo)) == 1 and _pending() == 0
    assert delivery.deliver_waiting(older_than=timedelta(0)) == 0  # nothing twice


def test_a_post_hidden_before_its_delivery_tells_no_one(app, after_response, watched):
    fay, mo, ash, _lounge, thread = watched
    with app.test_request_context("/", method="POST"):
        post = discussions.reply(ash, thread, "Something that should not have been posted")
    pending_id = db.session.scalar(sa.select(PendingDelivery.id))
    moderation.hide_post(fay, post)
    db.session.commit()
    assert delivery.deliver(pending_id) is True
    assert notifications_for(mo) == [] and _pending() == 0
    assert delivery.deliver(pending_id) is False  # gone: delivered already
