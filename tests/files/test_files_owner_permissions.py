"""Who may do what to the files of a method, a project and a PDSA cycle, by role: attach
(the POST halves of the pages in tests/platform/test_access_control.py), open a file and
remove it. The world is a private community's method, project and cycle."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from factories import client_as, make_community, publish_method
from factories import files as files_support
from factories.files import pdf, upload

from community.accounts.models import Role
from community.communities.models import Visibility
from community.core.extensions import db
from community.files import services
from community.files.models import StoredFile
from community.files.owners import Owner
from community.projects import cycles
from community.projects import services as projects

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")


@pytest.fixture
def world(make_user, make_project):
    people = {
        "member": make_user("op-member"),
        "teammate": make_user("op-teammate"),
        "non_member": make_user("op-outsider"),
        "author": make_user("op-author"),
        "facilitator": make_user("op-facilitator"),
        "admin": make_user("op-admin", role=Role.ADMIN),
    }
    community = make_community(
        people["facilitator"], visibility=Visibility.PRIVATE,
        members=[people["member"], people["author"], people["teammate"]],
    )  # fmt: skip
    method = publish_method(people["author"], "Private huddle", community_id=community.id)
    project = make_project(people["author"], title="Private falls project", community=community)
    projects.add_team_member(people["author"], project, username=people["teammate"].username,
                             role="", is_lead=False)  # fmt: skip
    cycle = cycles.record_cycle(people["author"], project, cycles.CycleDetails(
        title="Hourly rounding", change="c", prediction="p", started_on=date(2025, 2, 1),
    ))  # fmt: skip
    base = f"/projects/{project.id}-{project.slug}"
    things = {
        "method": (method, f"/methods/{method.id}-{method.slug}/files"),
        "project": (project, f"{base}/files"),
        "cycle": (cycle, f"{base}/cycles/{cycle.id}/files"),
    }
    return people, things


def outcome(response) -> str | int:
    if response.status_code == 302:
        return "sign in" if "/account/sign-in" in response.headers["Location"] else "done"
    return response.status_code


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(StoredFile.id)))


ATTACH = {
    "method": {"anonymous": "sign in", "member": 403, "teammate": 403, "non_member": 404,
               "author": "done", "facilitator": 403, "admin": 403},
    "project": {"anonymous": "sign in", "member": 403, "teammate": 403, "non_member": 404,
                "author": "done", "facilitator": 403, "admin": "done"},
    "cycle": {"anonymous": "sign in", "member": 403, "teammate": "done", "non_member": 404,
              "author": "done", "facilitator": 403, "admin": "done"},
}  # fmt: skip
ROLES = ("anonymous", "member", "teammate", "non_member", "author", "facilitator", "admin")


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
@pytest.mark.parametrize("role", ROLES)
def test_whoever_may_edit_it_attaches(world, kind, role):
    people, things = world
    _, url = things[kind]
    response = client_as(people.get(role)).post(
        url, data={"file_1": upload(pdf(), "plan.pdf")}, content_type="multipart/form-data"
    )
    expected = ATTACH[kind][role]
    assert outcome(response) == expected
    assert count() == (1 if expected == "done" else 0)


SEE = {"anonymous": "sign in", "member": 200, "teammate": 200, "non_member": 404,
       "author": 200, "facilitator": 200, "admin": 200}  # fmt: skip
REMOVE = {
    "method": {"anonymous": "sign in", "member": 403, "teammate": 403, "non_member": 404,
               "author": "done", "facilitator": 403, "admin": "done"},
    "project": {"anonymous": "sign in", "member": 403, "teammate": 403, "non_member": 404,
                "author": "done", "facilitator": 403, "admin": "done"},
    "cycle": {"anonymous": "sign in", "member": 403, "teammate": "done", "non_member": 404,
              "author": "done", "facilitator": 403, "admin": "done"},
}  # fmt: skip


def attached(people, thing) -> StoredFile:
    pdf_upload = services.Upload(io.BytesIO(pdf()), "plan.pdf", "", "file_1")
    return services.attach(people["author"], Owner.of(thing), [pdf_upload])[0]


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
@pytest.mark.parametrize("role", ROLES)
def test_a_file_is_opened_by_those_who_see_its_owner(world, kind, role):
    people, things = world
    stored = attached(people, things[kind][0])
    response = client_as(people.get(role)).get(f"/files/{stored.token}")
    assert outcome(response) == SEE[role]


@pytest.mark.parametrize("kind", ["method", "project", "cycle"])
@pytest.mark.parametrize("role", ROLES)
def test_who_attached_it_its_editors_and_administrators_remove_a_file(world, kind, role):
    people, things = world
    token = attached(people, things[kind][0]).token
    client = client_as(people.get(role))
    expected = REMOVE[kind][role]
    # The confirmation page first, to those who may remove it.
    page = client.get(f"/files/{token}/remove")
    assert outcome(page) == (200 if expected == "done" else expected)
    response = client.post(f"/files/{token}/remove")
    assert outcome(response) == expected
    left = db.session.scalar(sa.select(StoredFile).where(StoredFile.token == token))
    assert (left is None) == (expected == "done")
