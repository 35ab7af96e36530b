"""Who may do what on every project, measure and dashboard page.

The project lives in a private community, so the table covers a signed-out
visitor, someone outside the community (404 everywhere: they must not learn
the project exists), a community member who is not on the team, a team
member, the project's lead and a site administrator who is not in the
community. A route without a row here fails the last test.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from factories import client_as, csv_of, make_community, publish_method
from flask import current_app
from test_access_control import covered

from community.projects import cycles, method_links, services
from community.projects.measures import pending_imports
from community.projects.measures import services as measure_services
from community.projects.measures.csv_files import ParsedRow
from community.projects.measures.models import DataPoint, ProcessChange
from community.projects.models import TeamMember

ROLES = ("anonymous", "outsider", "member", "team", "lead", "admin")
VIEW = {"member": "ok", "team": "ok", "lead": "ok", "admin": "ok"}
RECORD = {"member": 403, "team": "ok", "lead": "ok", "admin": "ok"}
LEAD = {"member": 403, "team": 403, "lead": "ok", "admin": "ok"}
# The project's discussion is moderated by its leads (and administrators).
MODERATE = LEAD
# System and organisation dashboards are open to everyone signed in; they
# count only what each viewer may see.
EVERYONE = {"outsider": "ok", **VIEW}


@dataclass
class World:
    project: object
    measure: object
    cycle: object
    point_id: int
    change_id: int
    update: object
    teammate: object
    users: dict
    linked_method: object  # a library method the project uses
    spare_method: object  # one it does not use yet


@pytest.fixture
def world(db, make_user, make_project, make_measure, organisation):
    users = {
        "outsider": make_user("olu-outsider"),
        "member": make_user("maya-member"),
        "team": make_user("tom-team"),
        "lead": make_user("lena-lead"),
        "admin": make_user("ada-admin", role="admin"),
    }
    teammate = make_user("tara-teammate")
    community = make_community(
        users["lead"], visibility="private", members=[users["member"], users["team"], teammate]
    )
    project = make_project(users["lead"], title="Private ward project", community=community)
    db.session.add_all(
        TeamMember(project_id=project.id, user_id=user.id) for user in (users["team"], teammate)
    )
    measure = make_measure(project, users["lead"], [1, 2, 3, 4])
    details = cycles.CycleDetails(title="A test", change="c", prediction="p",
                                  started_on=measure.latest_on)  # fmt: skip
    cycle = cycles.record_cycle(users["lead"], project, details)
    dates = measure_services.point_dates(measure)
    measure_services.add_process_change(users["lead"], project, measure, dates[2], "Changed")
    linked, spare = publish_method(users["lead"]), publish_method(users["lead"])
    method_links.link_method(users["lead"], project, linked.id)
    return World(
        project=project, measure=measure, cycle=cycle, teammate=teammate, users=users,
        linked_method=linked, spare_method=spare,
        point_id=db.session.scalar(sa.select(sa.func.max(DataPoint.id))),
        change_id=db.session.scalar(sa.select(ProcessChange.id)),
        update=services.post_update(users["lead"], project, "Week one went well."),
    )  # fmt: skip


def _p(w: World) -> str:
    return f"/projects/{w.project.id}-{w.project.slug}"


def _m(w: World) -> str:
    return f"{_p(w)}/measures/{w.measure.id}"


def _csv(_world):
    return {"file": (io.BytesIO(csv_of([5, 6], start=date(2020, 1, 6))), "new.csv")}


def _signed(world):
    """A preview's signed rows, as the lead saw them (only the lead may use them)."""
    rows = [ParsedRow(2, date(2020, 1, 6), 5.0, "")]
    with current_app.test_request_context():
        token = pending_imports.sign(
            world.measure.id, world.users["lead"].id, rows, world.measure.data_version
        )
    return {"rows": token, "replace": "yes"}


PROJECT_FORM = {"title": "Renamed", "aim": "An aim.", "community_id": 0, "status": "testing",
                "programme_type": "local", "start_date": "2025-01-01"}  # fmt: skip
CYCLE_FORM = {"title": "Another test", "change": "c", "prediction": "p",
              "started_on": "2025-02-01"}  # fmt: skip
MEASURE_FORM = {"name": "Another", "definition": "d", "direction": "up"}

# (endpoint, method): (path, form data, who may, [content type])
TABLE = {
    ("projects.index", "GET"): (lambda w: "/projects", None, EVERYONE),
    ("projects.new", "GET"): (lambda w: "/projects/new", None, EVERYONE),
    ("projects.new", "POST"): (lambda w: "/projects/new", {}, EVERYONE),
    ("projects.show_by_id", "GET"): (lambda w: f"/projects/{w.project.id}", None, VIEW),
    ("projects.show", "GET"): (_p, None, VIEW),
    ("projects.edit", "GET"): (lambda w: f"{_p(w)}/edit", None, LEAD),
    ("projects.edit", "POST"): (lambda w: f"{_p(w)}/edit", PROJECT_FORM, LEAD),
    ("projects.progress", "GET"): (lambda w: f"{_p(w)}/progress", None, VIEW),
    ("projects.progress", "POST"): (lambda w: f"{_p(w)}/progress", {"score": "2.0"}, RECORD),
    ("projects.team", "GET"): (lambda w: f"{_p(w)}/team", None, VIEW),
    ("projects.team", "POST"): (lambda w: f"{_p(w)}/team", {"username": "maya-member"}, LEAD),
    ("projects.remove_team_member", "GET"): (
        lambda w: f"{_p(w)}/team/{w.teammate.username}/remove", None, LEAD),
    ("projects.remove_team_member", "POST"): (
        lambda w: f"{_p(w)}/team/{w.teammate.username}/remove", {}, LEAD),
    ("projects.archive", "GET"): (lambda w: f"{_p(w)}/archive", None, LEAD),
    ("projects.archive", "POST"): (lambda w: f"{_p(w)}/archive", {}, LEAD),
    ("projects.restore", "POST"): (lambda w: f"{_p(w)}/restore", {}, LEAD),
    ("projects.delete", "GET"): (lambda w: f"{_p(w)}/delete", None, LEAD),
    ("projects.delete", "POST"): (lambda w: f"{_p(w)}/delete", {}, LEAD),
    ("projects.delete_update", "GET"): (
        lambda w: f"{_p(w)}/updates/{w.update.id}/delete", None, RECORD),
    ("projects.delete_update", "POST"): (
        lambda w: f"{_p(w)}/updates/{w.update.id}/delete", {}, RECORD),
    ("projects.delete_cycle", "GET"): (
        lambda w: f"{_p(w)}/cycles/{w.cycle.id}/delete", None, RECORD),
    ("projects.delete_cycle", "POST"): (
        lambda w: f"{_p(w)}/cycles/{w.cycle.id}/delete", {}, RECORD),
    ("projects.updates", "GET"): (lambda w: f"{_p(w)}/updates", None, VIEW),
    ("projects.updates", "POST"): (lambda w: f"{_p(w)}/updates", {"body": "News"}, RECORD),
    ("projects.cycles_list", "GET"): (lambda w: f"{_p(w)}/cycles", None, VIEW),
    ("projects.new_cycle", "GET"): (lambda w: f"{_p(w)}/cycles/new", None, RECORD),
    ("projects.new_cycle", "POST"): (lambda w: f"{_p(w)}/cycles/new", CYCLE_FORM, RECORD),
    ("projects.edit_cycle", "GET"): (lambda w: f"{_p(w)}/cycles/{w.cycle.id}/edit", None, RECORD),
    ("projects.edit_cycle", "POST"): (
        lambda w: f"{_p(w)}/cycles/{w.cycle.id}/edit", CYCLE_FORM, RECORD),
    ("measures.new", "GET"): (lambda w: f"{_p(w)}/measures/new", None, RECORD),
    ("measures.new", "POST"): (lambda w: f"{_p(w)}/measures/new", MEASURE_FORM, RECORD),
    ("measures.show", "GET"): (_m, None, VIEW),
    ("measures.edit", "GET"): (lambda w: f"{_m(w)}/edit", None, RECORD),
    ("measures.edit", "POST"): (lambda w: f"{_m(w)}/edit", MEASURE_FORM, RECORD),
    ("measures.add_point", "GET"): (lambda w: f"{_m(w)}/data", None, RECORD),
    ("measures.add_point", "POST"): (
        lambda w: f"{_m(w)}/data", {"observed_on": "2020-01-01", "value": "3"}, RECORD),
    ("measures.delete", "GET"): (lambda w: f"{_m(w)}/delete", None, RECORD),
    ("measures.delete", "POST"): (lambda w: f"{_m(w)}/delete", {}, RECORD),
    ("measures.edit_point", "GET"): (lambda w: f"{_m(w)}/data/{w.point_id}/edit", None, RECORD),
    ("measures.edit_point", "POST"): (
        lambda w: f"{_m(w)}/data/{w.point_id}/edit",
        {"observed_on": "2020-02-01", "value": "9", "note": "Recounted"}, RECORD),
    ("measures.remove_point", "GET"): (
        lambda w: f"{_m(w)}/data/{w.point_id}/remove", None, RECORD),
    ("measures.remove_point", "POST"): (
        lambda w: f"{_m(w)}/data/{w.point_id}/remove", {}, RECORD),
    ("measures.import_csv", "GET"): (lambda w: f"{_m(w)}/import", None, RECORD),
    ("measures.import_csv", "POST"): (lambda w: f"{_m(w)}/import", _csv, RECORD),
    ("measures.confirm_import", "POST"): (lambda w: f"{_m(w)}/import/confirm", _signed, RECORD),
    ("measures.export_csv", "GET"): (lambda w: f"{_m(w)}/export.csv", None, VIEW),
    ("measures.chart_svg", "GET"): (lambda w: f"{_m(w)}/chart.svg", None, VIEW),
    ("measures.chart_png", "GET"): (lambda w: f"{_m(w)}/chart.png", None, VIEW),
    ("measures.chart_data", "GET"): (lambda w: f"{_m(w)}/chart-data.csv", None, VIEW),
    ("measures.rebaseline", "GET"): (lambda w: f"{_m(w)}/rebaseline", None, RECORD),
    ("measures.rebaseline", "POST"): (
        lambda w: f"{_m(w)}/rebaseline", {"starts_on": "", "reason": ""}, RECORD),
    ("measures.remove_rebaseline", "GET"): (
        lambda w: f"{_m(w)}/rebaseline/{w.change_id}/remove", None, RECORD),
    ("measures.remove_rebaseline", "POST"): (
        lambda w: f"{_m(w)}/rebaseline/{w.change_id}/remove", {}, RECORD),
    ("projects.discussion", "GET"): (lambda w: f"{_p(w)}/discussion", None, VIEW),
    ("projects.discussion_reply", "GET"): (lambda w: f"{_p(w)}/discussion/reply", None, VIEW),
    ("projects.discussion_reply", "POST"): (
        lambda w: f"{_p(w)}/discussion/reply", {"body": "How did you start?"}, VIEW),
    ("projects.discussion_watch", "POST"): (
        lambda w: f"{_p(w)}/discussion/watch", {"level": "watching"}, VIEW),
    ("projects.discussion_moderate", "POST"): (
        lambda w: f"{_p(w)}/discussion/moderate", {"action": "lock"}, MODERATE),
    ("projects.discussion_flags", "GET"): (
        lambda w: f"{_p(w)}/discussion/flags", None, MODERATE),
    ("projects.methods", "GET"): (lambda w: f"{_p(w)}/methods?q=board", None, VIEW),
    ("projects.methods", "POST"): (
        lambda w: f"{_p(w)}/methods", lambda w: {"method_id": w.spare_method.id}, RECORD),
    ("projects.unlink_method", "POST"): (
        lambda w: f"{_p(w)}/methods/{w.linked_method.id}/remove", {}, RECORD),
    ("dashboards.system", "GET"): (
        lambda w: f"/systems/{w.project.organisation.system.slug}/dashboard", None, EVERYONE),
    ("dashboards.organisation", "GET"): (
        lambda w: f"/organisations/{w.project.organisation.slug}/dashboard", None, EVERYONE),
    ("dashboards.community", "GET"): (
        lambda w: f"/communities/{w.project.community.slug}/dashboard", None, VIEW),
    ("dashboards.system_summary", "GET"): (
        lambda w: f"/systems/{w.project.organisation.system.slug}/summary", None, EVERYONE),
    ("dashboards.system_summary_csv", "GET"): (
        lambda w: f"/systems/{w.project.organisation.system.slug}/summary.csv", None, EVERYONE),
    ("dashboards.organisation_summary", "GET"): (
        lambda w: f"/organisations/{w.project.organisation.slug}/summary", None, EVERYONE),
    ("dashboards.organisation_summary_csv", "GET"): (
        lambda w: f"/organisations/{w.project.organisation.slug}/summary.csv", None, EVERYONE),
    ("dashboards.community_summary", "GET"): (
        lambda w: f"/communities/{w.project.community.slug}/summary", None, VIEW),
    ("dashboards.community_summary_csv", "GET"): (
        lambda w: f"/communities/{w.project.community.slug}/summary.csv", None, VIEW),
    ("projects.project_summary", "GET"): (lambda w: f"{_p(w)}/summary", None, VIEW),
    ("projects.project_summary_csv", "GET"): (lambda w: f"{_p(w)}/summary.csv", None, VIEW),
}  # fmt: skip


GETS = [key for key in TABLE if key[1] == "GET"]
POSTS = [key for key in TABLE if key[1] == "POST"]
# tests/platform/test_access_control.py has every GET and POST-only route of a project in a
# private community for the anonymous visitor, an outsider, a community member, the
# lead and an administrator: for those, only the team member is checked here.
ADDED_ROLES = ("team",)


def _roles(endpoint: str, method: str) -> tuple[str, ...]:
    return ADDED_ROLES if covered(endpoint, method) else ROLES


def _request(world, role, endpoint, method):
    path, data, _ = TABLE[(endpoint, method)]
    url = path(world)
    client = client_as(world.users.get(role))
    if method == "GET":
        return client.get(url)
    form = data(world) if callable(data) else data
    return client.post(url, data=form, content_type="multipart/form-data")


def _problem(response, role, endpoint, method) -> str | None:
    """What is wrong with the response, or None if it is what the table expects."""
    status, where = response.status_code, response.location or ""
    if role == "anonymous":
        ok = status == 302 and where.startswith("/account/sign-in")
        return None if ok else f"{method} {endpoint} as anonymous: {status} {where}"
    expected = TABLE[(endpoint, method)][2].get(role, 404)
    if expected == "ok":
        ok = status in (200, 301, 302) and not where.startswith("/account/sign-in")
    else:
        ok = status == expected
    return None if ok else f"{method} {endpoint} as {role}: {status}, expected {expected}"


@pytest.mark.parametrize("role", [r for r in ROLES if any(r in _roles(*key) for key in GETS)])
def test_every_page_for_each_role(world, role):
    """Looking changes nothing, so one project serves every GET for a role."""
    problems = [
        _problem(_request(world, role, endpoint, method), role, endpoint, method)
        for endpoint, method in GETS
        if role in _roles(endpoint, method)
    ]
    assert [p for p in problems if p] == []


def test_every_action_asks_an_anonymous_visitor_to_sign_in(world):
    problems = [
        _problem(_request(world, "anonymous", endpoint, method), "anonymous", endpoint, method)
        for endpoint, method in POSTS
        if "anonymous" in _roles(endpoint, method)
    ]  # fmt: skip
    assert [p for p in problems if p] == []


@pytest.mark.parametrize(
    ("endpoint", "method", "role"),
    [
        (endpoint, method, role)
        for endpoint, method in POSTS
        for role in _roles(endpoint, method)
        if role != "anonymous"
    ],
)
def test_each_action_for_each_role(world, endpoint, method, role):
    """Actions change things, so each runs on a project of its own."""
    response = _request(world, role, endpoint, method)
    assert _problem(response, role, endpoint, method) is None


def test_someone_outside_the_private_community_learns_nothing_of_it(world):
    client = client_as(world.users["outsider"])
    for page in ("/projects", f"/systems/{world.project.organisation.system.slug}/dashboard"):
        assert "Private ward project" not in client.get(page).get_data(as_text=True)
    # Nor does an old slug reveal the current one.
    assert client.get(f"/projects/{world.project.id}-a-guess").status_code == 404


def test_a_team_member_may_leave_but_not_remove_others(world):
    client = client_as(world.users["team"])
    others = client.post(f"{_p(world)}/team/{world.teammate.username}/remove")
    assert others.status_code == 403
    leave = client.post(f"{_p(world)}/team/{world.users['team'].username}/remove")
    assert leave.status_code == 302
    assert services.team_member(world.users["team"], world.project) is None
    assert services.team_member(world.teammate, world.project) is not None


def test_every_project_route_has_a_row(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in {"projects", "measures", "dashboards"}
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == set(TABLE)
