"""SQLite tuned for a web server: WAL, foreign keys, and writers that wait for each other."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.audit.models import AuditEvent
from community.audit.services import record


@pytest.fixture(autouse=True)
def sqlite_only(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite connection settings; PostgreSQL needs none of them")


def pragma(db, name: str):
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(app, db):
    assert pragma(db, "journal_mode") == "wal"
    assert pragma(db, "foreign_keys") == 1
    assert pragma(db, "busy_timeout") == app.config["SQLITE_BUSY_TIMEOUT_MS"] > 0


def test_foreign_keys_are_enforced(db):
    db.session.add(
        User(
            username="orphan", name="Orphan", email="orphan@nhs.example", password_hash="x",
            organisation_id=987654,
        )
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def statements_run_by(db, work) -> list[str]:
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return seen


@pytest.mark.parametrize(("method", "begin"), [("GET", "BEGIN"), ("POST", "BEGIN IMMEDIATE")])
def test_requests_that_may_write_take_the_write_lock_when_they_begin(app, db, method, begin):
    db.session.remove()

    def read_in_a_request():
        with app.app_context(), app.test_request_context("/", method=method):
            db.session.scalar(sa.select(sa.func.count(User.id)))
            db.session.rollback()

    assert statements_run_by(db, read_in_a_request)[0] == begin


# Any action the audit log knows will do: these tests write rows, nothing else records it.
WRITE = "directory.system_created"


def _write_events(app, label: str, count: int, errors: list, pause: float = 0.0):
    try:
        with app.app_context():
            from community.core.extensions import db

            for n in range(count):
                record(WRITE, None, summary=f"{label} {n}")
                if pause:
                    time.sleep(pause)
                db.session.commit()
            db.session.remove()
    except Exception as error:  # reported to the test below
        errors.append(error)


def test_two_writers_at_once_both_succeed(app, db):
    db.session.remove()
    errors: list[Exception] = []
    threads = [
        threading.Thread(target=_write_events, args=(app, name, 50, errors, 0.001))
        for name in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    summaries = db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.action == WRITE)
    ).all()
    assert len(summaries) == 100
    assert {s.split()[0] for s in summaries} == {"first", "second"}


def test_a_writer_waits_for_the_lock_instead_of_failing(app, db):
    db.session.remove()
    holding = threading.Event()
    errors: list[Exception] = []

    def hold_the_lock():
        with app.app_context():
            from community.core.extensions import db

            record(WRITE, None, summary="holder")
            db.session.flush()  # BEGIN IMMEDIATE: the write lock is now held
            holding.set()
            time.sleep(0.4)
            db.session.commit()
            db.session.remove()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    assert holding.wait(10)
    started = time.monotonic()
    _write_events(app, "waiter", 1, errors)
    waited = time.monotonic() - started
    holder.join(10)

    assert errors == []
    assert waited >= 0.2  # it waited for the holder's commit rather than failing at once
    count = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == WRITE)
    )
    assert count == 2
