"""Personal information can be taken back: redacting an earlier version of a post and
purging a post, and every place the text had reached (history, search, emails, kept
pages, quotes, the data export)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from factories import client_as, make_community, make_post, make_thread
from helpers import emails_to
from helpers import page_text as text_of

from community.accounts.models import Role
from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import redaction
from community.discussions import services as discussions
from community.discussions.models import Flag, Post, PostRevision, Thread
from community.notifications.models import EmailFrequency
from community.outbox.models import OutboxMessage
from community.search.models import SearchDocument

PATIENT = "Mrs Zebedee Quartermaine in bed 4"
PASTED = f"Our discharge went well today: {PATIENT} went home by noon."
FOUND = "Reply in “Weekend discharges”"  # a reply's search result
EDITED = "Our discharge went well today: the patient in bed 4 went home by noon."


@pytest.fixture
def people(regulars, make_user):
    """The lounge's regulars, and Ada, an admin outside the lounge."""
    return {**regulars, "ada": make_user("ada-admin", name="Ada Admin", role=Role.ADMIN)}


@pytest.fixture
def thread(people):
    p = people
    lounge = make_community(p["fay"], "Discharge Lounge", members=[p["ash"], p["mo"], p["kit"]])
    return make_thread(p["mo"], lounge, "Weekend discharges", "What works at weekends?")


@pytest.fixture
def pasted(people, thread):
    """Ash pastes a patient's name in a reply; Mo, who started the thread, is emailed it."""
    people["mo"].email_notifications = EmailFrequency.IMMEDIATE
    db.session.commit()
    return make_post(people["ash"], thread, PASTED)


def thread_path(thread: Thread) -> str:
    return f"/communities/{thread.community.slug}/threads/{thread.id}-{thread.slug}"


def edited_out(people, post: Post) -> None:
    response = client_as(people["ash"]).post(f"/posts/{post.id}/edit", data={"body": EDITED})
    assert response.status_code == 302


def search_text(user, words: str) -> str:
    return text_of(client_as(user).get("/search", query_string={"q": words}))


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def stored_revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision).where(PostRevision.post_id == post.id).order_by("number")
        )
    )


# ---------------------------------------------------------------- redacting a version


def test_the_author_redacts_the_version_they_edited_the_name_out_of(people, pasted, thread):
    ash = client_as(people["ash"])
    assert FOUND in search_text(people["kit"], "Quartermaine")  # the answer is kept
    edited_out(people, pasted)
    history = text_of(ash.get(f"/posts/{pasted.id}/history"))
    assert "Quartermaine" in history
    assert "Redact this version" in history
    assert "edit your post first, then redact the earlier versions" in history

    confirm = ash.get(f"/posts/{pasted.id}/history/1/redact")
    assert confirm.status_code == 200
    assert "Redact the original of this post?" in text_of(confirm)
    assert "This cannot be undone" in text_of(confirm)
    done = ash.post(f"/posts/{pasted.id}/history/1/redact", follow_redirects=True)

    assert "The version has been redacted: its text is gone." in text_of(done)
    original, current = stored_revisions(pasted)
    assert (original.body_source, original.body_html) == ("", "")
    assert current.body_source == EDITED
    for reader in ("kit", "ash", "fay"):
        history = text_of(client_as(people[reader]).get(f"/posts/{pasted.id}/history"))
        assert "Quartermaine" not in history
        assert "Redacted by Ash Author on" in history
    assert FOUND not in search_text(people["kit"], "Quartermaine")
    assert "post.version_redacted" in audit_actions()


def test_a_facilitator_may_redact_a_version_and_another_member_may_not(people, pasted):
    edited_out(people, pasted)

    refused = client_as(people["kit"]).post(f"/posts/{pasted.id}/history/1/redact")
    assert refused.status_code == 403
    assert "Quartermaine" in stored_revisions(pasted)[0].body_source

    client_as(people["fay"]).post(f"/posts/{pasted.id}/history/1/redact")
    history = text_of(client_as(people["kit"]).get(f"/posts/{pasted.id}/history"))
    assert "Redacted by Fay Facilitator on" in history
    assert "Quartermaine" not in history
    # Kit is not told how to redact: only those who may, are.
    assert "Redact this version" not in history


def test_the_current_version_is_edited_out_not_redacted(people, pasted):
    edited_out(people, pasted)
    current = stored_revisions(pasted)[1]

    with pytest.raises(RuleViolation, match="edit the post to take the information out"):
        redaction.redact_revision(people["ash"], pasted, current)
    refused = client_as(people["ash"]).post(
        f"/posts/{pasted.id}/history/2/redact", follow_redirects=True
    )

    assert "This is the post's current text" in text_of(refused)
    assert stored_revisions(pasted)[1].body_source == EDITED
    assert client_as(people["ash"]).get(f"/posts/{pasted.id}/history/9/redact").status_code == 404


def test_redacting_takes_the_text_out_of_emails_queued_and_kept(people, pasted):
    [email] = emails_to(people["mo"])
    assert "Quartermaine" in email.body_text  # the new reply's email quoted it
    edited_out(people, pasted)

    redaction.redact_revision(people["ash"], pasted, stored_revisions(pasted)[0])

    [email] = emails_to(people["mo"])
    assert "Quartermaine" not in email.body_text
    assert redaction.REMOVED_FROM_EMAIL in email.body_text
    assert email.status == "pending"  # it still goes, with the link, without the name


def test_a_redacted_version_is_not_shown_from_a_kept_history_or_page(people, pasted, thread):
    edited_out(people, pasted)
    # Read once so that anything kept holds the old text.
    assert "Quartermaine" in text_of(client_as(people["kit"]).get(f"/posts/{pasted.id}/history"))
    text_of(client_as(people["kit"]).get(thread_path(thread)))

    redaction.redact_revision(people["ash"], pasted, stored_revisions(pasted)[0])

    assert "Quartermaine" not in text_of(
        client_as(people["kit"]).get(f"/posts/{pasted.id}/history")
    )
    assert "Quartermaine" not in text_of(client_as(people["kit"]).get(thread_path(thread)))


# ---------------------------------------------------------------- purging a post


def test_an_administrator_purges_a_post_and_every_version(people, pasted, thread):
    quoting = make_post(people["kit"], thread, "Glad to hear it.", reply_to=pasted)
    edited_out(people, pasted)
    client_as(people["kit"]).get(thread_path(thread))  # the page's rows are kept
    assert FOUND in search_text(people["kit"], "discharge noon")  # and the search answer

    ada = client_as(people["ada"])
    confirm = ada.get(f"/posts/{pasted.id}/purge")
    assert "Purge this post?" in text_of(confirm)
    done = ada.post(f"/posts/{pasted.id}/purge", follow_redirects=True)

    assert "The post has been purged." in text_of(done)
    stored = db.session.get(Post, pasted.id)
    assert (stored.body_source, stored.body_html) == ("", "")
    assert stored.is_purged and stored.is_removed
    assert stored_revisions(pasted) == []
    for reader in ("kit", "ash", "fay", "ada"):
        page = text_of(client_as(people[reader]).get(thread_path(thread)))
        assert "This post was removed by an administrator." in page
        assert "bed 4" not in page
        assert "Glad to hear it." in page
        assert "In reply to a post that is no longer shown." in page
    reply_form = client_as(people["kit"]).get(
        f"/communities/{thread.community.slug}/threads/{thread.id}/reply?to={quoting.id}"
    )
    assert "bed 4" not in text_of(reply_form)
    assert client_as(people["ash"]).get(f"/posts/{pasted.id}/history").status_code == 404
    assert FOUND not in search_text(people["kit"], "discharge noon")
    documents = db.session.scalars(sa.select(SearchDocument.body)).all()
    assert not any("bed 4" in body for body in documents)
    assert "post.purged" in audit_actions()


def test_a_purged_post_leaves_no_text_in_emails_or_the_authors_data_export(people, pasted):
    client_as(people["mo"]).post(
        f"/posts/{pasted.id}/flag",
        data={"reason": "private_information", "note": "Names Mrs Quartermaine"},
    )
    redaction.purge_post(people["ada"], pasted)

    assert db.session.scalar(sa.select(Flag.note)) == ""  # the flagger's note repeated it
    queue = text_of(client_as(people["fay"]).get("/communities/discharge-lounge/moderation"))
    assert "Nothing is waiting for review." in queue

    bodies = db.session.scalars(sa.select(OutboxMessage.body_text)).all()
    assert not any("Quartermaine" in body for body in bodies)
    export = client_as(people["ash"]).post("/account/settings/data/export")
    data = export.get_data(as_text=True)
    assert export.status_code == 200
    assert "Quartermaine" not in data
    posts = json.loads(data)["posts"]
    assert {p["body_markdown"] for p in posts if p["id"] == pasted.id} == {""}


def test_only_a_site_administrator_may_purge(people, pasted):
    for who in ("fay", "ash"):
        assert client_as(people[who]).get(f"/posts/{pasted.id}/purge").status_code == 403
        assert client_as(people[who]).post(f"/posts/{pasted.id}/purge").status_code == 403
    with pytest.raises(RuleViolation, match="Only a site administrator"):
        redaction.purge_post(people["fay"], pasted)
    assert db.session.get(Post, pasted.id).body_source == PASTED
    thread_page = f"/posts/{pasted.id}"
    assert "Purge" not in text_of(client_as(people["fay"]).get(thread_page, follow_redirects=True))
    assert "Purge the post by Ash Author and its history" in text_of(
        client_as(people["ada"]).get(thread_page, follow_redirects=True)
    )


def test_the_author_cannot_edit_a_purged_post_back(people, pasted):
    redaction.purge_post(people["ada"], pasted)

    assert client_as(people["ash"]).get(f"/posts/{pasted.id}/edit").status_code == 403
    with pytest.raises(RuleViolation):
        discussions.edit_post(people["ash"], db.session.get(Post, pasted.id), "Back again")


# ---------------------------------------------------------------- flagged for personal information


def test_a_post_flagged_for_personal_information_is_held_back_from_waiting_emails(people, pasted):
    [email] = emails_to(people["mo"])
    assert "Quartermaine" in email.body_text and email.status == "pending"

    client_as(people["kit"]).post(
        f"/posts/{pasted.id}/flag", data={"reason": "private_information", "note": ""}
    )

    [email] = emails_to(people["mo"])
    assert "Quartermaine" not in email.body_text  # it goes with the link, not the name
    assert redaction.REMOVED_FROM_EMAIL in email.body_text


def test_a_post_flagged_for_personal_information_leaves_search_at_once(people, pasted):
    assert FOUND in search_text(people["kit"], "Quartermaine")  # the answer is kept

    client_as(people["mo"]).post(
        f"/posts/{pasted.id}/flag", data={"reason": "private_information", "note": ""}
    )

    assert FOUND not in search_text(people["kit"], "Quartermaine")
    documents = db.session.scalars(sa.select(SearchDocument.body)).all()
    assert not any("Quartermaine" in body for body in documents)
