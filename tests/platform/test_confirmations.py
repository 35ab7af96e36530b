"""Every destructive action outside projects asks first, and is audited.

For each one: the page it lived on links to the question (no button that acts
at once); GET asks it, saying what will happen, and changes nothing; the POST
from that page acts and leaves an entry in the audit log. (Leaving a community
is tested in test_communities.py, the projects' own in the projects tests.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from factories import (
    ask,
    ask_of,
    client_as,
    make_community,
    make_post,
    make_thread,
    offer,
    publish_method,
    request_for,
    start_mentorship,
)
from helpers import page_text

from community.accounts.models import Role, User
from community.audit.models import AuditEvent
from community.communities import joining
from community.communities import services as communities
from community.communities.models import (
    Community,
    CommunityStatus,
    JoinRequest,
    RequestStatus,
    Visibility,
)
from community.core.extensions import db
from community.discussions.models import Post
from community.mentoring.models import MentoringAsk, MentoringRequest, Mentorship
from community.mentoring.vocabulary import AskStatus
from community.mentoring.vocabulary import RequestStatus as MentoringStatus
from community.methods import services as method_threads
from community.methods.models import Method
from community.visibility import membership


@dataclass
class Case:
    """One destructive action, set up and ready to be asked about."""

    actor: object  # who acts
    source: str  # the page the action is offered on
    url: str  # the confirmation page, and where its form posts
    question: str
    says: str  # one of the sentences saying what will happen
    done: Callable[[], bool]  # whether the action has happened
    audit: str  # the audit log's action
    posted: dict | None = None  # the hidden fields the page's form sends


def _audited(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == action)
    )


def delete_post(make_user, make_organisation) -> Case:
    ash, fay = make_user("ash-author", name="Ash Author"), make_user("fay", name="Fay Lead")
    community = make_community(fay, "Discharge lounge", members=[ash])
    thread = make_thread(fay, community, "Board rounds at 8am")
    post = make_post(ash, thread, "We start at 8am on ward 4.")
    return Case(
        ash, f"/threads/{thread.id}", f"/posts/{post.id}/delete", "Delete your post?",
        "Your post in “Board rounds at 8am” will be removed for everyone who reads the thread.",
        lambda: db.session.get(Post, post.id).is_removed, "post.deleted",
    )  # fmt: skip


def remove_member(make_user, make_organisation) -> Case:
    fay, mo = make_user("fay", name="Fay Lead"), make_user("mo-member", name="Mo Member")
    community = make_community(fay, "Night shift", visibility=Visibility.PRIVATE, members=[mo])
    return Case(
        fay, "/communities/night-shift/members",
        "/communities/night-shift/members/mo-member/remove",
        "Remove Mo Member from Night shift?",
        "They will no longer see its threads, methods and projects, and can only come back if "
        "they are invited or ask to join again.",
        lambda: membership(mo, community) is None, "community.member_removed",
    )  # fmt: skip


def remove_facilitator(make_user, make_organisation) -> Case:
    fay, mo = make_user("fay", name="Fay Lead"), make_user("mo-member", name="Mo Member")
    community = make_community(fay, "Night shift", members=[mo])
    communities.set_facilitator(fay, community, mo, True)
    return Case(
        fay, "/communities/night-shift/members",
        "/communities/night-shift/members/mo-member/facilitator",
        "Remove Mo Member's facilitator role?", "Mo Member stays a member of Night shift.",
        lambda: not membership(mo, community).is_facilitator, "community.facilitator_removed",
        {"appoint": "0"},
    )  # fmt: skip


def decline_join_request(make_user, make_organisation) -> Case:
    fay, pat = make_user("fay", name="Fay Lead"), make_user("pat", name="Pat Applicant")
    community = make_community(fay, "Night shift", visibility=Visibility.PRIVATE, listed=True)
    asked = joining.request_to_join(pat, community, "May I join?")
    return Case(
        fay, "/communities/night-shift/requests", f"/communities/night-shift/requests/{asked.id}",
        "Decline Pat Applicant's request to join?",
        "Pat Applicant will not join Night shift, and their request leaves the list.",
        lambda: db.session.get(JoinRequest, asked.id).status == RequestStatus.DECLINED,
        "community.request_declined", {"decision": "decline"},
    )  # fmt: skip


def decline_community(make_user, make_organisation) -> Case:
    ada, pat = make_user("ada", role=Role.ADMIN), make_user("pat", name="Pat Applicant")
    proposed = communities.propose_community(
        pat, name="Sepsis screening", purpose="Fewer missed sepsis", learning_question="What?",
        visibility=Visibility.OPEN, listed=True,
    )  # fmt: skip
    return Case(
        ada, "/admin/communities", f"/admin/communities/{proposed.id}/decision",
        "Decline Sepsis screening?",
        "Sepsis screening will not open: nobody will be able to join it or post in it.",
        lambda: db.session.get(Community, proposed.id).status == CommunityStatus.DECLINED,
        "community.declined", {"decision": "decline"},
    )  # fmt: skip


def _asked(make_user, make_organisation):
    rita = make_user("rita", name="Rita Requester")
    max_ = make_user("max", name="Max Mentor", organisation=make_organisation("Mentor Trust"))
    offer(max_, capacity=2)
    wanted = request_for(rita, title="Coaching for our ward leaders")
    ask(rita, wanted, max_)
    return rita, wanted, ask_of(wanted, max_)


def withdraw_request(make_user, make_organisation) -> Case:
    rita, wanted, _ = _asked(make_user, make_organisation)
    return Case(
        rita, f"/mentoring/requests/{wanted.id}", f"/mentoring/requests/{wanted.id}/withdraw",
        "Withdraw “Coaching for our ward leaders”?",
        "Any mentor still considering it will be told it has been withdrawn.",
        lambda: db.session.get(MentoringRequest, wanted.id).status == MentoringStatus.WITHDRAWN,
        "mentoring.request_withdrawn",
    )  # fmt: skip


def withdraw_ask(make_user, make_organisation) -> Case:
    rita, wanted, asked = _asked(make_user, make_organisation)
    return Case(
        rita, f"/mentoring/requests/{wanted.id}",
        f"/mentoring/requests/{wanted.id}/asks/{asked.id}/withdraw",
        "Withdraw your ask to Max Mentor?",
        "Max Mentor will be told you no longer need them for this request.",
        lambda: db.session.get(MentoringAsk, asked.id).status == AskStatus.WITHDRAWN,
        "mentoring.ask_withdrawn",
    )  # fmt: skip


def _method(make_user):
    ama = make_user("ama", name="Ama Author")
    method = publish_method(ama, "Safety huddle")
    return ama, method, f"/methods/{method.id}-{method.slug}"


def unpublish_method(make_user, make_organisation) -> Case:
    ama, method, page = _method(make_user)
    return Case(
        ama, page, f"{page}/unpublish", "Unpublish “Safety huddle”?",
        "Its authors can publish it again.",
        lambda: db.session.get(Method, method.id).is_draft, "method.unpublished",
    )  # fmt: skip


def delete_method(make_user, make_organisation) -> Case:
    ama, method, page = _method(make_user)
    return Case(
        ama, page, f"{page}/delete", "Delete “Safety huddle”?",
        "Nobody will be able to read the method, its history or its discussion.",
        lambda: db.session.get(Method, method.id).is_deleted, "method.deleted",
    )  # fmt: skip


CASES = [
    delete_post, remove_member, remove_facilitator, decline_join_request, decline_community,
    withdraw_request, withdraw_ask, unpublish_method, delete_method,
]  # fmt: skip


@pytest.mark.parametrize("setup", CASES, ids=[f.__name__ for f in CASES])
def test_the_action_asks_first_then_acts_and_is_audited(make_user, make_organisation, setup):
    case = setup(make_user, make_organisation)
    client = client_as(case.actor)

    source = client.get(case.source, follow_redirects=True).get_data(as_text=True)
    assert f'<a href="{case.url}">' in source, "the page links to the question"
    # Approving and appointing post to the same address in one click; nothing else may.
    forms = re.findall(rf'<form[^>]*action="{re.escape(case.url)}"[^>]*>(.*?)</form>', source, re.S)
    hidden = [f'name="{name}" value="{value}"' for name, value in (case.posted or {}).items()]
    assert not [f for f in forms if not hidden or any(h in f for h in hidden)], "no button acts"

    asked = client.get(case.url)
    assert asked.status_code == 200
    text = page_text(asked)
    assert case.question in text and case.says in text
    for name, value in (case.posted or {}).items():
        assert f'name="{name}" value="{value}"' in asked.get_data(as_text=True)
    db.session.expire_all()
    assert not case.done(), "asking changes nothing"
    assert _audited(case.audit) == 0

    acted = client.post(case.url, data=case.posted or {})
    assert acted.status_code == 302
    db.session.expire_all()
    assert case.done()
    assert _audited(case.audit) == 1


def test_only_the_author_is_asked_whether_to_delete_a_post(make_user, make_organisation):
    case = delete_post(make_user, make_organisation)
    fay = db.session.scalar(sa.select(User).where(User.username == "fay"))
    assert client_as(fay).get(case.url).status_code == 403
    refused = client_as(fay).post(case.url, follow_redirects=True)
    assert "You can only delete your own posts" in page_text(refused)
    db.session.expire_all()
    assert not case.done()


def test_appointing_a_facilitator_and_approving_stay_one_click(make_user):
    fay, mo = make_user("fay", name="Fay Lead"), make_user("mo-member", name="Mo Member")
    pat = make_user("pat", name="Pat Applicant")
    community = make_community(fay, "Night shift", visibility=Visibility.PRIVATE, listed=True,
                               members=[mo])  # fmt: skip
    asked = joining.request_to_join(pat, community, "May I join?")
    client = client_as(fay)

    client.post("/communities/night-shift/members/mo-member/facilitator", data={"appoint": "1"})
    client.post(f"/communities/night-shift/requests/{asked.id}", data={"decision": "approve"})

    db.session.expire_all()
    assert membership(mo, community).is_facilitator
    assert membership(pat, community) is not None


def test_a_refused_removal_says_why_and_removes_nobody(make_user):
    fay = make_user("fay", name="Fay Lead")
    community = make_community(fay, "Night shift")

    refused = client_as(fay).post(
        "/communities/night-shift/members/fay/facilitator",
        data={"appoint": "0"}, follow_redirects=True,
    )  # fmt: skip

    assert "A community needs at least one facilitator" in page_text(refused)
    assert membership(fay, community).is_facilitator


def test_a_deleted_post_shows_in_the_community_audit_log(make_user, make_organisation):
    case = delete_post(make_user, make_organisation)
    client_as(case.actor).post(case.url)

    fay = db.session.scalar(sa.select(User).where(User.username == "fay"))
    audit = page_text(client_as(fay).get("/communities/discharge-lounge/audit"))
    assert "Ash Author Deleted their post in Board rounds at 8am" in audit


def test_deleting_a_post_in_a_methods_discussion_asks_on_the_method(make_user):
    ama, mo = make_user("ama", name="Ama Author"), make_user("mo", name="Mo Member")
    method = publish_method(ama, "Safety huddle")
    post = make_post(mo, method_threads.thread_of(method), "We tried it on nights.")
    discussion = f"/methods/{method.id}-{method.slug}/discussion"
    client = client_as(mo)

    asked = client.get(f"/posts/{post.id}/delete")
    assert "Delete your post?" in page_text(asked)
    assert f'href="/methods/{method.id}-{method.slug}"' in asked.get_data(as_text=True)
    acted = client.post(f"/posts/{post.id}/delete")
    assert acted.location.startswith(discussion)
    db.session.expire_all()
    assert db.session.get(Post, post.id).is_removed


def test_taking_away_a_role_someone_does_not_have_is_refused_and_not_audited(make_user):
    fay, mo = make_user("fay", name="Fay Lead"), make_user("mo-member", name="Mo Member")
    make_community(fay, "Night shift", members=[mo])

    refused = client_as(fay).post(
        "/communities/night-shift/members/mo-member/facilitator",
        data={"appoint": "0"}, follow_redirects=True,
    )  # fmt: skip

    assert "Mo Member is not a facilitator" in page_text(refused)
    assert _audited("community.facilitator_removed") == 0


def test_closing_a_mentorship_asks_on_its_own_page_first(make_user, make_organisation):
    rita = make_user("rita", name="Rita Requester")
    max_ = make_user("max", name="Max Mentor", organisation=make_organisation("Mentor Trust"))
    offer(max_, capacity=2)
    mentorship = start_mentorship(rita, max_)
    close = f"/mentoring/mentorships/{mentorship.id}/close"

    page = client_as(rita).get(f"/mentoring/mentorships/{mentorship.id}")
    assert f'href="{close}"' in page.get_data(as_text=True)
    asked = page_text(client_as(rita).get(close))
    assert "This cannot be undone" in asked and "cannot be reopened" in asked
    db.session.expire_all()
    assert db.session.get(Mentorship, mentorship.id).is_active
    assert _audited("mentoring.mentorship_closed") == 0


def test_declining_to_mentor_checks_the_answer_and_message_first(make_user, make_organisation):
    _, wanted, asked = _asked(make_user, make_organisation)
    respond = f"/mentoring/requests/{wanted.id}/respond"
    answer = {"decision": "decline", "message": "Fully booked until March"}
    client = client_as(db.session.get(User, asked.mentor_id))

    question = client.post(respond, data=answer)
    assert question.status_code == 200
    text = page_text(question)
    assert "Decline to mentor" in text and "“Fully booked until March”" in text
    html = question.get_data(as_text=True)
    assert 'name="confirmed" value="1"' in html
    assert 'name="message" value="Fully booked until March"' in html
    db.session.expire_all()
    assert db.session.get(MentoringAsk, asked.id).status == AskStatus.PENDING

    client.post(respond, data={**answer, "confirmed": "1"})
    db.session.expire_all()
    declined = db.session.get(MentoringAsk, asked.id)
    assert declined.status == AskStatus.DECLINED and declined.response == answer["message"]
    assert _audited("mentoring.ask_declined") == 1


def test_accepting_to_mentor_is_not_asked_again(make_user, make_organisation):
    _, wanted, asked = _asked(make_user, make_organisation)
    client = client_as(db.session.get(User, asked.mentor_id))

    accepted = client.post(
        f"/mentoring/requests/{wanted.id}/respond",
        data={"decision": "accept", "message": "Happy to help"},
    )

    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringAsk, asked.id).status == AskStatus.ACCEPTED
