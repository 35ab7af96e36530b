"""Threads now belong to a community or a method: both kinds work, and stay apart."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import make_community, publish_method, switch_to
from sqlalchemy.exc import IntegrityError

from community.core.extensions import db
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import Flag, Post, Thread
from community.methods import services, uses
from community.notifications import inbox
from community.notifications.models import Notification


def test_a_thread_belongs_to_exactly_one_home(author):
    method = publish_method(author)
    community = make_community(author)
    for home in ({}, {"community_id": community.id, "method_id": method.id}):
        db.session.add(Thread(title="Nowhere", slug="nowhere", post_count=0, **home))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_community_threads_still_work_end_to_end(client, author, member, make_user):
    community = make_community(author, "Discharge network", members=[member])
    thread = discussions.start_thread(author, community, "Criteria-led discharge", "Who signs?")
    switch_to(client, member)
    page = client.get(f"/communities/{community.slug}/threads/{thread.id}-{thread.slug}")
    assert page.status_code == 200 and "Who signs?" in page.text
    done = client.post(
        f"/communities/{community.slug}/threads/{thread.id}/reply", data={"body": "The nurse"}
    )
    post = db.session.scalar(sa.select(Post).where(Post.position == 2))
    assert done.location == f"/communities/{community.slug}/threads/{thread.id}-{thread.slug}" \
        f"#post-{post.id}"  # fmt: skip
    assert client.get(f"/posts/{post.id}").status_code == 302
    moderation.flag_post(make_user(), post, "spam", "")
    switch_to(client, author)
    review = client.post(f"/posts/{post.id}/review", data={"decision": "keep"})
    assert review.location == f"/communities/{community.slug}/moderation"
    lock = client.post(
        f"/communities/{community.slug}/threads/{thread.id}/moderate", data={"action": "lock"}
    )
    assert lock.status_code == 302
    db.session.expire_all()
    assert db.session.get(Thread, thread.id).is_locked
    assert db.session.scalar(sa.select(Flag.community_id)) == community.id


def test_a_method_thread_is_not_reachable_under_a_community(client, author):
    method = publish_method(author)
    thread = services.thread_of(method)
    switch_to(client, author)
    for suffix in ("reply", "watch", "moderate"):
        response = client.post(f"/communities/any/threads/{thread.id}/{suffix}", data={})
        assert response.status_code == 404
    with pytest.raises(Exception, match="stays with its method"):
        moderation.move_thread(author, thread, make_community(author))


def test_mentions_in_a_method_discussion_reach_only_those_who_can_see_it(author, make_user):
    insider = make_user("ivy-insider")
    make_user("otto-outsider")  # exists, but is not in the circle
    circle = make_community(author, "Private circle", private=True, members=[insider])
    method = publish_method(author, "Private method", community_id=circle.id)
    thread = services.thread_of(method)
    discussions.reply(insider, thread, "Thoughts, @otto-outsider and @ama-author?")
    recipients = set(db.session.scalars(sa.select(Notification.recipient_id)))
    assert recipients == {author.id}


def test_notifications_about_a_method_follow_its_visibility(author, member):
    method = publish_method(author)
    uses.record_use(member, method)
    discussions.reply(member, services.thread_of(method), "Worked well for us")
    assert inbox.unread_count(author) == 2
    services.unpublish(author, method)
    assert inbox.unread_count(author) == 2  # authors still see their draft
    services.delete_method(author, method)
    assert inbox.unread_count(author) == 0
    assert inbox.notifications_page(author, 1, 20).total == 0


def test_a_notification_about_a_method_opens_it(client, author, member):
    method = publish_method(author)
    uses.record_use(member, method)
    note = db.session.scalar(sa.select(Notification))
    switch_to(client, author)
    opened = client.post(f"/notifications/{note.id}/open")
    assert opened.location == f"/methods/{method.id}"
    assert client.get(opened.location).location == f"/methods/{method.id}-{method.slug}"


def test_a_method_page_says_how_its_discussion_goes(client, author, member):
    method = publish_method(author)
    page = f"/methods/{method.id}-{method.slug}"
    switch_to(client, member)
    assert "Ask a question or share how it went" in client.get(page).get_data(as_text=True)
    thread = services.thread_of(method)
    discussions.reply(member, thread, "We tried it on nights.")
    discussions.reply(author, thread, "How did it go?")
    assert "2 comments: read and reply" in client.get(page).get_data(as_text=True)
