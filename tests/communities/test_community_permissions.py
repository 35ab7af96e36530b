"""Who may open what: every community, discussion and notification route × every role.

Each row of ROUTES is one endpoint and method, with the status each role gets
in an open community and in a private one. Outsiders (a signed-in non-member
and a facilitator of another community) get 404 from every private route, so
a private community's existence never leaks. Signed-out visitors are sent to
sign in. A new route without a row fails `test_every_route_has_a_row`.

The private column of a row that tests/platform/test_access_control.py also has (every
GET, and every POST-only route, in its private community C with the same
roles) is not run here, and rows that do not depend on the community at all
are left to that table; the open community and the POST half of the pages that
also answer GET are this table's own.

The statuses are the ones a person sees: actions refused by a rule (flagging
your own post, posting in an open community you have not joined) redirect or
re-show the form with a message, and their messages are tested in the feature
test modules.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from factories import client_as
from test_access_control import covered

from community.accounts.models import Role, User
from community.communities.models import (
    Community,
    CommunityStatus,
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Visibility,
)
from community.core.extensions import db
from community.core.markdown import RENDER_VERSION, render_markdown
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.discussions.models import Post, PostRevision, Thread
from community.notifications.models import Notification, NotificationKind, ThreadWatch, WatchLevel

SIGN_IN = "sign in"  # a 302 to the sign-in page
SIGNED_IN_ROLES = (
    "non_member",
    "member",
    "author",
    "facilitator_elsewhere",
    "facilitator",
    "admin",
)
ROLES = ("anonymous", *SIGNED_IN_ROLES)
OUTSIDERS_404 = {"non_member": 404, "facilitator_elsewhere": 404}
REFUSED = {SIGN_IN, 403, 404}


def statuses(default: int, **by_role: int) -> dict[str, int | str]:
    """Every signed-in role gets `default` unless named; signed-out visitors sign in."""
    unknown = set(by_role) - set(SIGNED_IN_ROLES)
    assert not unknown, unknown
    return {"anonymous": SIGN_IN, **dict.fromkeys(SIGNED_IN_ROLES, default), **by_role}


def facilitators_only(allowed: int) -> dict[str, int | str]:
    return statuses(403, facilitator=allowed, admin=allowed)


def private_facilitators_only(allowed: int) -> dict[str, int | str]:
    return statuses(403, **OUTSIDERS_404, facilitator=allowed, admin=allowed)


@dataclass
class World:
    users: dict[str, User]
    community: Community  # the community under test, open or private
    other: Community  # another community the facilitator runs (a place to move threads)
    thread: Thread  # started by the author
    post: Post  # the author's reply, which the member replied to
    notification: Notification  # the member's
    join_request: JoinRequest
    invitation_token: str
    proposal: Community  # waiting for a site administrator


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    url: Callable[[World], str]
    open: dict[str, int | str]
    # None: the route does not belong to a community, so one table serves.
    private: dict[str, int | str] | None = None
    data: Callable[[World], dict[str, Any]] | None = None


def c(world: World) -> str:
    return f"/communities/{world.community.slug}"


def t(world: World) -> str:
    return f"{c(world)}/threads/{world.thread.id}"


def p(world: World) -> str:
    return f"/posts/{world.post.id}"


# fmt: off
ROUTES: list[Route] = [
    # ---------------------------------------------------------------- communities
    Route("communities.directory", "GET", lambda w: "/communities", statuses(200)),
    Route("communities.propose", "GET", lambda w: "/communities/new", statuses(200)),
    Route("communities.propose", "POST", lambda w: "/communities/new", statuses(302),
          data=lambda w: {"name": f"Falls prevention {w.community.id}", "purpose": "Fewer falls",
                          "learning_question": "What reduces falls?", "visibility": "open"}),
    Route("communities.home", "GET", c, statuses(200), statuses(200, **OUTSIDERS_404)),
    Route("communities.edit", "GET", lambda w: f"{c(w)}/edit",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.edit", "POST", lambda w: f"{c(w)}/edit",
          facilitators_only(302), private_facilitators_only(302),
          data=lambda w: {"name": w.community.name, "purpose": "A sharper purpose",
                          "learning_question": "What works?",
                          "visibility": w.community.visibility}),
    # Joining an open community is one click (members pressing it again are told so);
    # a private, unlisted community cannot be asked to join by those who cannot see it.
    Route("communities.join", "POST", lambda w: f"{c(w)}/join",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"message": "Hello"}),
    Route("communities.leave", "GET", lambda w: f"{c(w)}/leave",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    Route("communities.leave", "POST", lambda w: f"{c(w)}/leave",
          statuses(302), statuses(302, **OUTSIDERS_404)),
    Route("communities.watch", "POST", lambda w: f"{c(w)}/watch",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"watch": "1"}),
    Route("communities.members", "GET", lambda w: f"{c(w)}/members",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    # Removing a member, taking away a facilitator role and declining a request ask first,
    # on a page only those who may act see.
    Route("communities.remove_member", "GET",
          lambda w: f"{c(w)}/members/{w.users['member'].username}/remove",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.remove_member", "POST",
          lambda w: f"{c(w)}/members/{w.users['member'].username}/remove",
          facilitators_only(302), private_facilitators_only(302)),
    Route("communities.facilitator", "GET",
          lambda w: f"{c(w)}/members/{w.users['member'].username}/facilitator",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.facilitator", "POST",
          lambda w: f"{c(w)}/members/{w.users['member'].username}/facilitator",
          facilitators_only(302), private_facilitators_only(302),
          data=lambda w: {"appoint": "1"}),
    Route("communities.join_requests", "GET", lambda w: f"{c(w)}/requests",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.decide_request", "GET", lambda w: f"{c(w)}/requests/{w.join_request.id}",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.decide_request", "POST", lambda w: f"{c(w)}/requests/{w.join_request.id}",
          facilitators_only(302), private_facilitators_only(302),
          data=lambda w: {"decision": "approve"}),
    Route("communities.invite", "GET", lambda w: f"{c(w)}/invite",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.invite", "POST", lambda w: f"{c(w)}/invite",
          facilitators_only(302), private_facilitators_only(302),
          data=lambda w: {"person": "new.colleague@nhs.example"}),
    # The emailed token, not membership, opens the invitation page: the invitee is not a
    # member yet. Accepting with another account is refused (a redirect with a message).
    Route("communities.accept_invitation", "GET",
          lambda w: f"{c(w)}/invitations/{w.invitation_token}", statuses(200), statuses(200)),
    Route("communities.accept_invitation", "POST",
          lambda w: f"{c(w)}/invitations/{w.invitation_token}", statuses(302), statuses(302)),
    Route("communities.moderation_queue", "GET", lambda w: f"{c(w)}/moderation",
          facilitators_only(200), private_facilitators_only(200)),
    Route("communities.audit", "GET", lambda w: f"{c(w)}/audit",
          facilitators_only(200), private_facilitators_only(200)),
    # ---------------------------------------------------------------- discussions
    Route("discussions.new_thread", "GET", lambda w: f"{c(w)}/threads/new",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    # Non-members of an open community see the form again, told to join first.
    Route("discussions.new_thread", "POST", lambda w: f"{c(w)}/threads/new",
          statuses(302, non_member=200, facilitator_elsewhere=200),
          statuses(302, **OUTSIDERS_404),
          data=lambda w: {"title": "Night-time falls", "body": "What has worked for you?"}),
    Route("discussions.thread", "GET", lambda w: f"{t(w)}-{w.thread.slug}",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    Route("discussions.thread_redirect", "GET", lambda w: f"/threads/{w.thread.id}",
          statuses(302), statuses(302, **OUTSIDERS_404)),
    Route("discussions.reply", "GET", lambda w: f"{t(w)}/reply?to={w.post.id}",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    Route("discussions.reply", "POST", lambda w: f"{t(w)}/reply",
          statuses(302, non_member=200, facilitator_elsewhere=200),
          statuses(302, **OUTSIDERS_404),
          data=lambda w: {"body": "We tried this too.", "reply_to": str(w.post.id)}),
    # Only facilitators may lock; others are told so on the thread page.
    Route("discussions.moderate", "POST", lambda w: f"{t(w)}/moderate",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"action": "lock"}),
    Route("discussions.move", "GET", lambda w: f"{t(w)}/move",
          facilitators_only(200), private_facilitators_only(200)),
    Route("discussions.move", "POST", lambda w: f"{t(w)}/move",
          facilitators_only(302), private_facilitators_only(302),
          # Out of a private community only with the explicit choice (test_private_copies).
          data=lambda w: {"community": str(w.other.id), "widen_audience": "y"}),
    Route("discussions.watch", "POST", lambda w: f"{t(w)}/watch",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"level": "muted"}),
    Route("discussions.post_permalink", "GET", p,
          statuses(302), statuses(302, **OUTSIDERS_404)),
    Route("discussions.edit_post", "GET", lambda w: f"{p(w)}/edit",
          statuses(403, author=200), statuses(403, **OUTSIDERS_404, author=200)),
    Route("discussions.edit_post", "POST", lambda w: f"{p(w)}/edit",
          statuses(403, author=302), statuses(403, **OUTSIDERS_404, author=302),
          data=lambda w: {"body": "Corrected: the board round is at 8.30am."}),
    Route("discussions.post_history", "GET", lambda w: f"{p(w)}/history",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    # The author and the thread's moderators redact an earlier version (the world's post
    # has been edited once); only site administrators purge a post.
    Route("discussions.redact_version", "GET", lambda w: f"{p(w)}/history/1/redact",
          statuses(403, author=200, facilitator=200, admin=200),
          statuses(403, **OUTSIDERS_404, author=200, facilitator=200, admin=200)),
    Route("discussions.redact_version", "POST", lambda w: f"{p(w)}/history/1/redact",
          statuses(403, author=302, facilitator=302, admin=302),
          statuses(403, **OUTSIDERS_404, author=302, facilitator=302, admin=302)),
    Route("discussions.purge_post", "GET", lambda w: f"{p(w)}/purge",
          statuses(403, admin=200), statuses(403, **OUTSIDERS_404, admin=200)),
    Route("discussions.purge_post", "POST", lambda w: f"{p(w)}/purge",
          statuses(403, admin=302), statuses(403, **OUTSIDERS_404, admin=302)),
    # Refusals (deleting another's post, marking your own helpful, marking the key
    # learning of someone else's thread, hiding without facilitating) redirect back
    # to the post with a message.
    # Only the post's author is asked whether to delete it.
    Route("discussions.delete_post", "GET", lambda w: f"{p(w)}/delete",
          statuses(403, author=200), statuses(403, **OUTSIDERS_404, author=200)),
    Route("discussions.delete_post", "POST", lambda w: f"{p(w)}/delete",
          statuses(302), statuses(302, **OUTSIDERS_404)),
    Route("discussions.helpful", "POST", lambda w: f"{p(w)}/helpful",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"mark": "1"}),
    Route("discussions.key_learning", "POST", lambda w: f"{p(w)}/key-learning",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"mark": "1"}),
    Route("discussions.hide_post", "POST", lambda w: f"{p(w)}/hide",
          statuses(302), statuses(302, **OUTSIDERS_404), data=lambda w: {"hide": "1"}),
    Route("discussions.flag_post", "GET", lambda w: f"{p(w)}/flag",
          statuses(200), statuses(200, **OUTSIDERS_404)),
    # The author sees the form again: you cannot flag your own post.
    Route("discussions.flag_post", "POST", lambda w: f"{p(w)}/flag",
          statuses(302, author=200), statuses(302, **OUTSIDERS_404, author=200),
          data=lambda w: {"reason": "off_topic", "note": "Belongs in another thread"}),
    Route("discussions.review_post", "POST", lambda w: f"{p(w)}/review",
          facilitators_only(302), private_facilitators_only(302),
          data=lambda w: {"decision": "keep"}),
    # The editor's preview belongs to no community: any signed-in member may render Markdown.
    Route("discussions.preview", "POST", lambda w: "/posts/preview", statuses(200),
          data=lambda w: {"body": "**Hi**"}),
    # ---------------------------------------------------------------- notifications
    Route("notifications.index", "GET", lambda w: "/notifications", statuses(200)),
    # Only its recipient can open a notification; to anyone else it does not exist.
    Route("notifications.open_notification", "POST",
          lambda w: f"/notifications/{w.notification.id}/open",
          statuses(404, member=302), statuses(404, member=302)),
    Route("notifications.read_all", "POST", lambda w: "/notifications/read-all", statuses(302)),
    Route("notifications.settings", "GET", lambda w: "/account/settings/notifications",
          statuses(200)),
    Route("notifications.settings", "POST", lambda w: "/account/settings/notifications",
          statuses(302), data=lambda w: {"frequency": "none"}),
    # ---------------------------------------------------------------- site administration
    Route("admin.community_proposals", "GET", lambda w: "/admin/communities",
          statuses(403, admin=200)),
    Route("admin.decide_community", "GET",
          lambda w: f"/admin/communities/{w.proposal.id}/decision", statuses(403, admin=200)),
    Route("admin.decide_community", "POST",
          lambda w: f"/admin/communities/{w.proposal.id}/decision",
          statuses(403, admin=302), data=lambda w: {"decision": "approve"}),
]
# fmt: on

ADMIN_ENDPOINTS = {"admin.community_proposals", "admin.decide_community"}
BLUEPRINTS = ("communities.", "discussions.", "notifications.")


def _cases():
    """The open community's rows, and the private community's rows that the one table
    (tests/platform/test_access_control.py, with a private community) does not have: the POST half
    of the pages that also answer GET."""
    for route in ROUTES:
        in_access_table = covered(route.endpoint, route.method)
        tables = [] if route.private is None and in_access_table else [("open", route.open)]
        if route.private is not None and not in_access_table:
            tables.append(("private", route.private))
        for visibility, expected in tables:
            yield pytest.param(
                route, visibility, expected, id=f"{route.endpoint}-{route.method}-{visibility}"
            )


_worlds = itertools.count(1)


@functools.cache
def _rendered(body: str) -> str:
    return render_markdown(body).html


def build_world(visibility: str) -> World:
    """Everyone in the table and the things they act on, written in one transaction.

    Written directly rather than through the services (whose rules have their
    own tests) so that a fresh world for every role and POST row costs
    milliseconds: each role's request must not see the previous one's change.
    """
    n = next(_worlds)
    now = utcnow()

    def person(key: str, name: str, role: str = Role.MEMBER) -> User:
        return User(
            username=f"{key}-{n}", name=name, email=f"{key}-{n}@nhs.example",
            password_hash="unused: tests sign in through the session", role=role,
            email_confirmed_at=now,
        )  # fmt: skip

    def community(name: str, facilitator: User, members=(), **fields) -> Community:
        made = Community(
            name=f"{name} {n}", slug=f"{slugify(name)}-{n}", purpose=f"{name} together",
            learning_question="What works?", created_by=facilitator,
            member_count=1 + len(members), last_activity_at=now, **fields,
        )  # fmt: skip
        db.session.add(Membership(community=made, user=facilitator, role=MemberRole.FACILITATOR))
        db.session.add_all(Membership(community=made, user=m) for m in members)
        return made

    users = {
        "non_member": person("nia", "Nia Outsider"),
        "member": person("mo", "Mo Member"),
        "author": person("ash", "Ash Author"),
        "facilitator_elsewhere": person("eli", "Eli Elsewhere"),
        "facilitator": person("fay", "Fay Facilitator"),
        "admin": person("ada", "Ada Admin", Role.ADMIN),
    }
    applicant = person("pat", "Pat Applicant")
    fay, mo, ash = users["facilitator"], users["member"], users["author"]
    community("Elsewhere Network", users["facilitator_elsewhere"], visibility=Visibility.OPEN)
    under_test = community("Ward Rounds", fay, [mo, ash], visibility=visibility, thread_count=1)
    other = community("Discharge Lounge", fay, [mo], visibility=Visibility.OPEN)
    proposal = community(
        "Sepsis Screening", applicant, visibility=Visibility.OPEN,
        status=CommunityStatus.PROPOSED,
    )  # fmt: skip
    thread = Thread(
        community=under_test, author=ash, title="Board rounds before 9am",
        slug="board-rounds-before-9am", post_count=4, last_post_at=now,
    )  # fmt: skip
    posts = []
    for position, (author, body, reply_to) in enumerate(
        [(ash, "Has anyone moved board rounds earlier?", None),
         (ash, "We start at 8am.", 1), (mo, "Same here.", 2), (ash, "We review at 2pm.", None)],
        start=1,
    ):  # fmt: skip
        post = Post(
            thread=thread, position=position, author=author, created_at=now,
            reply_to=posts[reply_to - 1] if reply_to else None,
            body_source=body, body_html=_rendered(body), render_version=RENDER_VERSION,
        )  # fmt: skip
        posts.append(post)
    # The author's reply was edited once: its history has an earlier version to redact.
    posts[1].edit_count, posts[1].edited_at = 1, now
    db.session.add_all([*users.values(), applicant, thread, *posts])
    invitation = Invitation(
        community=under_test, email=f"invitee-{n}@nhs.example", token=f"token-{n}",
        invited_by_id=None,
    )  # fmt: skip
    join_request = JoinRequest(community=under_test, user=applicant, message="May I join?")
    db.session.add_all([invitation, join_request])
    db.session.flush()
    db.session.add_all(
        PostRevision(post_id=posts[1].id, number=number, body_source=body,
                     body_html=_rendered(body), written_at=now)
        for number, body in ((1, "We start at 8am, Mrs J Smith first."), (2, "We start at 8am."))
    )  # fmt: skip
    db.session.add_all(
        [
            ThreadWatch(user_id=ash.id, thread_id=thread.id, level=WatchLevel.WATCHING),
            ThreadWatch(user_id=mo.id, thread_id=thread.id, level=WatchLevel.WATCHING),
        ]
    )
    notification = Notification(
        recipient_id=mo.id, kind=NotificationKind.REPLY, actor_id=ash.id,
        community_id=under_test.id, thread_id=thread.id, post_id=posts[3].id,
        text="Ash Author replied in “Board rounds before 9am”",
    )  # fmt: skip
    db.session.add(notification)
    db.session.commit()
    return World(
        users=users, community=under_test, other=other, thread=thread, post=posts[1],
        notification=notification, join_request=join_request,
        invitation_token=invitation.token, proposal=proposal,
    )  # fmt: skip


def outcome(response) -> int | str:
    if response.status_code == 302 and response.location.startswith("/account/sign-in"):
        return SIGN_IN
    return response.status_code


@pytest.mark.parametrize(("route", "visibility", "expected"), list(_cases()))
def test_permission_table(db, route: Route, visibility: str, expected: dict):
    """One row of the table: the status every role gets.

    After a POST that was let through, the next role gets a fresh world, so
    that one role's change cannot decide the next one's answer. A GET, or a
    request refused with 403, 404 or a trip to sign in, changes nothing.
    """
    actual = {}
    world = build_world(visibility)
    for role in ROLES:
        if route.method != "GET" and actual and list(actual.values())[-1] not in REFUSED:
            world = build_world(visibility)
        client = client_as(world.users.get(role))
        url = route.url(world)
        if route.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data=route.data(world) if route.data else {})
        actual[role] = outcome(response)
    assert actual == expected


def test_every_route_has_a_row(app):
    covered = {(route.endpoint, route.method) for route in ROUTES}
    missing = []
    for rule in app.url_map.iter_rules():
        if not (rule.endpoint.startswith(BLUEPRINTS) or rule.endpoint in ADMIN_ENDPOINTS):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert missing == []


def test_rows_name_real_routes(app):
    """A row for a route that no longer exists is a row that tests nothing."""
    real = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert [r for r in ROUTES if (r.endpoint, r.method) not in real] == []


def test_private_rows_hide_the_community_from_outsiders():
    """Every private row (but the emailed invitation and the recipient-only
    notification) answers 404 to signed-in outsiders."""
    exempt = {"communities.accept_invitation", "notifications.open_notification"}
    for route in ROUTES:
        if route.private is None or route.endpoint in exempt:
            continue
        for role in ("non_member", "facilitator_elsewhere"):
            assert route.private[role] == 404, (route.endpoint, route.method, role)
