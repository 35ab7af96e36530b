"""A member's own data: downloading all of it, and deleting their account.

After a deletion, what they wrote stays (by "a former member") and nothing
that says who they were remains anywhere in the database: the tests look in
every text column of every table for their name, username and address.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from factories import (
    ask,
    content,
    draft_method,
    make_community,
    make_post,
    make_thread,
    notifications_for,
    offer,
    publish_method,
    request_for,
    start_mentorship,
)
from helpers import PASSWORD, sign_in_as

from community.accounts import deletion, services
from community.accounts.export import member_data
from community.accounts.models import RetiredUsername, User, member_expertise
from community.audit.models import AuditEvent
from community.communities.models import Community, Membership
from community.core.errors import RuleViolation
from community.core.extensions import db as _db
from community.discussions import services as discussions
from community.discussions.models import Post, Thread
from community.mentoring.models import MentorOffer, Mentorship
from community.methods import services as methods
from community.methods import uses
from community.methods.models import Method, MethodAuthor
from community.notifications.models import Notification
from community.outbox.models import OutboxMessage
from community.search import index
from community.search.models import SearchDocument


@pytest.fixture
def story(db, make_user, make_organisation):
    """Sam has a profile, posts, a method, a mentorship, and a life on the site; so do others."""
    sam = make_user("sam-patel", name="Sam Patel")
    alex = make_user(
        "alex-jones", name="Alex Jones", organisation=make_organisation("Hilltop Primary Care")
    )
    fran = make_user("fran-facilitator", name="Fran Facilitator")
    services.update_profile(
        sam, name="Sam Patel", job_title="Discharge coordinator",
        organisation_id=sam.organisation_id, bio="I run the **discharge lounge**.",
        tag_ids=[], other_tags="frailty, discharge lounges",
    )  # fmt: skip
    community = make_community(fran, "Discharge before noon", members=[sam, alex])
    alex_thread = make_thread(alex, community, "Board rounds at 8am")
    sam_reply = make_post(sam, alex_thread, "We tried it: **two hours** earlier.")
    sam_thread = make_thread(sam, community, "Discharge lounge rota")
    make_post(alex, sam_thread, "Who covers weekends?")
    alex_post = _db.session.scalar(
        sa.select(Post).where(Post.thread_id == alex_thread.id, Post.position == 1)
    )
    discussions.toggle_helpful(sam, alex_post)
    method = publish_method(sam, "Discharge lounge huddle")
    uses.record_use(sam, publish_method(alex, "Ward board round"))
    offer(sam, capacity=2)
    mentorship = start_mentorship(alex, sam)
    rhea = make_user("rhea-ross", name="Rhea Ross", organisation=alex.organisation)
    waiting = request_for(rhea, title="Start a QI faculty")
    ask(rhea, waiting, sam)
    services.authenticate(sam.email, PASSWORD)
    services.authenticate(sam.email, "not the password")
    return {
        "sam": sam, "alex": alex, "fran": fran, "community": community, "sam_reply": sam_reply,
        "sam_thread": sam_thread, "alex_post": alex_post, "method": method,
        "mentorship": mentorship, "rhea": rhea,
    }  # fmt: skip


# ---------------------------------------------------------------- export


def test_the_export_holds_everything_about_the_member(story):
    sam = story["sam"]
    data = member_data(sam)

    assert data["profile"]["email"] == "sam-patel@nhs.example"
    assert data["profile"]["about_you_markdown"] == "I run the **discharge lounge**."
    assert sorted(data["profile"]["expertise"], key=str.lower) == ["discharge lounges", "Frailty"]
    assert [c["name"] for c in data["communities"]] == ["Discharge before noon"]
    assert "Discharge lounge rota" in [t["title"] for t in data["threads_started"]]
    bodies = [p["body_markdown"] for p in data["posts"]]
    assert "We tried it: **two hours** earlier." in bodies
    assert "Who covers weekends?" not in bodies  # Alex's words are Alex's
    assert [p["post_id"] for p in data["marked_helpful"]] == [story["alex_post"].id]
    assert [m["title"] for m in data["methods_authored"]] == ["Discharge lounge huddle"]
    assert len(data["methods_used"]) == 1
    assert data["mentoring"]["offer"]["capacity"] == 2
    assert [m["id"] for m in data["mentoring"]["mentorships_as_mentor"]] == [story["mentorship"].id]
    assert data["notification_settings"]["email_me"] == "daily"
    actions = [event["action"] for event in data["account_history"]]
    assert "account.signed_in" in actions and "account.sign_in_failed" in actions
    json.dumps(data)  # every value can be written as JSON


def test_the_export_never_gives_the_title_of_someone_elses_thread(story):
    data = member_data(story["sam"])
    reply = next(p for p in data["posts"] if p["id"] == story["sam_reply"].id)
    assert "Board rounds at 8am" not in json.dumps(data)
    assert reply["address"] == f"/posts/{reply['id']}"


def test_downloading_the_data_is_a_json_attachment_and_is_audited(client, story):
    sign_in_as(client, story["sam"])
    page = client.get("/account/settings/data")
    assert page.status_code == 200
    assert 'action="/account/settings/data/export"' in page.text

    response = client.post("/account/settings/data/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="improvement-commons-sam-patel-'
    )
    assert json.loads(response.text)["profile"]["username"] == "sam-patel"
    exported = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "account.data_exported")
    ).all()
    sam_id = story["sam"].id
    assert [(e.actor_id, e.target_type, e.target_id) for e in exported] == [
        (sam_id, "User", sam_id)
    ]
    # …and the download itself is in the member's account history from then on.
    history = client.post("/account/settings/data/export").json["account_history"]
    assert history[0]["action"] == "account.data_exported"


def test_the_data_page_is_for_signed_in_members_only(client, db):
    response = client.post("/account/settings/data/export")
    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]


# ---------------------------------------------------------------- deletion


def _text_columns():
    for table in _db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, sa.String | sa.Text):
                yield table, column


def places_mentioning(*words: str) -> list[str]:
    """Every table.column in the database holding any of `words`."""
    found = []
    for table, column in _text_columns():
        hit = _db.session.execute(
            sa.select(sa.func.count())
            .select_from(table)
            .where(sa.or_(*(column.contains(word, autoescape=True) for word in words)))
        ).scalar()
        if hit:
            found.append(f"{table.name}.{column.name}")
    return found


def test_deleting_an_account_keeps_what_they_wrote_and_removes_who_they_were(story):
    sam, alex, community = story["sam"], story["alex"], story["community"]
    sam_id, reply_id, thread_id = sam.id, story["sam_reply"].id, story["sam_thread"].id
    method_id, mentorship_id, alex_post_id = (
        story["method"].id, story["mentorship"].id, story["alex_post"].id,
    )  # fmt: skip
    who = ("Sam Patel", "sam-patel", "sam-patel@nhs.example")
    assert len(places_mentioning(*who)) > 5  # the search below can find them
    # (Factories leave some gaps in the index; the deletion must add none.)
    index_gaps_before = {str(d) for d in index.differences()}

    deletion.delete_account(sam, PASSWORD)
    _db.session.expire_all()

    # What they wrote stays, by a former member.
    reply = _db.session.get(Post, reply_id)
    assert reply.body_source == "We tried it: **two hours** earlier." and reply.author_id is None
    assert _db.session.get(Thread, thread_id).author_id is None
    assert _db.session.get(Method, method_id).status == "published"
    # Who they were is gone, from every table.
    assert _db.session.get(User, sam_id) is None
    assert places_mentioning(*who) == []
    assert _db.session.scalar(
        sa.select(sa.func.count()).select_from(member_expertise).where(
            member_expertise.c.user_id == sam_id
        )
    ) == 0  # fmt: skip
    assert _db.session.scalar(sa.select(Membership).where(Membership.user_id == sam_id)) is None
    assert _db.session.scalar(sa.select(MentorOffer).where(MentorOffer.user_id == sam_id)) is None
    person = sa.select(SearchDocument).where(
        SearchDocument.kind == "person", SearchDocument.object_id == sam_id
    )
    assert _db.session.scalar(person) is None
    assert (
        _db.session.scalar(sa.select(Notification).where(Notification.recipient_id == sam_id))
        is None
    )
    assert not _db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.to_address == "sam-patel@nhs.example")
    ).all()
    # Counters no longer count them, and the search index matches the content.
    assert _db.session.get(Community, community.id).member_count == 2
    assert _db.session.get(Post, alex_post_id).helpful_count == 0
    assert _db.session.get(Method, method_id).use_count == 0
    assert {str(d) for d in index.differences()} <= index_gaps_before
    # Alex's mentorship with Sam has closed, and Alex was told without Sam's name.
    mentorship = _db.session.get(Mentorship, mentorship_id)
    assert (mentorship.status, mentorship.outcome, mentorship.mentor_id) == (
        "closed", "withdrawn", None,
    )  # fmt: skip
    assert any("Your mentor has left" in n.text for n in notifications_for(alex))
    # Rhea, who was waiting for Sam's answer, is told to ask someone else.
    assert [n.text for n in notifications_for(story["rhea"])][-1] == (
        "A mentor you asked about “Start a QI faculty” has left Improvement Commons: "
        "ask another mentor"
    )
    # The audit log keeps what happened, not who.
    deleted = _db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "account.deleted")
    )
    assert deleted is not None and deleted.actor_id is None
    sign_ins = _db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "account.signed_in")
    ).all()
    assert sign_ins and all(
        (e.actor_id, e.ip_address, e.summary) == (None, "", "") for e in sign_ins
    )


def test_a_wrong_password_deletes_nothing(story):
    sam = story["sam"]
    with pytest.raises(RuleViolation) as refused:
        deletion.delete_account(sam, "not my password")
    assert refused.value.field == "password"
    _db.session.rollback()
    assert _db.session.get(User, sam.id) is not None
    assert _db.session.get(Community, story["community"].id).member_count == 3


def test_the_only_facilitator_must_hand_over_first(story):
    fran = story["fran"]
    assert deletion.handovers_needed(fran) == [
        "Appoint another facilitator of Discharge before noon"
    ]
    with pytest.raises(RuleViolation, match="Appoint another facilitator of Discharge before noon"):
        deletion.delete_account(fran, PASSWORD)
    _db.session.rollback()
    assert _db.session.get(User, fran.id) is not None


def test_deleting_through_the_page_signs_them_out_everywhere(make_client, story):
    sam = story["sam"]
    phone, laptop = make_client(), make_client()
    for device in (phone, laptop):
        sign_in_as(device, sam)
    assert laptop.get("/account/settings").status_code == 200

    page = phone.get("/account/settings/delete")
    assert page.status_code == 200
    assert "What stays" in page.text
    wrong = phone.post("/account/settings/delete", data={"password": "wrong"})
    assert wrong.status_code == 200
    assert "Your password is not correct" in wrong.text

    response = phone.post("/account/settings/delete", data={"password": PASSWORD})

    assert response.status_code == 302
    assert "Your account has been deleted" in phone.get(response.headers["Location"]).text
    for device in (phone, laptop):
        settings = device.get("/account/settings")
        assert settings.status_code == 302
        assert "/account/sign-in" in settings.headers["Location"]
    assert phone.get("/people/sam-patel").status_code in (302, 404)


def test_a_deleted_members_username_cannot_be_taken_again(story, organisation):
    sam = story["sam"]
    username, email = sam.username, sam.email
    deletion.delete_account(sam, PASSWORD)
    stored = _db.session.scalars(sa.select(RetiredUsername.digest)).all()
    assert stored == [RetiredUsername.digest_of(username)]
    assert username not in stored  # a digest, not the name
    with pytest.raises(RuleViolation, match="That username is taken") as refused:
        services.register(
            name="Someone New", username=username.upper(), email="new@nhs.example",
            password=PASSWORD, organisation_id=organisation.id,
        )  # fmt: skip
    assert refused.value.field == "username"
    _db.session.rollback()
    # Their email address is free again: only the name is kept from reuse.
    newcomer = services.register(
        name="Someone New", username="someone-new", email=email, password=PASSWORD,
        organisation_id=organisation.id,
    )  # fmt: skip
    assert newcomer.email == email


def test_drafts_only_they_wrote_are_deleted_and_shared_drafts_stay(story):
    sam, alex = story["sam"], story["alex"]
    alone = draft_method(sam, "Sam's unfinished huddle guide")
    shared = draft_method(alex, "Ward round checklist, with Sam")
    methods.update_method(
        alex, shared, content(shared.title, co_authors=sam.username), base_version=shared.version
    )
    alone_id, shared_id = alone.id, shared.id
    co_written = sa.select(MethodAuthor.user_id).where(MethodAuthor.method_id == shared_id)
    assert set(_db.session.scalars(co_written)) == {alex.id, sam.id}

    deletion.delete_account(sam, PASSWORD)
    _db.session.expire_all()

    assert _db.session.get(Method, alone_id).status == "deleted"
    assert _db.session.get(Method, shared_id).status == "draft"
