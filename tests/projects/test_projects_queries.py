"""Pages whose database work must not grow with the data: the project page, the
project list, a measure's page and the dashboards."""

from __future__ import annotations

from datetime import date

import pytest
from factories import publish_method
from helpers import count_queries, sign_in_as

from community.discussions import services as discussions
from community.projects import cycles, method_links, project_threads, services


def queries_for(client, url: str) -> int:
    """Statements one request runs, in its own app context and database session."""
    client.get(url)  # a first visit warms what any page loads once (templates, the chart)
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.fixture
def signed_in(make_client):
    def signed_in(user):
        client = make_client()
        sign_in_as(client, user)
        return client

    return signed_in


def _project_with(member, make_project, make_measure, points: int, extra_people):
    project = make_project(member)
    values = [10 + (i % 5) for i in range(points)]
    for name in ("Discharges before midday", "Readmissions within 30 days"):
        measure = make_measure(project, member, values, name=name)
    for person in extra_people:
        services.add_team_member(member, project, username=person.username, role="Nurse",
                                 is_lead=False)  # fmt: skip
    for n in range(len(extra_people)):
        method_links.link_method(member, project, publish_method(member).id)
        discussions.reply(member, project_threads.thread_of(project), f"Question {n}")
        cycles.record_cycle(
            member, project,
            cycles.CycleDetails(title=f"Test {n}", change="c", prediction="p",
                                started_on=measure.latest_on, measure_ids=[measure.id]),
        )  # fmt: skip
        services.post_update(member, project, f"Update {n}")
    return project


def test_the_project_page_costs_the_same_however_much_data(
    signed_in, member, make_user, make_project, make_measure
):
    small = _project_with(member, make_project, make_measure, 12, [make_user()])
    people = [make_user() for _ in range(5)]
    large = _project_with(member, make_project, make_measure, 100, people)
    client = signed_in(member)
    small_url, large_url = (
        f"/projects/{small.id}-{small.slug}",
        f"/projects/{large.id}-{large.slug}",
    )
    small_count = queries_for(client, small_url)
    large_count = queries_for(client, large_url)
    assert small_count == large_count
    # The page's own 12, and "who else is working on this" (test_expertise.py guards it).
    assert small_count <= 12 + 5


def test_the_project_list_costs_the_same_however_many_projects(
    signed_in, member, make_project, make_organisation
):
    make_project(member)
    client = signed_in(member)
    few = queries_for(client, "/projects")
    for n in range(20):
        organisation = make_organisation() if n % 4 == 0 else None
        make_project(member, **({"organisation_id": organisation.id} if organisation else {}))
    many = queries_for(client, "/projects")
    assert few == many
    filtered = queries_for(client, "/projects?status=testing&type=local&show=mine")
    assert filtered == many


@pytest.mark.parametrize("points", [12, 300])
def test_a_measure_page_loads_its_points_in_one_query(
    signed_in, member, make_project, make_measure, points
):
    project = make_project(member)
    # Weekly points that end before today (a point cannot be dated in the future).
    start = date(2015, 1, 5)
    measure = make_measure(project, member, [10 + (i % 7) for i in range(points)], start=start)
    client = signed_in(member)
    url = f"/projects/{project.id}-{project.slug}/measures/{measure.id}"
    with count_queries() as first:
        client.get(url)  # draws and caches the chart: the points in one query
    with count_queries() as again:
        client.get(url)  # from the cache: no points read
    # Who entered and changed the rows shown is read for one page of the table at a time.
    assert [_reads_points(statement) for statement in first].count("all") == 1
    assert [_reads_points(statement) for statement in first].count("one page") == 1
    assert [_reads_points(statement) for statement in again].count("all") == 0
    assert [_reads_points(statement) for statement in again].count("one page") == 1
    assert len(again) < len(first) <= 17


def _reads_points(statement: str) -> str:
    if "FROM measure_points" not in statement:
        return ""
    return "one page" if "measure_points.id IN" in statement else "all"


def test_a_dashboard_costs_the_same_however_many_projects(
    signed_in, member, make_project, make_measure, organisation
):
    client = signed_in(member)
    url = f"/systems/{organisation.system.slug}/dashboard"
    project = make_project(member)
    make_measure(project, member, [1, 2, 3] * 5)
    few = queries_for(client, url)
    for _ in range(8):
        project = make_project(member, programme_type="national", national_programme="GIRFT")
        make_measure(project, member, [1, 2, 3] * 5)
    assert queries_for(client, url) == few
