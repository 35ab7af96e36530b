"""Every route × every role → the status that role gets.

To add a route: add a row to ROUTES with the endpoint, the method to try (GET,
or POST for POST-only routes), a function from the `world` to the URL, and
what each role should get. `test_every_route_has_a_row` fails until you do.
Build the URL from objects in `world` (add any you need to the fixture).

Statuses: an int is the status code; SIGN_IN is a redirect to the sign-in page
that remembers where the visitor was going.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from conftest import sign_in_as

from community.accounts import tokens
from community.communities.models import (
    Community,
    CommunityStatus,
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Visibility,
)
from community.discussions.models import Post, Thread
from community.markdown import render_markdown
from community.notifications.models import Notification, NotificationKind

ROLES = ("anonymous", "unconfirmed", "member", "admin")
SIGN_IN = "sign-in"


@dataclass(frozen=True)
class Route:
    endpoint: str
    url: Callable[[SimpleNamespace], str]
    expect: dict[str, int | str]
    method: str = "GET"
    data: dict = field(default_factory=dict)


def everyone(status: int = 200) -> dict:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int = 200, **overrides) -> dict:
    return {
        "anonymous": SIGN_IN,
        "unconfirmed": status,
        "member": status,
        "admin": status,
        **overrides,
    }


def signed_out_only() -> dict:
    return {"anonymous": 200, "unconfirmed": 302, "member": 302, "admin": 302}


def facilitators(status: int = 200) -> dict:
    """Facilitators of the community (and site administrators, who moderate everything)."""
    return {"anonymous": SIGN_IN, "unconfirmed": 403, "member": 403, "admin": status}


def admins(status: int = 200) -> dict:
    return facilitators(status)


def c(w) -> str:
    return f"/communities/{w.community.slug}"


def t(w) -> str:
    return f"{c(w)}/threads/{w.thread.id}"


ROUTES: list[Route] = [
    # -------------------------------------------------------------- main
    Route("main.index", lambda w: "/", everyone()),
    Route("main.healthz", lambda w: "/healthz", everyone()),
    Route("main.nhsuk_assets", lambda w: "/assets/images/favicon.svg", everyone()),
    Route("main.about", lambda w: "/about", everyone()),
    Route("main.accessibility", lambda w: "/accessibility", everyone()),
    Route("main.privacy", lambda w: "/privacy", everyone()),
    # -------------------------------------------------------------- accounts
    Route("accounts.register", lambda w: "/account/register", signed_out_only()),
    Route("accounts.sign_in", lambda w: "/account/sign-in", signed_out_only()),
    Route("accounts.sign_out", lambda w: "/account/sign-out", everyone(302), "POST"),
    Route("accounts.confirm_email", lambda w: f"/account/confirm/{w.confirm_token}", everyone()),
    Route(
        "accounts.resend_confirmation", lambda w: "/account/confirm/resend", signed_in(302), "POST"
    ),
    Route("accounts.request_reset", lambda w: "/account/reset", everyone()),
    Route("accounts.reset_password", lambda w: f"/account/reset/{w.reset_token}", everyone()),
    Route("accounts.settings", lambda w: "/account/settings", signed_in()),
    Route("accounts.edit_profile", lambda w: "/account/settings/profile", signed_in()),
    Route("accounts.change_password", lambda w: "/account/settings/password", signed_in()),
    Route("accounts.change_email", lambda w: "/account/settings/email", signed_in()),
    Route("accounts.your_data", lambda w: "/account/settings/data", signed_in()),
    Route("accounts.export_data", lambda w: "/account/settings/data/export", signed_in(), "POST"),
    Route("accounts.delete_account", lambda w: "/account/settings/delete", signed_in()),
    Route(
        "accounts.confirm_email_change",
        lambda w: f"/account/email/{w.change_email_token}",
        everyone(),
    ),
    # -------------------------------------------------------------- people and the directory
    Route("people.directory", lambda w: "/people", signed_in()),
    Route("people.profile", lambda w: f"/people/{w.facilitator.username}", signed_in()),
    Route("directory.systems", lambda w: "/systems", signed_in()),
    Route("directory.system", lambda w: f"/systems/{w.organisation.system.slug}", signed_in()),
    Route("directory.organisations", lambda w: "/organisations", signed_in()),
    Route("directory.organisation", lambda w: f"/organisations/{w.organisation.slug}", signed_in()),
    # -------------------------------------------------------------- communities
    # `community` is open, facilitated by `facilitator`; `private` is private and unlisted.
    Route("communities.directory", lambda w: "/communities", signed_in()),
    Route("communities.propose", lambda w: "/communities/new", signed_in()),
    Route("communities.home", c, signed_in()),
    Route("communities.edit", lambda w: f"{c(w)}/edit", facilitators()),
    Route("communities.join", lambda w: f"{c(w)}/join", signed_in(302), "POST"),
    Route("communities.leave", lambda w: f"{c(w)}/leave", signed_in(302), "POST"),
    Route("communities.watch", lambda w: f"{c(w)}/watch", signed_in(302), "POST", {"watch": "1"}),
    Route("communities.members", lambda w: f"{c(w)}/members", signed_in()),
    Route(
        "communities.remove_member",
        lambda w: f"{c(w)}/members/{w.facilitator.username}/remove",
        facilitators(302),
        "POST",
    ),
    Route(
        "communities.facilitator",
        lambda w: f"{c(w)}/members/{w.facilitator.username}/facilitator",
        facilitators(302),
        "POST",
        {"appoint": "0"},
    ),
    Route("communities.join_requests", lambda w: f"{c(w)}/requests", facilitators()),
    Route(
        "communities.decide_request",
        lambda w: f"/communities/{w.private.slug}/requests/{w.join_request.id}",
        signed_in(302, unconfirmed=404, member=404),  # the private community is not theirs to see
        "POST",
        {"decision": "approve"},
    ),
    Route("communities.invite", lambda w: f"{c(w)}/invite", facilitators()),
    Route(
        "communities.accept_invitation",
        lambda w: f"/communities/{w.private.slug}/invitations/{w.invitation.token}",
        signed_in(),  # the token, not membership, opens this page
    ),
    Route("communities.moderation_queue", lambda w: f"{c(w)}/moderation", facilitators()),
    Route("communities.audit", lambda w: f"{c(w)}/audit", facilitators()),
    # -------------------------------------------------------------- discussions
    Route("discussions.new_thread", lambda w: f"{c(w)}/threads/new", signed_in()),
    Route("discussions.thread", lambda w: f"{t(w)}-{w.thread.slug}", signed_in()),
    Route("discussions.thread_redirect", lambda w: f"/threads/{w.thread.id}", signed_in(302)),
    Route("discussions.reply", lambda w: f"{t(w)}/reply", signed_in()),
    Route(
        "discussions.moderate",
        lambda w: f"{t(w)}/moderate",
        signed_in(302),
        "POST",
        {"action": "pin"},
    ),
    Route("discussions.move", lambda w: f"{t(w)}/move", facilitators()),
    Route(
        "discussions.watch", lambda w: f"{t(w)}/watch", signed_in(302), "POST", {"level": "muted"}
    ),
    Route("discussions.post_permalink", lambda w: f"/posts/{w.post.id}", signed_in(302)),
    # Only the author edits a post; not even a site administrator.
    Route(
        "discussions.edit_post",
        lambda w: f"/posts/{w.post.id}/edit",
        signed_in(403, anonymous=SIGN_IN),
    ),
    Route("discussions.post_history", lambda w: f"/posts/{w.post.id}/history", signed_in()),
    Route(
        "discussions.delete_post", lambda w: f"/posts/{w.post.id}/delete", signed_in(302), "POST"
    ),
    Route("discussions.helpful", lambda w: f"/posts/{w.post.id}/helpful", signed_in(302), "POST"),
    Route(
        "discussions.key_learning",
        lambda w: f"/posts/{w.post.id}/key-learning",
        signed_in(302),
        "POST",
        {"mark": "1"},
    ),
    Route("discussions.hide_post", lambda w: f"/posts/{w.post.id}/hide", signed_in(302), "POST"),
    Route("discussions.flag_post", lambda w: f"/posts/{w.post.id}/flag", signed_in()),
    Route(
        "discussions.review_post",
        lambda w: f"/posts/{w.post.id}/review",
        facilitators(302),
        "POST",
        {"decision": "keep"},
    ),
    # -------------------------------------------------------------- notifications
    Route("notifications.index", lambda w: "/notifications", signed_in()),
    Route(
        "notifications.open_notification",
        lambda w: f"/notifications/{w.notification.id}/open",
        signed_in(302, unconfirmed=404, admin=404),  # the member's own notification only
        "POST",
    ),
    Route("notifications.read_all", lambda w: "/notifications/read-all", signed_in(302), "POST"),
    Route("notifications.settings", lambda w: "/account/settings/notifications", signed_in()),
    # -------------------------------------------------------------- administration
    Route("admin.index", lambda w: "/admin/", admins()),
    Route("admin.edit_system", lambda w: "/admin/systems/new", admins()),
    Route(
        "admin.edit_system", lambda w: f"/admin/systems/{w.organisation.system_id}/edit", admins()
    ),
    Route("admin.edit_organisation", lambda w: "/admin/organisations/new", admins()),
    Route(
        "admin.edit_organisation",
        lambda w: f"/admin/organisations/{w.organisation.id}/edit",
        admins(),
    ),
    Route("admin.members", lambda w: "/admin/members", admins()),
    Route("admin.member", lambda w: f"/admin/members/{w.facilitator.id}", admins()),
    Route("admin.audit", lambda w: "/admin/audit", admins()),
    Route("admin.community_proposals", lambda w: "/admin/communities", admins()),
    Route(
        "admin.decide_community",
        lambda w: f"/admin/communities/{w.proposed.id}/decision",
        admins(302),
        "POST",
        {"decision": "approve"},
    ),
]


@pytest.fixture
def world(db, organisation, make_user, member, admin, unconfirmed):
    """One of everything a URL can name, saved in a single commit."""
    facilitator = make_user("fola-facilitator", name="Fola Facilitator")
    applicant = make_user("abi-applicant", name="Abi Applicant")
    community = Community(
        name="Discharge collaborative", slug="discharge-collaborative", purpose="Faster discharge",
        learning_question="What works?", visibility=Visibility.OPEN, created_by_id=facilitator.id,
        member_count=1, thread_count=1,
    )  # fmt: skip
    private = Community(
        name="QI leads circle", slug="qi-leads-circle", purpose="Peer support",
        learning_question="How?", visibility=Visibility.PRIVATE, created_by_id=facilitator.id,
        member_count=1,
    )  # fmt: skip
    proposed = Community(
        name="Frailty network", slug="frailty-network", purpose="Frailty",
        learning_question="Which?", status=CommunityStatus.PROPOSED, created_by_id=facilitator.id,
    )  # fmt: skip
    thread = Thread(
        community=community, author_id=facilitator.id, title="Criteria-led discharge",
        slug="criteria-led-discharge", post_count=1,
    )  # fmt: skip
    post = Post(
        thread=thread, position=1, author_id=facilitator.id, body_source="How did you start?",
        body_html=render_markdown("How did you start?").html,
    )  # fmt: skip
    join_request = JoinRequest(community=private, user_id=applicant.id, message="Please")
    invitation = Invitation(community=private, email=member.email, token="an-invitation-token")
    db.session.add_all(
        [
            community, private, proposed, thread, post, join_request, invitation,
            Membership(community=community, user_id=facilitator.id, role=MemberRole.FACILITATOR),
            Membership(community=private, user_id=facilitator.id, role=MemberRole.FACILITATOR),
        ]
    )  # fmt: skip
    db.session.flush()
    notification = Notification(
        recipient_id=member.id, kind=NotificationKind.REPLY, actor_id=facilitator.id,
        community_id=community.id, thread_id=thread.id, post_id=post.id, text="replied",
    )  # fmt: skip
    db.session.add(notification)
    db.session.commit()
    return SimpleNamespace(
        organisation=organisation, member=member, admin=admin, unconfirmed=unconfirmed,
        facilitator=facilitator, community=community, private=private, proposed=proposed,
        thread=thread, post=post, join_request=join_request, invitation=invitation,
        notification=notification,
        confirm_token=tokens.make_token(
            tokens.CONFIRM_EMAIL, {"u": unconfirmed.id, "e": unconfirmed.email}
        ),
        reset_token=tokens.make_token(
            tokens.RESET_PASSWORD, {"u": member.id, "h": member.password_hash[-16:]}
        ),
        change_email_token=tokens.make_token(
            tokens.CHANGE_EMAIL, {"u": member.id, "e": "sam.new@nhs.example"}
        ),
    )  # fmt: skip


def outcome(response) -> int | str:
    """What a visitor gets, in the table's terms."""
    if response.status_code == 302:
        location = urlsplit(response.headers["Location"])
        if location.path == "/account/sign-in" and location.query.startswith("next="):
            return SIGN_IN
    return response.status_code


@pytest.mark.parametrize(
    "route", [pytest.param(r, id=f"{r.method} {r.endpoint} {n}") for n, r in enumerate(ROUTES)]
)
def test_route_gives_each_role_the_expected_status(make_client, world, route):
    # The roles take turns in one world, admin last, so that an action that
    # succeeds (an admin deciding a request) comes after the refusals.
    got = {}
    for role in ROLES:
        client = make_client()
        if role != "anonymous":
            sign_in_as(client, getattr(world, role))
        got[role] = outcome(client.open(route.url(world), method=route.method, data=route.data))
    assert got == route.expect, f"{route.method} {route.url(world)}"


def _endpoints_in_other_tables() -> set[str]:
    """Endpoints that a feature's own permission table (tests/test_*_permissions.py) covers."""
    here = Path(__file__)
    endpoints = set()
    for path in sorted(here.parent.glob("test_*permissions.py")):
        if path == here:
            continue
        module = importlib.import_module(path.stem)
        endpoints |= _table_endpoints(module)
    return endpoints


def _table_endpoints(module) -> set[str]:
    """The endpoints a permission module's table names: ROUTES rows or TABLE keys."""
    if hasattr(module, "ROUTES"):
        return {row.endpoint if hasattr(row, "endpoint") else row[0] for row in module.ROUTES}
    if hasattr(module, "TABLE"):
        return set(module.TABLE)
    raise AssertionError(f"{module.__name__} should define its permission table as ROUTES")


def test_every_route_has_a_row(app, world):
    """Every route is in this table or in its feature's own permission table."""
    adapter = app.url_map.bind("localhost")
    covered = set()
    for route in ROUTES:
        assert set(route.expect) == set(ROLES), f"{route.endpoint}: give a status for every role"
        rule, _ = adapter.match(route.url(world), method=route.method, return_rule=True)
        assert rule.endpoint == route.endpoint, f"the URL of {route.endpoint}'s row is {rule}"
        covered.add(rule.rule)
    elsewhere = _endpoints_in_other_tables()
    missing = sorted(
        f"{rule.endpoint} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule.rule not in covered and rule.endpoint not in elsewhere
    )
    assert missing == [], "add a row to a permission table (tests/test_*permissions.py) for these"
