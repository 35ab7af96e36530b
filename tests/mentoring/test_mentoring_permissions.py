"""Every mentoring route × every role → the status each should get.

Requests and mentorships are not public: a member who is not the requester,
in the requesting organisation, a mentor asked, or a site administrator gets
404, as if they did not exist. Seeing is wider than acting, so members who may
see but not act get 403. A route without a row here fails
`test_every_mentoring_route_has_a_row`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from factories import ask, ask_of, offer, request_for, visit
from test_access_control import covered

from community.accounts.models import Role
from community.mentoring import services
from community.mentoring.mentorships import progress as mentorships

ROLES = ("anonymous", "unrelated", "org_member", "other_mentor", "admin", "offered_mentor",
         "requester")  # fmt: skip
# The requester goes last: their POSTs change state that other roles' rows rely on.


@dataclass
class World:
    users: dict
    organisation_slug: str
    system_slug: str
    request_id: int
    ask_id: int
    mentorship_id: int
    goal_id: int
    assessment_id: int


@pytest.fixture
def world(db, make_user, make_organisation, make_system) -> World:
    from community.mentoring.organisations.assessments import record_assessment

    north = make_system("North")
    riverside = make_organisation("Riverside Trust", system=north)
    users = {
        "requester": make_user("rita", organisation=riverside),
        "org_member": make_user("orla", organisation=riverside),
        "offered_mentor": make_user("mo", organisation=make_organisation("Mentor Trust")),
        "other_mentor": make_user("otto", organisation=make_organisation("Other Trust")),
        "unrelated": make_user("una", organisation=make_organisation("Unrelated Trust")),
        "admin": make_user("ada", role=Role.ADMIN, organisation=make_organisation("Admin Org")),
    }
    offer(users["offered_mentor"], capacity=3)
    offer(users["other_mentor"], capacity=3)
    requester, mentor = users["requester"], users["offered_mentor"]
    assessment = record_assessment(requester, riverside, {1: 3, 2: 3, 3: 2, 4: 1, 5: 2}, {})
    # A request still looking for a mentor, asked of the offered mentor…
    open_request = request_for(requester, title="Open request")
    ask(requester, open_request, mentor)
    # …and one they accepted: a running mentorship with a goal.
    matched = request_for(requester, title="Matched request")
    ask(requester, matched, mentor)
    mentorship = services.respond(mentor, ask_of(matched, mentor), accept=True, message="Yes")
    goal = mentorships.add_goal(mentor, mentorship, "Train coaches")
    return World(
        users=users, organisation_slug=riverside.slug, system_slug=north.slug,
        request_id=open_request.id, ask_id=ask_of(open_request, mentor).id,
        mentorship_id=mentorship.id, goal_id=goal.id, assessment_id=assessment.id,
    )  # fmt: skip


EVERYONE = dict.fromkeys(ROLES[1:], 200)


def _only(allowed: dict, *, hidden=("unrelated", "other_mentor"), default=403) -> dict:
    """Statuses for a route on a request or mentorship: hidden roles 404, the rest 403."""
    statuses = dict.fromkeys(ROLES[1:], default)
    statuses.update(dict.fromkeys(hidden, 404))
    statuses.update(allowed)
    return statuses


SEES_REQUEST = {"requester": 200, "org_member": 200, "offered_mentor": 200, "admin": 200}
PARTICIPANTS = {"requester": 200, "offered_mentor": 200}


@dataclass(frozen=True)
class Route:
    """A route, how to call it, and what each role gets; anonymous always → sign in."""

    endpoint: str
    method: str
    path: str  # formatted with the world's fields
    data: dict | None
    expect: dict


ROUTES = [Route(*row) for row in [
    ("mentoring.index", "GET", "/mentoring", None, EVERYONE),
    ("mentoring.offer", "GET", "/account/settings/mentoring", None, EVERYONE),
    ("mentoring.offer", "POST", "/account/settings/mentoring", {}, EVERYONE),
    ("mentoring.pause_offer", "POST", "/account/settings/mentoring/pause", {"paused": "1"},
     dict.fromkeys(ROLES[1:], 302)),
    ("mentoring.new_request", "GET", "/mentoring/requests/new", None, EVERYONE),
    ("mentoring.new_request", "POST", "/mentoring/requests/new", {}, EVERYONE),
    ("mentoring.request", "GET", "/mentoring/requests/{request_id}", None, _only(SEES_REQUEST)),
    ("mentoring.respond", "POST", "/mentoring/requests/{request_id}/respond", {},
     _only({"offered_mentor": 200})),
    ("mentoring.suggestions", "GET", "/mentoring/requests/{request_id}/suggestions", None,
     _only({"requester": 200, "org_member": 200, "admin": 200})),
    ("mentoring.suggestions", "POST", "/mentoring/requests/{request_id}/suggestions", {},
     _only({"requester": 200})),
    ("mentoring.withdraw_ask", "GET", "/mentoring/requests/{request_id}/asks/{ask_id}/withdraw",
     None, _only({"requester": 200})),
    ("mentoring.withdraw_ask", "POST", "/mentoring/requests/{request_id}/asks/{ask_id}/withdraw",
     {}, _only({"requester": 302})),
    ("mentoring.withdraw_request", "GET", "/mentoring/requests/{request_id}/withdraw", None,
     _only({"requester": 200})),
    ("mentoring.withdraw_request", "POST", "/mentoring/requests/{request_id}/withdraw", {},
     _only({"requester": 302})),
    ("mentoring.mentorship", "GET", "/mentoring/mentorships/{mentorship_id}", None,
     _only(SEES_REQUEST)),
    ("mentoring.add_goal", "POST", "/mentoring/mentorships/{mentorship_id}/goals", {},
     _only(PARTICIPANTS)),
    ("mentoring.update_goal", "GET", "/mentoring/mentorships/{mentorship_id}/goals/{goal_id}",
     None, _only(PARTICIPANTS)),
    ("mentoring.update_goal", "POST", "/mentoring/mentorships/{mentorship_id}/goals/{goal_id}",
     {"progress": "unknown"}, _only(PARTICIPANTS)),
    ("mentoring.log_session", "GET", "/mentoring/mentorships/{mentorship_id}/sessions/new", None,
     _only(PARTICIPANTS)),
    ("mentoring.log_session", "POST", "/mentoring/mentorships/{mentorship_id}/sessions/new", {},
     _only(PARTICIPANTS)),
    ("mentoring.close", "GET", "/mentoring/mentorships/{mentorship_id}/close", None,
     _only(PARTICIPANTS)),
    ("mentoring.close", "POST", "/mentoring/mentorships/{mentorship_id}/close", {},
     _only(PARTICIPANTS)),
    # The world's mentorship is running: feedback waits for it to close, so a participant
    # is sent to the mentorship's page to be told so, rather than shown a form to refuse.
    ("mentoring.feedback", "GET", "/mentoring/mentorships/{mentorship_id}/feedback", None,
     _only(dict.fromkeys(PARTICIPANTS, 302))),
    ("mentoring.feedback", "POST", "/mentoring/mentorships/{mentorship_id}/feedback", {},
     _only(dict.fromkeys(PARTICIPANTS, 302))),
    ("mentoring.assessment", "GET", "/organisations/{organisation_slug}/assessment", None,
     _only({"requester": 200, "org_member": 200}, hidden=())),
    ("mentoring.assessment", "POST", "/organisations/{organisation_slug}/assessment", {},
     _only({"requester": 200, "org_member": 200}, hidden=())),
    ("mentoring.assessment_history", "GET", "/organisations/{organisation_slug}/assessments",
     None, EVERYONE),
    ("mentoring.assessment_detail", "GET",
     "/organisations/{organisation_slug}/assessments/{assessment_id}", None, EVERYONE),
    ("mentoring.organisation_mentoring", "GET", "/organisations/{organisation_slug}/mentoring",
     None, EVERYONE),
    ("mentoring.system_dashboard", "GET", "/systems/{system_slug}/mentoring", None, EVERYONE),
]]  # fmt: skip


# tests/platform/test_access_control.py has every GET and POST-only mentoring route for the
# anonymous visitor, a member with no part in the request, an administrator and the
# requester: for those routes only the roles it does not have are checked here.
COVERED_ROLES = ("anonymous", "unrelated", "admin", "requester")


def _roles(route: Route) -> tuple[str, ...]:
    if covered(route.endpoint, route.method):
        return tuple(role for role in ROLES if role not in COVERED_ROLES)
    return ROLES


@pytest.mark.parametrize("route", ROUTES, ids=[f"{r.method} {r.path}" for r in ROUTES])
def test_each_role_gets_the_expected_status(app, world, route):
    url = route.path.format(**vars(world))
    seen = {}
    roles = _roles(route)
    for role in roles:
        response = visit(app, world.users.get(role), route.method, url, route.data)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/account/sign-in"), url
            continue
        seen[role] = response.status_code
    assert seen == {role: route.expect[role] for role in roles if role != "anonymous"}


def test_every_mentoring_route_has_a_row(app):
    covered = {(route.endpoint, route.method) for route in ROUTES}
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("mentoring.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - covered == set(), "add these routes to the permission table"
    assert covered - routes == set(), "these rows name routes that do not exist"
