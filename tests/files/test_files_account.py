"""A member's files in their data download, and what deleting their account does to them."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from factories import add_member, first_post, make_community, make_thread
from factories import files as files_support
from factories.files import pdf, stored_paths
from helpers import PASSWORD

from community.accounts import deletion
from community.accounts.export import member_data
from community.core.extensions import db
from community.discussions import services as discussions
from community.files import services
from community.files.models import ScanStatus, StoredFile
from community.files.scanning import FakeScanner, use_scanner

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")


def attach(user, post, name: str) -> StoredFile:
    upload = services.Upload(io.BytesIO(pdf()), name, "", "file_1")
    return services.attach_to_post(user, post, [upload])[0]


def test_the_data_download_lists_a_members_files(make_user):
    sam = make_user("sam-files")
    thread = make_thread(sam, make_community(make_user("fac-files"), members=[sam]))
    stored = attach(sam, first_post(thread), "measurement plan.pdf")
    [entry] = member_data(sam)["files"]
    assert entry["name"] == "measurement plan.pdf"
    assert entry["type"] == "application/pdf" and entry["size"] == len(pdf())
    assert entry["address"] == f"/files/{stored.token}"
    assert entry["post_id"] == first_post(thread).id


def test_deleting_an_account_removes_the_files_only_they_could_see(app, make_user, files_dir):
    sam = make_user("sam-leaves")
    reader = make_user("rita-reader")
    community = make_community(make_user("fac-stays"), members=[sam])
    add_member(community, reader)
    thread = make_thread(sam, community, "Falls")
    shared = attach(sam, first_post(thread), "shared plan.pdf")
    # A file the scanner could not reach yet: no one but its uploader knows of it.
    use_scanner(app, FakeScanner(available=False))
    waiting = attach(sam, discussions.reply(sam, thread, "An early draft"), "early draft.pdf")
    assert waiting.scan_status == ScanStatus.PENDING
    assert len(stored_paths(files_dir)) == 2
    deletion.delete_account(sam, PASSWORD)
    left = list(db.session.scalars(sa.select(StoredFile)))
    assert [f.name for f in left] == ["shared plan.pdf"]
    assert len(stored_paths(files_dir)) == 1
    assert left[0].token == shared.token and left[0].uploader_id is None
