"""`flask backup`: a backup is one moment even while the site writes, and is checked before use.

The same tests run on SQLite (the backup API) and, when DATABASE_URL names
PostgreSQL, on pg_dump and pg_restore. A missing pg_dump skips them on a
developer's machine and fails them under CI=true.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from factories import make_community, make_post, make_thread
from helpers import run_command

from community.backup import services
from community.caching import versions
from community.core.extensions import db as _db

KEY_TABLES = ("users", "communities", "memberships", "threads", "posts", "search_documents")
WRITER_ACTION = "test.backup_writer"


@pytest.fixture(autouse=True)
def tools_present(db):
    if db.engine.dialect.name == "postgresql" and shutil.which("pg_dump") is None:
        message = "pg_dump is not installed (apt-get install postgresql-client)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must run the PostgreSQL backup tests")
        pytest.skip(message)


@pytest.fixture
def content(db, make_user):
    facilitator = make_user("fran-facilitator", name="Fran Facilitator")
    members = [make_user(f"member-{n}") for n in range(3)]
    community = make_community(facilitator, "Discharge before noon", members=members)
    for n, author in enumerate(members):
        thread = make_thread(author, community, f"Board rounds at 8am, take {n}")
        make_post(facilitator, thread, "We tried it on two wards.")
    return community


def key_rows(connection) -> dict[str, list[tuple]]:
    found = {}
    for table in KEY_TABLES:
        order = "community_id, user_id" if table == "memberships" else "id"
        found[table] = [
            tuple(row)
            for row in connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY {order}"))  # noqa: S608
        ]
    return found


def writer_ids(connection) -> list[int]:
    return list(
        connection.execute(
            sa.text("SELECT id FROM audit_events WHERE action = :a ORDER BY id"),
            {"a": WRITER_ACTION},
        ).scalars()
    )


class Writer:
    """Another connection writing audit events as fast as it can, as a busy site would."""

    def __init__(self, engine):
        self.engine = engine
        self.written = 0
        self.stop = threading.Event()
        self.errors: list[Exception] = []
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.engine.begin() as connection:
                    connection.execute(
                        sa.text(
                            "INSERT INTO audit_events (occurred_at, action, target_type, summary, "
                            "ip_address) VALUES (CURRENT_TIMESTAMP, :a, '', '', '')"
                        ),
                        {"a": WRITER_ACTION},
                    )
                self.written += 1
                time.sleep(0.001)
        except Exception as error:  # reported by the test
            self.errors.append(error)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 10
        while self.written < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)


def test_a_backup_taken_while_the_site_writes_is_one_moment_and_restores_exactly(
    app, db, content, tmp_path, monkeypatch
):
    # Small steps, so the copy is spread over many steps with writes in between.
    monkeypatch.setattr(services, "SQLITE_PAGES_PER_STEP", 2)
    path = tmp_path / "backup.file"
    with db.engine.connect() as connection:
        before = key_rows(connection)
    db.session.commit()

    with Writer(db.engine) as writer:
        written_before = writer.written
        result = run_command(app, ["backup", "create", str(path)])
        written_during = writer.written - written_before
    assert writer.errors == []
    assert result.exit_code == 0, result.output
    assert "Backup complete and checked" in result.output
    assert written_during > 0  # the site really was writing while the copy ran

    # Restore it over a database that has moved on since.
    with db.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM posts WHERE position > 1"))
        connection.execute(sa.text("UPDATE users SET name = 'Changed Later'"))
        after_backup_ids = writer_ids(connection)
    seen = versions.read_now()
    result = run_command(app, ["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restore complete." in result.output
    # The restored database's older numbers are moved past any a process has seen, so no
    # answer kept before the restore is taken for one made after it.
    restored = versions.read_now()
    assert restored.altered > seen.altered and restored.added > seen.added

    with db.engine.connect() as connection:
        assert key_rows(connection) == before
        restored_ids = writer_ids(connection)
        if db.engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # One moment: every event the writer had committed by then, none after, no gaps.
    assert restored_ids == after_backup_ids[: len(restored_ids)]
    assert 0 < len(restored_ids) < len(after_backup_ids)


def test_sqlite_backup_reports_progress_as_it_copies(app, db, content, tmp_path, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's backup API reports pages; pg_dump reports tables")
    monkeypatch.setattr(services, "SQLITE_PAGES_PER_STEP", 4)
    seen: list[tuple[int, int]] = []
    services.create_backup(tmp_path / "b.sqlite3", lambda done, total: seen.append((done, total)))
    assert len(seen) > 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1][0] == seen[-1][1]
    with sqlite3.connect(tmp_path / "b.sqlite3") as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one whole file


def test_restore_without_yes_changes_nothing(app, db, content, tmp_path):
    path = tmp_path / "backup.file"
    assert run_command(app, ["backup", "create", str(path)]).exit_code == 0
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE users SET name = 'Kept'"))
    result = run_command(app, ["backup", "restore", str(path)])
    assert result.exit_code == 1
    assert "again with --yes" in result.output
    assert "Nothing was changed." in result.output
    with db.engine.connect() as connection:
        names = connection.execute(sa.text("SELECT DISTINCT name FROM users")).scalars().all()
    assert names == ["Kept"]


def test_a_file_that_is_not_a_backup_is_refused(app, db, content, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    result = run_command(app, ["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 1
    assert "is not a" in result.output and "Nothing was changed." in result.output
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM users")).scalar() == 4


def test_a_backup_cut_short_is_refused_and_nothing_changes(app, db, content, tmp_path):
    path = tmp_path / "backup.file"
    assert run_command(app, ["backup", "create", str(path)]).exit_code == 0
    damaged = tmp_path / "damaged.file"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    for command in (
        ["backup", "check", str(damaged)],
        ["backup", "restore", str(damaged), "--yes"],
    ):
        result = run_command(app, command)
        assert result.exit_code == 1, result.output
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM posts")).scalar() == 6


def test_a_backup_from_a_newer_release_is_refused(app, db, content, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("edits the backup file directly")
    path = tmp_path / "backup.sqlite3"
    services.create_backup(path)
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    result = run_command(app, ["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 1
    assert "newer release" in result.output


def test_create_never_overwrites_a_file(app, db, tmp_path):
    path = tmp_path / "precious.file"
    path.write_text("keep me")
    result = run_command(app, ["backup", "create", str(path)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert path.read_text() == "keep me"


def test_create_without_a_path_names_the_file_by_the_time(app, db, tmp_path, monkeypatch):
    import config as config_module

    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    result = run_command(app, ["backup", "create"])
    assert result.exit_code == 0, result.output
    (made,) = [p for p in (tmp_path / "backups").iterdir() if p.suffix != ".files"]
    assert made.name.startswith("ic-20")
    assert str(made) in result.output


def test_the_password_is_never_printed(app, db, tmp_path):
    password = _db.engine.url.password
    if not password:
        pytest.skip("this database has no password")
    path = tmp_path / "backup.dump"
    outputs = [run_command(app, ["backup", "create", str(path)]).output]
    outputs.append(run_command(app, ["backup", "restore", str(path)]).output)
    outputs.append(run_command(app, ["backup", "check", str(tmp_path / "missing")]).output)
    for output in outputs:
        assert f":{password}@" not in output
        assert f"={password}" not in output
        assert ":***@" in output or "There is no file" in output
