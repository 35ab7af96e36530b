"""Guessing another member's object ids gets "not found", on every route that takes one.

A signed-in member from another organisation tries every route in the URL map
that addresses, by id, something they may not see: another member's draft
method, a thread and a reply in a private community they are not in, a project
in that community (its measures and data points too), another organisation's
mentoring request, ask, mentorship and goal, and another member's
notification. Each answer must be 404 — the same as an id that does not exist,
so that a guess cannot even tell the object is there. Routes are found from the
URL map, so a new route that takes one of these ids is checked without a new row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from factories import (
    ask,
    ask_of,
    draft_method,
    make_community,
    make_post,
    make_thread,
    offer,
    request_for,
    start_mentorship,
)
from flask import url_for
from helpers import sign_in_as

from community.communities.models import Visibility
from community.files import services as files
from community.mentoring.mentorships import progress as mentorships
from community.mentoring.models import MentorshipGoal
from community.notifications.models import Notification
from community.projects import cycles
from community.projects import services as projects
from community.projects.measures import services as measure_services
from community.projects.models import DataPoint


@dataclass(frozen=True)
class Target:
    """A route parameter, the blueprints whose routes use it for this object, and its values."""

    parameter: str
    blueprints: tuple[str, ...]
    values: dict


@pytest.fixture
def world(db, make_user, make_organisation, make_project, make_measure):
    owner = make_user("olu-owner", name="Olu Owner")
    mentor = make_user("mia-mentor", name="Mia Mentor", organisation=make_organisation())
    guesser = make_user("gus-guesser", name="Gus Guesser", organisation=make_organisation())

    private = make_community(owner, "Private ward huddle", visibility=Visibility.PRIVATE)
    thread = make_thread(owner, private, "Our unpublished audit")
    reply = make_post(owner, thread, "The figures are not for sharing yet.")
    draft = draft_method(owner, "An unpublished board round")
    pdf = files.Upload(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "audit.pdf", "", "file_1")
    attached = files.attach_to_post(owner, reply, [pdf])[0]

    project = make_project(owner, title="Private discharge project", community=private)
    measure = make_measure(project, owner, [50 + n for n in range(14)])
    point = db.session.scalar(sa.select(DataPoint).where(DataPoint.measure_id == measure.id))
    cycle = cycles.record_cycle(
        owner,
        project,
        cycles.CycleDetails(
            title="A private test", change="c", prediction="p", started_on=date(2025, 2, 1)
        ),
    )
    update = projects.post_update(owner, project, "Not for sharing yet.")
    change = measure_services.add_process_change(
        owner, project, measure, measure_services.point_dates(measure)[5], "New rota"
    )

    offer(mentor)
    asked = request_for(owner, title="Help us start")
    ask(owner, asked, mentor)
    mentorship = start_mentorship(owner, mentor, title="Coaching our first cohort")
    goal = mentorships.add_goal(owner, mentorship, "Train six coaches")
    notification = db.session.scalar(
        sa.select(Notification).where(Notification.recipient_id == owner.id).limit(1)
    )
    assert notification is not None and isinstance(goal, MentorshipGoal)

    project_values = {"project_id": project.id, "slug": project.slug}
    measure_values = {**project_values, "measure_id": measure.id}
    targets = [
        Target("thread_id", ("discussions",), {
            "thread_id": thread.id, "slug": private.slug, "title_slug": thread.slug}),
        Target("post_id", ("discussions", "files"), {"post_id": reply.id}),
        Target("token", ("files",), {"token": attached.token}),
        Target("method_id", ("methods", "files"), {"method_id": draft.id, "slug": draft.slug}),
        Target("project_id", ("projects", "files"), project_values),
        Target("measure_id", ("measures",), measure_values),
        Target("point_id", ("measures",), {**measure_values, "point_id": point.id}),
        Target("change_id", ("measures",), {**measure_values, "change_id": change.id}),
        Target("cycle_id", ("projects", "files"), {**project_values, "cycle_id": cycle.id}),
        Target("update_id", ("projects",), {**project_values, "update_id": update.id}),
        Target("request_id", ("mentoring",), {"request_id": asked.id}),
        Target("ask_id", ("mentoring",), {
            "request_id": asked.id, "ask_id": ask_of(asked, mentor).id}),
        Target("mentorship_id", ("mentoring",), {"mentorship_id": mentorship.id}),
        Target("goal_id", ("mentoring",), {"mentorship_id": mentorship.id, "goal_id": goal.id}),
        Target("notification_id", ("notifications",), {"notification_id": notification.id}),
    ]  # fmt: skip
    return guesser, targets


def _cases(app, targets: list[Target]):
    """(endpoint, HTTP method, url) for every route that takes a target's id."""
    by_parameter = {target.parameter: target for target in targets}
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.partition(".")[0]
        # The most specific id the route takes decides which object it addresses.
        names = [n for n in by_parameter if n in rule.arguments]
        specific = [n for n in names if blueprint in by_parameter[n].blueprints]
        if not specific:
            continue
        target = max((by_parameter[n] for n in specific), key=lambda t: len(t.values))
        values = {k: v for k, v in target.values.items() if k in rule.arguments}
        if set(values) != set(rule.arguments):
            continue  # a route needing something this object does not have (e.g. a cycle)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_guessed_ids_are_not_found_on_every_route_that_takes_them(app, world, make_client):
    guesser, targets = world
    client = make_client()
    sign_in_as(client, guesser)
    cases = list(_cases(app, targets))
    answers = {
        (endpoint, method, url): client.open(url, method=method, data={}).status_code
        for endpoint, method, url in cases
    }

    wrong = {case: status for case, status in answers.items() if status != 404}
    assert not wrong, wrong
    reached = {endpoint.partition(".")[0] for endpoint, _, _ in cases}
    assert reached == {
        "discussions",
        "files",
        "methods",
        "projects",
        "measures",
        "mentoring",
        "notifications",
    }
    assert len(cases) >= 60, len(cases)  # every route of each kind, each with its methods
