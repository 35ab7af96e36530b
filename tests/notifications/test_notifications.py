"""Notifications in the app and by email: counts, reading, leaving, immediate and digest email."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from factories import (
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
)
from helpers import emails_to, page_text

from community.accounts.models import Role
from community.communities import services as communities
from community.communities.models import Visibility
from community.core.extensions import db
from community.discussions import moderation
from community.notifications import inbox
from community.notifications.models import EmailFrequency, Notification, NotificationKind
from community.outbox.models import OutboxMessage


@pytest.fixture
def huddle(fay, mo, ash):
    return make_community(fay, "Night Huddle", visibility=Visibility.PRIVATE, members=[mo, ash])


def send_digests(app) -> str:
    result = app.test_cli_runner().invoke(args=["notifications", "send-digests"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def unread_badge(response) -> int:
    """The number beside Notifications in the header (0 when there is no badge)."""
    match = re.search(r'class="ic-badge">(\d+)<', response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


def digests_to(user) -> list[OutboxMessage]:
    return [e for e in emails_to(user) if e.subject.startswith("Improvement Commons: ")]


def outbox_size() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


# ---------------------------------------------------------------- in the app


def test_the_header_counts_unread_notifications(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge, "Weekend discharges")
    make_post(mo, thread, "First reply")
    make_post(fay, thread, "Second reply")

    page = client_as(ash).get("/notifications")

    assert "Notifications 2 unread" in page_text(page)
    assert unread_badge(page) == 2
    assert "Mo Member replied in “Weekend discharges” in Discharge Lounge" in page_text(page)
    assert "Fay Facilitator replied in “Weekend discharges” in Discharge Lounge" in page_text(page)
    assert unread_badge(client_as(mo).get("/")) == 1
    assert unread_badge(client_as(fay).get("/")) == 0


def test_opening_a_notification_marks_it_read_and_goes_to_the_post(lounge, ash, mo):
    thread = make_thread(ash, lounge)
    reply = make_post(mo, thread, "Here is what we did.", reply_to=first_post(thread))
    [notification] = notifications_for(ash)

    response = client_as(ash).post(f"/notifications/{notification.id}/open")

    assert response.location == f"/posts/{reply.id}"
    assert notification.read_at is not None
    landing = client_as(ash).get(response.location)
    assert landing.location.endswith(f"#post-{reply.id}")
    page = client_as(ash).get("/notifications")
    assert unread_badge(page) == 0
    assert "New" not in page_text(page).split("Mark all as read")[1]
    unread = page_text(client_as(ash).get("/notifications?show=unread"))
    assert "You have no notifications you have not read." in unread


def test_someone_elses_notification_cannot_be_opened(lounge, ash, mo):
    thread = make_thread(ash, lounge)
    make_post(mo, thread)
    [notification] = notifications_for(ash)

    response = client_as(mo).post(f"/notifications/{notification.id}/open")

    assert response.status_code == 404
    assert notification.read_at is None


def test_mark_all_as_read(lounge, ash, mo, fay):
    thread = make_thread(ash, lounge)
    make_post(mo, thread)
    make_post(fay, thread)

    response = client_as(ash).post("/notifications/read-all", follow_redirects=True)

    assert "2 notifications marked as read." in page_text(response)
    assert unread_badge(response) == 0
    assert all(n.read_at is not None for n in notifications_for(ash))


def test_mark_all_as_read_counts_only_what_the_member_can_see(lounge, huddle, fay, mo, ash):
    make_thread(ash, huddle, "Staffing the night shift", "Thoughts, @mo-member?")
    make_thread(ash, lounge, "Weekend discharges", "Thoughts, @mo-member?")
    communities.leave(mo, huddle)

    response = client_as(mo).post("/notifications/read-all", follow_redirects=True)

    assert "1 notification marked as read." in page_text(response)


def test_the_header_count_agrees_with_the_list_for_every_kind_of_reader(
    lounge, huddle, fay, mo, ash, make_user
):
    """The header's count is one statement made once per kind of reader (administrator
    or not, in an organisation or not) and run with the reader's id: each kind counts
    exactly what their own list shows."""
    from factories import offer, start_mentorship

    admin = make_user("ada-admin", role=Role.ADMIN)
    loner = make_user("lou-loner", organisation=None)
    make_thread(ash, huddle, "Staffing the night shift", "@mo-member @ada-admin @lou-loner?")
    make_thread(ash, lounge, "Weekend discharges", "@mo-member @ada-admin @lou-loner?")
    communities.leave(mo, huddle)  # the huddle's mention is no longer Mo's to see
    offer(loner)
    mentorship = start_mentorship(mo, loner)  # Lou is asked; Mo hears that Lou accepted
    # Mo's colleague may see the request only as a member of its organisation.
    colleague = make_user("cal-colleague", organisation=mo.organisation)
    outsider = make_user("oz-outsider", organisation=None)
    for recipient in (colleague, outsider):
        db.session.add(
            Notification(
                recipient_id=recipient.id,
                kind=NotificationKind.MENTORSHIP_UPDATE,
                mentoring_request_id=mentorship.request_id,
                text="Goals agreed",
            )
        )
    db.session.commit()

    readers = ((mo, 2), (admin, 2), (loner, 2), (colleague, 1), (outsider, 0))
    for reader, expected in readers:
        listed = inbox.notifications_page(reader, 1, 50, unread_only=True).total
        assert (inbox.unread_count(reader), listed) == (expected, expected), reader.username
    assert len([n for n in notifications_for(mo) if n.read_at is None]) == 3


@pytest.mark.parametrize("how", ["leaves", "is removed"])
def test_private_notifications_disappear_when_the_member_loses_access(huddle, fay, mo, ash, how):
    thread = make_thread(ash, huddle, "Staffing the night shift", "Ideas, @mo-member?")
    [notification] = notifications_for(mo)
    assert "Staffing the night shift" in page_text(client_as(mo).get("/notifications"))

    if how == "leaves":
        communities.leave(mo, huddle)
    else:
        communities.remove_member(fay, huddle, mo)

    page = client_as(mo).get("/notifications")
    assert "Staffing the night shift" not in page_text(page)
    assert unread_badge(page) == 0
    assert "You have no notifications." in page_text(page)
    assert client_as(mo).post(f"/notifications/{notification.id}/open").status_code == 404
    assert client_as(mo).get(f"/threads/{thread.id}").status_code == 404


# ---------------------------------------------------------------- email


def test_the_member_chooses_how_they_are_emailed(mo):
    form = client_as(mo).get("/account/settings/notifications")
    assert 'value="daily" checked' in form.get_data(as_text=True)

    client_as(mo).post("/account/settings/notifications", data={"frequency": "immediate"})

    assert mo.email_notifications == EmailFrequency.IMMEDIATE
    refused = client_as(mo).post("/account/settings/notifications", data={"frequency": "hourly"})
    assert "There is a problem" in page_text(refused)
    assert mo.email_notifications == EmailFrequency.IMMEDIATE


def test_immediate_email_is_queued_at_once(lounge, ash, mo):
    client_as(ash).post("/account/settings/notifications", data={"frequency": "immediate"})
    thread = make_thread(ash, lounge, "Weekend discharges")

    reply = make_post(mo, thread, "We staff the lounge on Saturdays.", reply_to=first_post(thread))

    [email] = emails_to(ash)
    assert email.subject == "Mo Member replied to you in “Weekend discharges” in Discharge Lounge"
    assert "We staff the lounge on Saturdays." in email.body_text
    assert f"/posts/{reply.id}" in email.body_text
    assert notifications_for(ash)[0].emailed_at is not None
    assert emails_to(mo) == []  # daily, the default: nothing until the digest


def test_no_email_reveals_a_private_thread_to_someone_outside_it(huddle, ash, make_user):
    outsider = make_user("nia-outsider", email_notifications=EmailFrequency.IMMEDIATE)

    make_thread(ash, huddle, "Staffing the night shift", "What do you think, @nia-outsider?")

    assert emails_to(outsider) == []
    assert notifications_for(outsider) == []


def test_a_warning_does_not_reach_an_author_who_has_left(huddle, fay, ash, mo):
    ash.email_notifications = EmailFrequency.IMMEDIATE
    thread = make_thread(mo, huddle, "Staffing the night shift")
    post = make_post(ash, thread, "Off-topic advert")
    communities.leave(ash, huddle)

    moderation.review_flags(fay, post, "warn", "No adverts")

    assert post.is_hidden
    assert notifications_for(ash) == []
    assert [e for e in emails_to(ash) if "Staffing the night shift" in e.body_text] == []


def test_none_never_emails(app, lounge, ash, mo):
    client_as(ash).post("/account/settings/notifications", data={"frequency": "none"})
    thread = make_thread(ash, lounge)

    make_post(mo, thread, reply_to=first_post(thread))
    send_digests(app)

    assert len(notifications_for(ash)) == 1
    assert emails_to(ash) == []


def test_the_daily_digest_has_only_what_each_member_can_still_see(
    app, lounge, huddle, fay, mo, ash
):
    fay.email_notifications = EmailFrequency.NONE
    open_thread = make_thread(fay, lounge, "Weekend discharges")
    private_thread = make_thread(fay, huddle, "Staffing the night shift", "Thoughts, @mo-member?")
    make_post(mo, open_thread, "Pharmacy comes in at 9.")
    make_post(ash, open_thread, "Lounge open on Saturdays.")  # Mo is watching now
    make_post(mo, open_thread, "Porters too.")  # and so is Ash
    communities.remove_member(fay, huddle, mo)

    assert send_digests(app) == "Queued 2 digest emails."

    [to_mo] = digests_to(mo)
    assert to_mo.subject == "Improvement Commons: 1 update for you"
    assert "Ash Author replied in “Weekend discharges” in Discharge Lounge" in to_mo.body_text
    assert "Staffing the night shift" not in to_mo.body_text
    assert "Night Huddle" not in to_mo.body_text
    [to_ash] = digests_to(ash)
    assert "Mo Member replied in “Weekend discharges” in Discharge Lounge" in to_ash.body_text
    assert digests_to(fay) == []
    unsent = db.session.scalars(
        sa.select(Notification.thread_id).where(Notification.emailed_at.is_(None))
    ).all()
    assert private_thread.id in unsent  # never emailed, though still unread

    before = outbox_size()
    assert send_digests(app) == "Queued 0 digest emails."
    assert outbox_size() == before


def test_a_long_list_is_counted_only_so_far_past_the_page(lounge, huddle, mo, monkeypatch):
    """Thousands of notifications are not all counted on every visit: the count stops
    COUNT_AHEAD past the page, says "more than", and the pager still reaches further."""
    from community.web import paging

    monkeypatch.setattr(paging, "COUNT_AHEAD", 3)
    for n in range(12):
        db.session.add(Notification(recipient_id=mo.id, kind=NotificationKind.MENTION,
                                    community_id=lounge.id, text=f"Item {n:02d}"))  # fmt: skip
    # What Mo may not see is neither listed nor counted (he has left the huddle).
    db.session.add(Notification(recipient_id=mo.id, kind=NotificationKind.MENTION,
                                community_id=huddle.id, text="Hidden item"))  # fmt: skip
    db.session.commit()
    communities.leave(mo, huddle)

    first = inbox.notifications_page(mo, 1, 2)
    assert [n.text for n in first.items] == ["Item 11", "Item 10"]
    assert (first.total, first.over_cap, first.pages) == (5, True, 3)
    last = inbox.notifications_page(mo, 5, 2)
    assert [n.text for n in last.items] == ["Item 03", "Item 02"]
    assert (last.total, last.over_cap, last.has_next) == (12, False, True)
    assert [n.text for n in inbox.notifications_page(mo, 6, 2).items] == ["Item 01", "Item 00"]
    monkeypatch.setitem(client_as(mo).application.config, "PER_PAGE", 2)
    text = page_text(client_as(mo).get("/notifications"))
    assert "Showing 1 to 2 of more than 5 notifications" in text


# ---------------------------------------------------------------- where each one leads


def email_link(email) -> str:
    """The address in an immediate email that leads to what it is about."""
    [link] = re.findall(r"^http\S+$", email.body_text.split("You can change how")[0], re.M)
    return link


def test_the_joined_email_leads_to_the_community_and_the_request_email_to_the_requests(
    huddle, fay, make_user
):
    from community.communities import joining

    nia = make_user("nia-newcomer", email_notifications=EmailFrequency.IMMEDIATE)
    fay.email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()

    join_request = joining.request_to_join(nia, huddle, "I lead the night team")
    [asked] = emails_to(fay)
    assert email_link(asked).endswith("/communities/night-huddle/requests")

    joining.decide_join_request(fay, join_request, approve=True)
    [joined] = emails_to(nia)
    assert joined.subject == "You have joined Night Huddle"
    assert email_link(joined).endswith("/communities/night-huddle")
    # The notification in the app goes to the same place.
    [notification] = notifications_for(nia)
    with client_as(nia) as client:
        opened = client.post(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"].endswith("/communities/night-huddle")


# What each kind of notification is about, as its service records it, and where it leads.
# A new kind without a row here fails the test below.
LEADS_TO = {
    NotificationKind.REPLY: ("post", "/posts/{post}"),
    NotificationKind.REPLY_TO_YOU: ("post", "/posts/{post}"),
    NotificationKind.MENTION: ("post", "/posts/{post}"),
    NotificationKind.NEW_THREAD: ("thread", "/threads/{thread}"),
    NotificationKind.KEY_LEARNING: ("post", "/posts/{post}"),
    NotificationKind.JOIN_REQUEST: ("community", "/communities/{slug}/requests"),
    NotificationKind.JOIN_APPROVED: ("community", "/communities/{slug}"),
    NotificationKind.WARNING: ("post", "/posts/{post}"),
    NotificationKind.FLAGGED: ("post", "/posts/{post}"),
    NotificationKind.METHOD_ADAPTED: ("method", "/methods/{method}"),
    NotificationKind.METHOD_USED: ("method", "/methods/{method}"),
    NotificationKind.METHOD_CO_AUTHOR: ("method", "/methods/{method}"),
    NotificationKind.TEAM_ADDED: ("project", "/projects/{project}"),
    NotificationKind.PROJECT_STATUS: ("project", "/projects/{project}"),
    NotificationKind.MENTOR_ASKED: ("request", "/mentoring/requests/{request}"),
    NotificationKind.ASK_ACCEPTED: ("request", "/mentoring/requests/{request}"),
    NotificationKind.ASK_DECLINED: ("request", "/mentoring/requests/{request}"),
    NotificationKind.ASK_WITHDRAWN: ("request", "/mentoring/requests/{request}"),
    NotificationKind.ASK_EXPIRED: ("request", "/mentoring/requests/{request}"),
    NotificationKind.MENTORSHIP_UPDATE: ("mentorship", "/mentoring/mentorships/{mentorship}"),
    NotificationKind.MENTORSHIP_CLOSED: ("mentorship", "/mentoring/mentorships/{mentorship}"),
    NotificationKind.MENTORING_FEEDBACK: ("mentorship", "/mentoring/mentorships/{mentorship}"),
}


def test_every_kind_of_notification_has_a_destination():
    assert set(LEADS_TO) == set(NotificationKind)


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_each_kind_leads_to_what_it_is_about_in_the_app_and_by_email(app, lounge, kind):
    from types import SimpleNamespace

    about, path = LEADS_TO[kind]
    ids = {"post": 11, "thread": 12, "method": 13, "project": 14, "request": 15, "mentorship": 16}
    # What the services record: a post with its thread, a mentorship with its request,
    # and the community the thing is in.
    columns = {
        "community_id": lounge.id,
        "post_id": ids["post"] if about == "post" else None,
        "thread_id": ids["thread"] if about in ("post", "thread") else None,
        "method_id": ids["method"] if about == "method" else None,
        "project_id": ids["project"] if about == "project" else None,
        "mentoring_request_id": ids["request"] if about in ("request", "mentorship") else None,
        "mentorship_id": ids["mentorship"] if about == "mentorship" else None,
    }
    notification = SimpleNamespace(kind=kind, **columns)
    expected = path.format(slug=lounge.slug, **ids)

    with app.test_request_context():
        in_app = inbox.link_for(notification)
        by_email = inbox.absolute_link(notification)

    assert in_app.startswith(expected)
    assert by_email.startswith("http") and expected in by_email
    assert "/notifications" not in in_app + by_email
