"""Database engine behaviour that the models and services rely on.

SQLite is the embedded default, so its connections are tuned for a web server
with several threads or processes writing at once:

* WAL journal, so readers never block the writer and the writer never blocks readers;
* foreign keys enforced, as on PostgreSQL;
* a busy timeout, so a writer waits for the lock instead of failing at once;
* write transactions start with BEGIN IMMEDIATE. A deferred transaction that
  reads first and writes later cannot wait for the lock (SQLite returns
  "database is locked" at once, because its snapshot may be stale), so any
  request that may write takes the write lock when it begins. Reads (GET and
  HEAD requests) stay deferred and run in parallel.

PostgreSQL gets a lock timeout (DB_LOCK_TIMEOUT_MS), so a write that meets a
lock held too long fails cleanly instead of hanging the request.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from community.caching import changes
from community.caching.changes import CHANGES_NOTHING

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_write_context() -> bool:
    if has_request_context():
        return request.method not in READ_ONLY_METHODS and not g.get("reads_only", False)
    return True  # commands, tests and background senders


def reads_only_from_now() -> None:
    """The rest of this request only reads: its transactions need not wait for the write lock.

    After a write failed because another process holds the lock, the error page
    (which reads, e.g. the notification count) must not queue for it again.
    """
    if has_request_context():
        g.reads_only = True


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(
            "BEGIN IMMEDIATE" if _is_write_context() else "BEGIN", execution_options=CHANGES_NOTHING
        )


def configure_postgresql(engine: Engine, lock_timeout_ms: int) -> None:
    """A statement waits at most `lock_timeout_ms` for a lock, then fails cleanly;
    and no statement is compiled to machine code first (JIT).

    Without the lock timeout a write queued behind a long transaction would wait
    until the worker is killed; with it the member gets the "try again" page, as
    on SQLite. JIT pays off for long analytical queries; the visibility rules make
    statements the planner estimates as costly (every hashed sub-plan) that run in
    a few milliseconds, and compiling each took about 100 ms (the notifications
    page's two counts: 2.5 ms each without it). Plain SETs (not startup options)
    so that they also work through PgBouncer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {int(lock_timeout_ms)}")
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()


def register_engine_events(app: Flask, db) -> None:
    with app.app_context():
        engine = db.engine
        changes.watch(engine)
        if engine.dialect.name == "sqlite":
            configure_sqlite(engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        elif engine.dialect.name == "postgresql":
            configure_postgresql(engine, app.config["DB_LOCK_TIMEOUT_MS"])
