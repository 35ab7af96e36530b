"""When the database cannot take a write, members get a clear page and nothing half-saved.

Each test runs a second app on the test database with the fault arranged on
its connections (a short busy or lock timeout, or a cap on the file's size),
so the rest of the suite is untouched. The held lock is tried on SQLite and
on PostgreSQL; the full disk on SQLite, where a file can be capped.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from helpers import make_test_config, sign_in_as

from community import create_app
from community.accounts.models import User
from community.audit.models import AuditEvent
from community.core.extensions import db as _db
from community.search.models import SearchDocument

# The slow tier, `make test-fast` leaves it out: a second app with a fault arranged.
pytestmark = pytest.mark.slow

BUSY_TIMEOUT_MS = 300
LONG_BIO = (
    "We cut waits for discharge letters by moving the board round. " * 75
)  # ~4,700 characters


@pytest.fixture
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("caps a SQLite file's size; PostgreSQL's disk cannot be filled from a test")


@pytest.fixture
def faulty_app(app, db, database_uri):
    """Another app process on the same database, with short busy and lock timeouts."""
    other = create_app(
        make_test_config(
            database_uri, SQLITE_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS=BUSY_TIMEOUT_MS
        )
    )
    yield other
    with other.app_context():
        _db.session.remove()
        _db.engine.dispose()


def database_file(app) -> str:
    return _db.engine.url.database


def profile_form(member: User, **changes) -> dict:
    return {
        "name": member.name,
        "job_title": "Discharge lead",
        "organisation": member.organisation_id,
        "bio": "Wards and flow.",
        "other_tags": "",
        **changes,
    }


def saved_state(member_id: int) -> tuple:
    _db.session.expire_all()
    member = _db.session.get(User, member_id)
    state = (
        member.name,
        member.job_title,
        member.bio_source,
        _db.session.scalar(sa.select(sa.func.count(AuditEvent.id))),
        _db.session.scalar(
            sa.select(SearchDocument.body).where(
                SearchDocument.kind == "person", SearchDocument.object_id == member_id
            )
        ),
    )
    _db.session.commit()  # let go of the write lock this read took, as a request would
    return state


@contextmanager
def another_writer_holds_the_lock(app, member_id: int):
    """Another process is in the middle of a write and keeps its lock."""
    if _db.engine.dialect.name == "sqlite":
        holder = sqlite3.connect(database_file(app), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with _db.engine.connect() as holder:
        # Should the app ever wait forever, the lock still goes after 5 s and the test fails.
        holder.execute(sa.text("SET idle_in_transaction_session_timeout = 5000"))
        holder.execute(sa.text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": member_id})
        try:
            yield
        finally:
            holder.rollback()


def test_a_write_that_meets_a_held_lock_waits_then_says_try_again(faulty_app, db, member):
    before = saved_state(member.id)
    client = faulty_app.test_client()
    sign_in_as(client, member)
    changed, changed_again = (
        profile_form(member, name=name) for name in ("Changed Name", "Changed")
    )
    member_id = member.id
    db.session.commit()  # the test's own session holds no lock

    with another_writer_holds_the_lock(faulty_app, member_id):
        started = time.monotonic()
        response = client.post("/account/settings/profile", data=changed)
        waited = time.monotonic() - started

    assert response.status_code == 503
    assert waited >= BUSY_TIMEOUT_MS / 1000  # it waited for the lock before giving up
    assert "Nothing you entered has been saved" in response.text
    assert "try again" in response.text
    assert response.headers["Retry-After"] == "5"
    assert saved_state(member_id) == before

    # With the lock free, the same request goes through.
    response = client.post("/account/settings/profile", data=changed_again)
    assert response.status_code == 302
    assert saved_state(member_id)[0] == "Changed"


@pytest.fixture
def full_app(faulty_app, db, sqlite_only):
    """The database file may not grow by a single page: the disk is full."""
    db.session.commit()
    vacuum = sqlite3.connect(database_file(faulty_app), isolation_level=None)
    vacuum.execute("VACUUM")  # no free pages left inside the file either
    vacuum.close()
    with faulty_app.app_context():
        _db.engine.dispose()

        @sa.event.listens_for(_db.engine, "connect")
        def cap_the_file(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    return faulty_app


def test_a_full_disk_gives_a_plain_page_saves_nothing_and_reads_go_on(full_app, db, member):
    before = saved_state(member.id)
    client = full_app.test_client()
    sign_in_as(client, member)
    form, username = profile_form(member, bio=LONG_BIO), member.username
    db.session.commit()

    response = client.post("/account/settings/profile", data=form)

    assert response.status_code == 507
    assert "run out of storage space" in response.text
    assert "Nothing you entered has been saved" in response.text
    assert saved_state(member.id) == before
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    # Reading still works while the disk stays full.
    assert client.get(f"/people/{username}").status_code == 200
    assert client.get("/account/settings").status_code == 200


class _Orig(Exception):
    def __init__(self, text: str, sqlstate: str | None = None):
        super().__init__(text)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("orig", "full"),
    [
        (_Orig("database or disk is full"), True),  # SQLite
        (_Orig("could not extend file: No space left on device", "53100"), True),  # PostgreSQL
        (_Orig("database is locked"), False),
        (_Orig("server closed the connection unexpectedly", "08006"), False),
    ],
)
def test_storage_full_is_told_apart_from_a_busy_database(orig, full):
    from sqlalchemy.exc import OperationalError

    from community.core.errors import is_storage_full

    assert is_storage_full(OperationalError("INSERT …", {}, orig)) is full
