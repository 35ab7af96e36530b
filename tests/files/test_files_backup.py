"""Backups carry the members' files when they are kept in a local folder."""

from __future__ import annotations

import io

import pytest
from factories import files as files_support
from factories import first_post, make_community, make_thread
from factories.files import pdf, stored_paths
from helpers import run_command

from community.files import services

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")


def test_a_backup_copies_the_files_and_a_restore_puts_lost_ones_back(
    app, db, make_user, files_dir, tmp_path
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the files are copied the same way on PostgreSQL; pg_dump is for test_backup")
    sam = make_user("sam-backup")
    thread = make_thread(sam, make_community(make_user("fac-backup"), members=[sam]))
    upload = services.Upload(io.BytesIO(pdf()), "plan.pdf", "", "file_1")
    services.attach_to_post(sam, first_post(thread), [upload])
    backup = tmp_path / "backup.sqlite3"
    made = run_command(app, ["backup", "create", str(backup)])
    assert "Members' files copied to" in made.output and "(1 new)" in made.output
    [original] = stored_paths(files_dir)
    assert [p.read_bytes() for p in stored_paths(tmp_path / "backup.sqlite3.files")] == [pdf()]
    original.unlink()  # the disk the files were on is lost
    restored = run_command(app, ["backup", "restore", "--yes", str(backup)])
    assert "1 members' files put back" in restored.output
    assert original.read_bytes() == pdf()
