"""Communities: proposing, approving, joining, inviting, leaving and facilitating."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from factories import client_as, make_community, make_thread, notifications_for
from helpers import emails_to, error_summary, page_text

from community.audit.models import AuditEvent
from community.communities import joining, services
from community.communities.models import (
    Community,
    CommunityStatus,
    JoinRequest,
    RequestStatus,
    Visibility,
)
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.notifications.models import NotificationKind
from community.visibility import membership


def community_named(name: str) -> Community | None:
    return db.session.scalar(sa.select(Community).where(Community.name == name))


def audit_actions(community: Community) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.community_id == community.id)
            .order_by(AuditEvent.id)
        )
    )


PROPOSAL = {
    "name": "Frailty Front Door",
    "purpose": "Assess frail patients at the front door",
    "learning_question": "What keeps frail people out of hospital beds?",
    "visibility": "open",
}


# ---------------------------------------------------------------- proposing


def test_a_proposal_waits_for_an_administrator(app, monkeypatch, fay, nia, admin):
    monkeypatch.setitem(app.config, "COMMUNITY_APPROVAL_REQUIRED", True)
    response = client_as(fay).post("/communities/new", data=PROPOSAL, follow_redirects=True)

    assert "will open when a site administrator approves it" in page_text(response)
    assert "Waiting for approval" in page_text(response)
    community = community_named("Frailty Front Door")
    assert community.status == CommunityStatus.PROPOSED
    assert client_as(nia).get("/communities/frailty-front-door").status_code == 404
    assert "Frailty Front Door" not in page_text(client_as(nia).get("/communities"))

    listing = client_as(admin).get("/admin/communities")
    assert "Frailty Front Door" in page_text(listing)
    decided = client_as(admin).post(
        f"/admin/communities/{community.id}/decision",
        data={"decision": "approve"},
        follow_redirects=True,
    )

    assert "Frailty Front Door has been approved" in page_text(decided)
    assert "No communities are waiting for approval" in page_text(decided)
    assert client_as(nia).get("/communities/frailty-front-door").status_code == 200
    assert audit_actions(community) == ["community.proposed", "community.approved"]


def test_a_declined_proposal_is_not_shown_and_cannot_be_decided_again(app, monkeypatch, fay, admin):
    monkeypatch.setitem(app.config, "COMMUNITY_APPROVAL_REQUIRED", True)
    community = services.propose_community(fay, **PROPOSAL, listed=False)

    services.decide_proposal(admin, community, approve=False)

    assert community.status == CommunityStatus.DECLINED
    assert client_as(fay).get(f"/communities/{community.slug}").status_code == 404
    with pytest.raises(RuleViolation, match="already been decided"):
        services.decide_proposal(admin, community, approve=True)
    assert community.status == CommunityStatus.DECLINED


def test_without_approval_a_proposal_opens_at_once(app, monkeypatch, fay):
    monkeypatch.setitem(app.config, "COMMUNITY_APPROVAL_REQUIRED", False)

    response = client_as(fay).post("/communities/new", data=PROPOSAL, follow_redirects=True)

    assert "Frailty Front Door is ready. You are its facilitator." in page_text(response)
    community = community_named("Frailty Front Door")
    assert community.status == CommunityStatus.ACTIVE
    assert community.member_count == 1
    assert membership(fay, community).is_facilitator


def test_an_administrators_proposal_needs_no_approval(app, monkeypatch, admin):
    monkeypatch.setitem(app.config, "COMMUNITY_APPROVAL_REQUIRED", True)
    community = services.propose_community(admin, **PROPOSAL, listed=False)
    assert community.status == CommunityStatus.ACTIVE


def test_a_name_already_taken_is_refused_and_nothing_is_saved(fay, mo):
    make_community(fay, "Frailty Front Door")

    response = client_as(mo).post(
        "/communities/new", data={**PROPOSAL, "name": "frailty front door"}
    )

    assert response.status_code == 200
    assert "There is already a community with this name" in page_text(response)
    assert db.session.scalar(sa.select(sa.func.count(Community.id))) == 1


def test_every_problem_with_a_proposal_is_shown_at_once(fay, mo):
    make_community(fay, "Frailty Front Door")

    response = client_as(mo).post(
        "/communities/new",
        data={**PROPOSAL, "name": "frailty front door", "purpose": "", "learning_question": ""},
    )

    assert response.status_code == 200
    # The form's own checks (no purpose, no question) and the service's (a name
    # already taken) in one submit.
    assert sorted(error_summary(response)) == sorted([
        "There is already a community with this name",
        "Say what the community is for",
        "Enter the question the community is trying to answer",
    ])  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(Community.id))) == 1


def test_an_unconfirmed_member_cannot_propose(unconfirmed):
    response = client_as(unconfirmed).post("/communities/new", data=PROPOSAL)

    assert "Confirm your email address before you propose a community" in page_text(response)
    assert community_named("Frailty Front Door") is None


# ---------------------------------------------------------------- joining


def test_joining_an_open_community_takes_one_click(fay, mo):
    community = make_community(fay, "Discharge Lounge")

    joined = client_as(mo).post("/communities/discharge-lounge/join", follow_redirects=True)
    again = client_as(mo).post("/communities/discharge-lounge/join", follow_redirects=True)

    assert "You have joined Discharge Lounge." in page_text(joined)
    assert "You are already a member of this community" in page_text(again)
    assert community.member_count == 2
    assert "2 members" in page_text(client_as(mo).get("/communities/discharge-lounge"))


def test_a_listed_private_community_can_be_asked_to_join(fay, mo, nia):
    community = make_community(
        fay, "Night Shift Safety", visibility=Visibility.PRIVATE, members=[mo], listed=True
    )
    make_thread(mo, community, "Handover at 3am")

    page = client_as(nia).get("/communities/night-shift-safety")
    assert page.status_code == 200
    assert "This is a private community" in page_text(page)
    assert "Handover at 3am" not in page_text(page)
    assert "Night Shift Safety" in page_text(client_as(nia).get("/communities"))

    asked = client_as(nia).post(
        "/communities/night-shift-safety/join",
        data={"message": "I lead nights at Riverside"},
        follow_redirects=True,
    )
    assert "Your request has been sent to the facilitators." in page_text(asked)
    assert "A facilitator will decide soon" in page_text(asked)
    again = client_as(nia).post("/communities/night-shift-safety/join", follow_redirects=True)
    assert "You have already asked to join" in page_text(again)
    [asked_note] = notifications_for(fay)
    assert asked_note.kind == NotificationKind.JOIN_REQUEST
    assert asked_note.text == "Nia Outsider asked to join Night Shift Safety"
    opened = client_as(fay).post(f"/notifications/{asked_note.id}/open")
    assert opened.location == "/communities/night-shift-safety/requests"

    requests_page = client_as(fay).get(opened.location)
    assert "Nia Outsider" in page_text(requests_page)
    assert "I lead nights at Riverside" in page_text(requests_page)
    join_request = db.session.scalar(sa.select(JoinRequest))
    decided = client_as(fay).post(
        f"/communities/night-shift-safety/requests/{join_request.id}",
        data={"decision": "approve"},
        follow_redirects=True,
    )

    assert "Nia Outsider has joined the community." in page_text(decided)
    assert "There are no requests waiting" in page_text(decided)
    assert community.member_count == 3
    welcome = notifications_for(nia)
    assert [(n.kind, n.text) for n in welcome] == [
        (NotificationKind.JOIN_APPROVED, "You have joined Night Shift Safety")
    ]
    assert "Handover at 3am" in page_text(client_as(nia).get("/communities/night-shift-safety"))


def test_a_declined_request_leaves_the_community_closed(fay, nia):
    community = make_community(
        fay, "Night Shift Safety", visibility=Visibility.PRIVATE, listed=True
    )
    join_request = joining.request_to_join(nia, community, "")

    joining.decide_join_request(fay, join_request, approve=False)

    assert join_request.status == RequestStatus.DECLINED
    assert membership(nia, community) is None
    assert community.member_count == 1
    assert notifications_for(nia) == []
    with pytest.raises(RuleViolation, match="already been decided"):
        joining.decide_join_request(fay, join_request, approve=True)
    assert membership(nia, community) is None


def test_the_directory_lists_open_and_listed_private_communities_only(fay, mo, nia):
    make_community(fay, "Open Wards")
    make_community(fay, "Listed Huddle", visibility=Visibility.PRIVATE, listed=True)
    make_community(fay, "Quiet Huddle", visibility=Visibility.PRIVATE, members=[mo])

    outsider = page_text(client_as(nia).get("/communities"))
    insider = page_text(client_as(mo).get("/communities"))

    assert "Open Wards" in outsider and "Listed Huddle" in outsider
    assert "Quiet Huddle" not in outsider
    assert "Quiet Huddle" in insider
    assert client_as(nia).post("/communities/quiet-huddle/join").status_code == 404


# ---------------------------------------------------------------- invitations


def test_an_invitation_is_emailed_and_accepted_once(fay, make_user):
    community = make_community(fay, "Night Shift Safety", visibility=Visibility.PRIVATE)

    sent = client_as(fay).post(
        "/communities/night-shift-safety/invite",
        data={"person": "Rae.Invited@NHS.example"},
        follow_redirects=True,
    )

    assert "We have emailed an invitation to Rae.Invited@NHS.example" in page_text(sent)
    [email] = emails_to("rae.invited@nhs.example")
    assert email.subject == "You are invited to join Night Shift Safety on Improvement Commons"
    link = re.search(
        r"https?://\S+/communities/night-shift-safety/invitations/\S+", email.body_text
    )
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    rae = make_user("rae-invited", email="rae.invited@nhs.example")
    invitation_page = client_as(rae).get(path)
    assert "You have been invited to join Night Shift Safety" in page_text(invitation_page)
    accepted = client_as(rae).post(path, follow_redirects=True)

    assert "Welcome to Night Shift Safety." in page_text(accepted)
    assert membership(rae, community) is not None
    assert community.member_count == 2
    reused = client_as(rae).post(path, follow_redirects=True)
    assert "This invitation has been used or is not valid" in page_text(reused)
    assert community.member_count == 2


def test_an_invitation_cannot_be_accepted_by_another_account(fay, nia):
    community = make_community(fay, "Night Shift Safety", visibility=Visibility.PRIVATE)
    invitation = joining.invite(fay, community, "rae.invited@nhs.example")

    refused = client_as(nia).post(
        f"/communities/night-shift-safety/invitations/{invitation.token}", follow_redirects=True
    )

    assert "This invitation was sent to another email address" in page_text(refused)
    assert membership(nia, community) is None
    assert invitation.accepted_at is None
    assert client_as(nia).get("/communities/night-shift-safety").status_code == 404


def test_inviting_a_member_is_refused(fay, mo):
    make_community(fay, "Discharge Lounge", members=[mo])

    response = client_as(fay).post(
        "/communities/discharge-lounge/invite", data={"person": mo.email}
    )

    assert "That person is already a member" in page_text(response)
    assert emails_to(mo) == []


def test_an_unknown_invitation_token_is_not_found(fay, mo):
    make_community(fay, "Night Shift Safety", visibility=Visibility.PRIVATE)
    response = client_as(mo).get("/communities/night-shift-safety/invitations/guessed-token")
    assert response.status_code == 404


# ---------------------------------------------------------------- leaving and facilitating


def test_a_member_can_leave_and_a_private_community_then_disappears(fay, mo):
    community = make_community(
        fay, "Night Shift Safety", visibility=Visibility.PRIVATE, members=[mo]
    )

    asked = client_as(mo).get("/communities/night-shift-safety/leave")
    assert "Leave Night Shift Safety?" in page_text(asked)
    assert "You will no longer see its threads, methods and projects." in page_text(asked)
    assert membership(mo, community) is not None  # asking changes nothing

    left = client_as(mo).post("/communities/night-shift-safety/leave")

    assert left.location == "/communities"
    assert community.member_count == 1
    assert client_as(mo).get("/communities/night-shift-safety").status_code == 404
    assert "community.left" in audit_actions(community)


def test_the_only_facilitator_cannot_leave_until_another_is_appointed(fay, mo):
    community = make_community(fay, "Discharge Lounge", members=[mo])

    refused = client_as(fay).post("/communities/discharge-lounge/leave", follow_redirects=True)
    assert "You are the only facilitator: appoint another facilitator" in page_text(refused)
    assert membership(fay, community) is not None

    appointed = client_as(fay).post(
        "/communities/discharge-lounge/members/mo-member/facilitator",
        data={"appoint": "1"},
        follow_redirects=True,
    )
    assert "Mo Member is now a facilitator." in page_text(appointed)
    left = client_as(fay).post("/communities/discharge-lounge/leave", follow_redirects=True)

    assert "You have left Discharge Lounge." in page_text(left)
    assert membership(fay, community) is None
    assert community.member_count == 1


def test_the_last_facilitator_role_cannot_be_removed(fay, mo):
    community = make_community(fay, "Discharge Lounge", members=[mo])
    services.set_facilitator(fay, community, mo, appoint=True)

    services.set_facilitator(mo, community, fay, appoint=False)

    assert not membership(fay, community).is_facilitator
    with pytest.raises(RuleViolation, match="at least one facilitator"):
        services.set_facilitator(fay, community, mo, appoint=False)
    assert membership(mo, community).is_facilitator
    assert audit_actions(community)[-2:] == [
        "community.facilitator_appointed",
        "community.facilitator_removed",
    ]


def test_a_facilitator_removes_a_member(fay, mo, make_user):
    community = make_community(
        fay, "Night Shift Safety", visibility=Visibility.PRIVATE, members=[mo]
    )

    removed = client_as(fay).post(
        "/communities/night-shift-safety/members/mo-member/remove", follow_redirects=True
    )

    assert "Mo Member has been removed from the community." in page_text(removed)
    assert "Mo Member" not in page_text(
        client_as(fay).get("/communities/night-shift-safety/members")
    )
    assert community.member_count == 1
    assert client_as(mo).get("/communities/night-shift-safety").status_code == 404
    assert "community.member_removed" in audit_actions(community)


def test_a_facilitator_cannot_remove_another_facilitator(fay, mo):
    community = make_community(fay, "Discharge Lounge", members=[mo])
    services.set_facilitator(fay, community, mo, appoint=True)

    with pytest.raises(RuleViolation, match="Remove their facilitator role"):
        services.remove_member(mo, community, fay)

    assert membership(fay, community) is not None
    assert community.member_count == 2


def test_counters_follow_joins_leaves_and_threads(fay, mo, nia):
    community = make_community(fay, "Discharge Lounge", members=[mo, nia])
    make_thread(mo, community)
    make_thread(fay, community)
    services.leave(nia, community)

    directory = page_text(client_as(mo).get("/communities"))

    assert (community.member_count, community.thread_count) == (2, 2)
    assert "2 members · 2 threads" in directory
    # Each reader sees what they are of the community.
    assert "Member 2 members" in directory
    assert "Facilitator 2 members" in page_text(client_as(fay).get("/communities"))
    assert "Member 2 members" not in page_text(client_as(nia).get("/communities"))


def test_a_facilitator_edits_the_details_and_the_audit_log_shows_it(fay, mo):
    community = make_community(fay, "Discharge Lounge", members=[mo])

    response = client_as(fay).post(
        "/communities/discharge-lounge/edit",
        data={
            "name": "Discharge Lounge",
            "purpose": "Get patients home before noon",
            "learning_question": "What frees beds earlier?",
            "visibility": "private",
        },
        follow_redirects=True,
    )

    assert "The community's details have been saved." in page_text(response)
    assert community.visibility == Visibility.PRIVATE
    audit = page_text(client_as(fay).get("/communities/discharge-lounge/audit"))
    assert "Changed the community's details" in audit and "visibility open to private" in audit


def test_a_member_chooses_to_hear_about_new_threads(fay, mo):
    community = make_community(fay, "Discharge Lounge", members=[mo])

    on = client_as(mo).post(
        "/communities/discharge-lounge/watch", data={"watch": "1"}, follow_redirects=True
    )

    assert "You will be told about new threads." in page_text(on)
    assert "You are told about new threads." in page_text(on)
    assert membership(mo, community).watch_new_threads is True
    off = client_as(mo).post(
        "/communities/discharge-lounge/watch", data={"watch": "0"}, follow_redirects=True
    )
    assert "You are not told about new threads." in page_text(off)
