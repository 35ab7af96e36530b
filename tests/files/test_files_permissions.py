"""Who may do what to a post's files, by role, method by method (the GET rows of each route
are in tests/test_access_control.py; these are the POST halves)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from factories import client_as, first_post, make_community, make_thread
from factories import files as files_support
from factories.files import pdf, upload

from community.accounts.models import Role
from community.communities.models import Visibility
from community.core.extensions import db
from community.files import services
from community.files.models import StoredFile

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")
ROLES = ("anonymous", "member", "non_member", "author", "facilitator", "admin")


@pytest.fixture
def world(make_user):
    people = {
        "member": make_user("pm-member"),
        "non_member": make_user("pm-outsider"),
        "author": make_user("pm-author"),
        "facilitator": make_user("pm-facilitator"),
        "admin": make_user("pm-admin", role=Role.ADMIN),
    }
    community = make_community(
        people["facilitator"], visibility=Visibility.PRIVATE,
        members=[people["member"], people["author"]],
    )  # fmt: skip
    post = first_post(make_thread(people["author"], community, "Our private audit"))
    return people, post


def attached(people, post) -> StoredFile:
    pdf_upload = services.Upload(io.BytesIO(pdf()), "plan.pdf", "", "file_1")
    return services.attach_to_post(people["author"], post, [pdf_upload])[0]


def outcome(response) -> str | int:
    if response.status_code == 302:
        return "sign in" if "/account/sign-in" in response.headers["Location"] else "done"
    return response.status_code


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "sign in"), ("member", 403), ("non_member", 404), ("author", "done"),
     ("facilitator", 403), ("admin", 403)],
)  # fmt: skip
def test_only_the_author_attaches(world, role, expected):
    people, post = world
    client = client_as(people.get(role))
    response = client.post(
        f"/posts/{post.id}/files", data={"file_1": upload(pdf(), "plan.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert outcome(response) == expected
    count = db.session.scalar(sa.select(sa.func.count(StoredFile.id)))
    assert count == (1 if expected == "done" else 0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", "sign in"), ("member", 403), ("non_member", 404), ("author", "done"),
     ("facilitator", "done"), ("admin", "done")],
)  # fmt: skip
def test_who_attached_it_and_the_moderators_remove_a_file(world, role, expected):
    people, post = world
    stored = attached(people, post)
    token = stored.token
    response = client_as(people.get(role)).post(f"/files/{token}/remove")
    assert outcome(response) == expected
    left = db.session.scalar(sa.select(StoredFile).where(StoredFile.token == token))
    assert (left is None) == (expected == "done")
