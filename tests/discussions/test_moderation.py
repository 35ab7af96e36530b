"""Flags, the moderation queue, hiding, moving threads, and the audit log behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from factories import (
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
    publish_method,
)
from helpers import emails_to, page_text

from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions import moderation
from community.discussions import services as discussions
from community.discussions.models import Flag, FlagStatus, Thread
from community.methods import services as methods
from community.notifications.models import NotificationKind
from community.projects import project_threads

HIDDEN_PLACEHOLDER = "This post has been hidden by the community's facilitators."


@pytest.fixture
def people(regulars, make_user):
    """The lounge's regulars, and Lee and Uma, two more members who read and flag."""
    more = {"lee": "Lee Member", "uma": "Uma Member"}
    return {**regulars, **{key: make_user(f"{key}-user", name=name) for key, name in more.items()}}


@pytest.fixture
def lounge(people):
    p = people
    return make_community(
        p["fay"], "Discharge Lounge", members=[p["ash"], p["mo"], p["kit"], p["lee"], p["uma"]]
    )


@pytest.fixture
def thread(lounge, people):
    return make_thread(people["mo"], lounge, "Weekend discharges", "What works at weekends?")


@pytest.fixture
def post(thread, people):
    return make_post(people["ash"], thread, "Patient in bed 4 is Mrs J Smith, 82.")


def thread_path(thread: Thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"


def flag(user, post, reason="inappropriate", note=""):
    return client_as(user).post(
        f"/posts/{post.id}/flag", data={"reason": reason, "note": note}, follow_redirects=True
    )


def audit_log(community_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.community_id == community_id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_member_flags_a_post_with_a_reason(people, post, thread):
    response = flag(people["mo"], post, note="Rude about a colleague")

    assert "Thank you. The facilitators will review this post." in page_text(response)
    assert "You flagged this" in page_text(response)
    stored = db.session.scalar(sa.select(Flag))
    assert (stored.reason, stored.note, stored.status) == (
        "inappropriate",
        "Rude about a colleague",
        FlagStatus.OPEN,
    )
    queue = page_text(client_as(people["fay"]).get("/communities/discharge-lounge/moderation"))
    assert "Inappropriate or disrespectful: “Rude about a colleague” — Mo Member" in queue
    assert "1 flag" in queue
    home = page_text(client_as(people["fay"]).get("/communities/discharge-lounge"))
    assert "Moderation queue (1)" in home


def test_a_post_cannot_be_flagged_twice_or_by_its_author(people, post):
    flag(people["mo"], post)

    twice = flag(people["mo"], post)
    own = flag(people["ash"], post)

    assert "You have already flagged this post" in page_text(twice)
    assert "You cannot flag your own post" in page_text(own)
    assert db.session.scalar(sa.select(sa.func.count(Flag.id))) == 1


def test_a_flag_needs_a_reason(people, post):
    response = client_as(people["mo"]).post(f"/posts/{post.id}/flag", data={"reason": ""})

    assert "Choose why you are flagging this post" in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Flag.id))) == 0


def test_three_flags_from_different_members_hide_the_post_until_reviewed(people, post, thread):
    flag(people["mo"], post)
    flag(people["kit"], post)
    assert post.hidden_at is None
    assert "Mrs J Smith" in page_text(client_as(people["uma"]).get(thread_path(thread)))

    flag(people["lee"], post)

    assert post.is_hidden
    for reader in (people["uma"], people["mo"]):
        page = page_text(client_as(reader).get(thread_path(thread)))
        assert HIDDEN_PLACEHOLDER in page
        assert "Mrs J Smith" not in page
        assert client_as(reader).get(f"/posts/{post.id}").status_code == 404
    for insider in (people["ash"], people["fay"]):
        page = page_text(client_as(insider).get(thread_path(thread)))
        assert "Mrs J Smith" in page
        assert "Hidden until a facilitator reviews flags" in page
    queue = page_text(client_as(people["fay"]).get("/communities/discharge-lounge/moderation"))
    assert "3 flags" in queue and "Hidden until reviewed" in queue
    assert "post.hidden_by_flags" in audit_log(thread.community_id)


def test_a_hidden_key_learning_is_not_shown_to_other_members(people, post, thread):
    # Mo started the thread, so Mo may choose Ash's reply as its key learning.
    client_as(people["mo"]).post(f"/posts/{post.id}/key-learning", data={"mark": "1"})
    assert thread.key_post_id == post.id
    for member in ("kit", "lee", "uma"):
        flag(people[member], post)

    page = page_text(client_as(people["mo"]).get(thread_path(thread)))
    home = page_text(client_as(people["mo"]).get("/"))

    assert "Mrs J Smith" not in page
    assert "Mrs J Smith" not in home
    assert "Mrs J Smith" in page_text(client_as(people["fay"]).get(thread_path(thread)))


def test_keeping_a_flagged_post_shows_it_again(people, post, thread):
    for member in ("mo", "kit", "lee"):
        flag(people[member], post)

    response = client_as(people["fay"]).post(
        f"/posts/{post.id}/review", data={"decision": "keep"}, follow_redirects=True
    )

    assert "Your decision has been recorded." in page_text(response)
    assert "Nothing is waiting for review." in page_text(response)
    assert not post.is_hidden
    assert "Mrs J Smith" in page_text(client_as(people["uma"]).get(thread_path(thread)))
    statuses = set(db.session.scalars(sa.select(Flag.status)))
    assert statuses == {FlagStatus.KEPT}
    assert audit_log(thread.community_id)[-1] == "flags.keep"


def test_hiding_a_flagged_post_keeps_it_hidden(people, post, thread):
    flag(people["mo"], post)

    client_as(people["fay"]).post(f"/posts/{post.id}/review", data={"decision": "hide"})

    assert post.is_hidden
    assert HIDDEN_PLACEHOLDER in page_text(client_as(people["mo"]).get(thread_path(thread)))
    assert "flags.hide" in audit_log(thread.community_id)
    assert notifications_for(people["ash"]) == []


def test_a_warning_hides_the_post_and_tells_the_author(people, post, thread):
    flag(people["mo"], post)

    client_as(people["fay"]).post(
        f"/posts/{post.id}/review",
        data={"decision": "warn", "message": "Please do not name patients"},
    )

    assert post.is_hidden
    [warning] = [n for n in notifications_for(people["ash"]) if n.kind == NotificationKind.WARNING]
    assert warning.text == (
        "A facilitator hid your post in “Weekend discharges”: Please do not name patients"
    )
    assert "flags.warn" in audit_log(thread.community_id)


def test_only_facilitators_review_flags(people, post):
    flag(people["mo"], post)

    response = client_as(people["kit"]).post(f"/posts/{post.id}/review", data={"decision": "keep"})

    assert response.status_code == 403
    assert db.session.scalar(sa.select(Flag.status)) == FlagStatus.OPEN
    with pytest.raises(RuleViolation, match="Only this community's facilitators"):
        moderation.review_flags(people["kit"], post, "keep")


def test_a_facilitator_hides_and_shows_a_post(people, post, thread):
    hidden = client_as(people["fay"]).post(
        f"/posts/{post.id}/hide", data={"hide": "1"}, follow_redirects=True
    )
    assert "The post has been hidden." in page_text(hidden)
    assert HIDDEN_PLACEHOLDER in page_text(client_as(people["mo"]).get(thread_path(thread)))

    refused = client_as(people["mo"]).post(f"/posts/{first_post(thread).id}/hide")
    assert refused.status_code == 302
    assert not first_post(thread).is_hidden

    client_as(people["fay"]).post(f"/posts/{post.id}/hide", data={"hide": "0"})
    assert "Mrs J Smith" in page_text(client_as(people["mo"]).get(thread_path(thread)))
    assert audit_log(thread.community_id)[-2:] == ["post.hidden", "post.unhidden"]


# ---------------------------------------------------------------- moving threads


def test_a_facilitator_moves_a_thread_to_another_community_they_run(people, lounge, thread, post):
    fay = people["fay"]
    wards = make_community(fay, "Ward Rounds", members=[people["mo"]])
    flag(people["kit"], post)

    form = page_text(client_as(fay).get(f"/communities/discharge-lounge/threads/{thread.id}/move"))
    assert "Ward Rounds" in form
    moved = client_as(fay).post(
        f"/communities/discharge-lounge/threads/{thread.id}/move",
        data={"community": str(wards.id)},
        follow_redirects=True,
    )

    assert "The thread has been moved to Ward Rounds." in page_text(moved)
    assert thread.community_id == wards.id
    assert (lounge.thread_count, wards.thread_count) == (0, 1)
    assert "Weekend discharges" in page_text(client_as(fay).get("/communities/ward-rounds"))
    assert "Weekend discharges" not in page_text(
        client_as(fay).get("/communities/discharge-lounge")
    )
    assert db.session.scalar(sa.select(Flag.community_id)) == wards.id
    assert "thread.moved" in audit_log(lounge.id)
    assert "thread.moved" in audit_log(wards.id)


def test_a_thread_cannot_be_moved_to_a_community_the_facilitator_does_not_run(
    people, lounge, thread
):
    elsewhere = make_community(people["uma"], "Elsewhere Network")

    form = page_text(
        client_as(people["fay"]).get(f"/communities/discharge-lounge/threads/{thread.id}/move")
    )
    response = client_as(people["fay"]).post(
        f"/communities/discharge-lounge/threads/{thread.id}/move",
        data={"community": str(elsewhere.id)},
    )

    assert "Elsewhere Network" not in form
    assert response.status_code == 200
    assert "There is a problem" in page_text(response)
    assert thread.community_id == lounge.id
    with pytest.raises(RuleViolation, match="Only this community's facilitators"):
        moderation.move_thread(people["fay"], thread, elsewhere)
    assert thread.community_id == lounge.id


# ---------------------------------------------------------------- the audit log


def test_every_moderation_action_is_in_the_communitys_audit_log(people, thread, post):
    fay, path = people["fay"], f"/communities/discharge-lounge/threads/{thread.id}/moderate"
    for action in ("pin", "lock", "unlock", "resolve"):
        client_as(fay).post(path, data={"action": action})
    client_as(fay).post(f"/posts/{post.id}/hide", data={"hide": "1"})
    flag(people["kit"], first_post(thread))

    audit = page_text(client_as(fay).get("/communities/discharge-lounge/audit"))

    for words in (
        "Pinned a thread",
        "Locked a thread",
        "Unlocked a thread",
        "Marked a thread as resolved",
        "Hid a post",
        "Flagged a post",
    ):
        assert words in audit
    assert "thread.pin" not in audit and "post.flagged" not in audit  # words, never codes
    assert "Fay Facilitator" in audit
    moderation_events = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action.like("thread.%")
            | AuditEvent.action.like("post.%")
            | AuditEvent.action.like("flags.%")
        )
    ).all()
    assert len(moderation_events) == 6
    assert {e.community_id for e in moderation_events} == {thread.community_id}
    assert client_as(people["mo"]).get("/communities/discharge-lounge/audit").status_code == 403


# ---------------------------------------------------------------- personal information


def test_a_flag_for_personal_information_hides_the_post_at_once(people, post, thread):
    response = flag(people["mo"], post, "private_information", "Names a patient")

    assert "Thank you. The facilitators will review this post." in page_text(response)
    assert post.is_hidden and post.hidden_reason == "personal"
    for reader in (people["uma"], people["mo"]):
        page = page_text(client_as(reader).get(thread_path(thread)))
        assert HIDDEN_PLACEHOLDER in page
        assert "Mrs J Smith" not in page
        assert client_as(reader).get(f"/posts/{post.id}").status_code == 404
    for insider in (people["ash"], people["fay"]):
        page = page_text(client_as(insider).get(thread_path(thread)))
        assert "Mrs J Smith" in page
        assert "Hidden: flagged as sharing personal information, until reviewed" in page
    queue = page_text(client_as(people["fay"]).get("/communities/discharge-lounge/moderation"))
    assert "Shares patient or personal information: “Names a patient” — Mo Member" in queue
    assert "Hidden until reviewed: personal information" in queue
    assert "post.hidden_by_flags" in audit_log(thread.community_id)


def test_other_reasons_keep_the_threshold(people, post):
    flag(people["mo"], post, "off_topic")
    flag(people["kit"], post, "spam")

    assert not post.is_hidden


def test_keeping_a_post_flagged_for_personal_information_restores_it(people, post, thread):
    flag(people["mo"], post, "private_information")

    client_as(people["fay"]).post(f"/posts/{post.id}/review", data={"decision": "keep"})

    assert not post.is_hidden
    assert "Mrs J Smith" in page_text(client_as(people["uma"]).get(thread_path(thread)))


def test_every_flag_tells_the_facilitators_at_once_whatever_their_email_setting(
    people, post, thread
):
    people["fay"].email_notifications = "daily"  # a digest, for everything else
    db.session.commit()

    flag(people["mo"], post, "private_information")

    [told] = [n for n in notifications_for(people["fay"]) if n.kind == NotificationKind.FLAGGED]
    assert told.text == (
        "Mo Member flagged a post in “Weekend discharges” in Discharge Lounge: "
        "Shares patient or personal information"
    )
    assert told.post_id == post.id
    inbox = page_text(client_as(people["fay"]).get("/notifications"))
    assert "Mo Member flagged a post in" in inbox
    [email] = [e for e in emails_to(people["fay"]) if "flagged" in e.subject]
    assert f"/posts/{post.id}" in email.body_text
    assert "Mrs J Smith" not in email.body_text  # a link, never the personal information
    assert "Mrs J Smith" not in email.subject
    # Those who do not moderate the thread are not told.
    assert not [n for n in notifications_for(people["uma"]) if n.kind == NotificationKind.FLAGGED]


def test_a_flag_for_another_reason_is_emailed_with_the_posts_opening(people, post):
    people["fay"].email_notifications = "none"
    db.session.commit()

    flag(people["mo"], post, "off_topic")

    [email] = [e for e in emails_to(people["fay"]) if "flagged" in e.subject]
    assert "Off topic" in email.body_text
    assert "Mrs J Smith" in email.body_text


def test_a_flag_in_a_methods_discussion_tells_its_authors(make_user):
    ama, reader = make_user("ama-author", name="Ama Author"), make_user("rea-reader")
    thread = methods.thread_of(publish_method(ama, "Red to green days"))
    post = discussions.reply(reader, thread, "Mr K Jones on ward 9 did well with it.")

    moderation.flag_post(make_user("fen-flagger", name="Fen Flagger"), post,
                         "private_information", "")  # fmt: skip

    [told] = [n for n in notifications_for(ama) if n.kind == NotificationKind.FLAGGED]
    assert told.text.startswith("Fen Flagger flagged a post in the discussion of")
    assert emails_to(ama)


def test_a_flag_in_a_projects_discussion_tells_its_leads_and_no_one_else(
    make_user,
    make_project,  # noqa: F811  (the fixture imported above)
):
    lead, teammate = make_user("lin-lead", name="Lin Lead"), make_user("tam-team")
    project = make_project(lead, title="Fewer falls")
    thread = project_threads.thread_of(project)
    post = discussions.reply(teammate, thread, "Mrs P Brown fell twice on ward 2.")

    moderation.flag_post(make_user("fen-flagger", name="Fen Flagger"), post,
                         "private_information", "")  # fmt: skip

    [told] = [n for n in notifications_for(lead) if n.kind == NotificationKind.FLAGGED]
    assert told.text.startswith("Fen Flagger flagged a post in the discussion of “Fewer falls”")
    assert not [n for n in notifications_for(teammate) if n.kind == NotificationKind.FLAGGED]


def test_the_queue_shows_how_long_each_post_has_waited_oldest_first(people, thread, post):
    newer = make_post(people["kit"], thread, "Call me on my mobile, 07700 900123.")
    flag(people["mo"], newer, "private_information")
    flag(people["uma"], post, "inappropriate")
    db.session.execute(
        sa.update(Flag).where(Flag.post_id == post.id).values(
            created_at=utcnow() - timedelta(hours=3)
        )
    )  # fmt: skip
    db.session.commit()

    response = client_as(people["fay"]).get("/communities/discharge-lounge/moderation")
    html, queue = response.get_data(as_text=True), page_text(response)

    assert "Flagged 3 hours ago" in queue
    assert "Flagged just now" in queue
    assert queue.index("Mrs J Smith") < queue.index("07700 900123")
    assert html.count('<time datetime="') >= 2
