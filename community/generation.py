"""The content generation: two numbers that go up as changes to content commit.

Search keeps its answers, and a method's lineage page its HTML, in each app
process for readers who ask the same thing (`kept()`). A kept answer must never show what has
since been taken away or changed: a post hidden, removed or edited, a thread
moved, a community made private. New things (a reply, a thread, a helpful
mark) may wait a few seconds, as in any search engine, or no kept answer
would outlive the next reply anywhere on a national platform. So:

* `altered` goes up with every change that may take something away or alter
  it (any removal; any edit except the counters and times in ADDING_COLUMNS).
  The key of a kept answer holds it, so after such a change every reader, on
  every app server, misses every answer kept before it.
* `added` goes up with every change that only adds: new rows, and the
  counters and times that new rows move (a thread's post count and latest
  post, say). A kept answer made before an addition is used for
  NEW_CONTENT_WAIT_SECONDS at most (0: not at all).

How a change is noticed: every statement the engine runs is looked at (ORM
flushes, bulk updates, raw SQL alike). Writes to tables searching never reads
(IGNORED_TABLES: notifications, the outbox, the audit log …) and a member's
sign-in columns (IGNORED_USER_COLUMNS) are no change. A write these rules
cannot read counts as an alteration. The commit of a transaction that changed
something adds one to the right number, in the same transaction, just before
it commits.

Schema changes are not counted (a migration makes the table this needs); app
servers start with empty caches after a deploy, and kept answers are in any
case forgotten after KEPT_ANSWER_SECONDS.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Hashable
from typing import NamedTuple, TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from community import cache
from community.extensions import db

T = TypeVar("T")

TABLE = "content_generation"
IGNORED_TABLES = frozenset({
    TABLE, "notifications", "notification_deliveries", "thread_watches", "outbox_messages",
    "audit_events",
})  # fmt: skip
# Signing in writes these; no search result shows or depends on them.
IGNORED_USER_COLUMNS = frozenset({"last_sign_in_at", "session_token", "password_hash"})
# Columns that only move when something is added (a reply, a helpful mark, a use).
ADDING_COLUMNS = {
    "threads": frozenset({"last_post_at", "post_count"}),
    "communities": frozenset({"last_activity_at", "thread_count", "member_count"}),
    "posts": frozenset({"helpful_count"}),
    "search_documents": frozenset({"boost"}),
    "projects": frozenset({"last_activity_at"}),
}

ADDED, ALTERED = "added", "altered"
_BUMP = {
    ADDED: "UPDATE content_generation SET added = added + 1 WHERE id = 1",
    ALTERED: "UPDATE content_generation SET altered = altered + 1 WHERE id = 1",
}

_WRITE = re.compile(r"\s*(insert|update|delete|replace|merge|truncate)\b", re.IGNORECASE)
# A statement starting WITH writes when its body does (a CTE that only reads is common).
_WITH_WRITE = re.compile(
    r"\s*with\b.*\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b", re.IGNORECASE | re.S
)
_SELECT = re.compile(r"\s*select\b", re.IGNORECASE)
_SCHEMA = re.compile(r"\s*(create|drop|alter)\b", re.IGNORECASE)
_MIGRATION = re.compile(r"\balembic_version\b", re.IGNORECASE)
_TARGET = re.compile(
    r"""\s*(insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)"?""", re.IGNORECASE
)
_SET = re.compile(r"\bset\s+(.*?)(?:\s+where\b|\s+returning\b|\s+from\b|$)", re.IGNORECASE | re.S)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=')

CHANGED = "content_changed"
SCHEMA_CHANGED = "schema_changed"
_READ = "_content_generation"  # the generation as this request read it, on flask.g


class ContentGeneration(db.Model):
    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(primary_key=True)  # one row: 1
    altered: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    added: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class Generation(NamedTuple):
    altered: int
    added: int


def change_made_by(statement: str) -> str | None:
    """What running SQL `statement` does to content: ALTERED, ADDED or None (nothing)."""
    if not _WRITE.match(statement):
        return ALTERED if _WITH_WRITE.match(statement) else None
    target = _TARGET.match(statement)
    if target is None:
        return ALTERED  # a write these rules cannot read (REPLACE …, MERGE …)
    verb, table = " ".join(target.group(1).lower().split()), target.group(2).lower()
    if table in IGNORED_TABLES:
        return None
    if verb == "insert into":
        return ADDED
    if verb == "update":
        assigned = _SET.search(statement)
        columns = {c.lower() for c in _ASSIGNED.findall(assigned.group(1))} if assigned else set()
        if table == "users" and columns and columns <= IGNORED_USER_COLUMNS:
            return None
        if columns and columns <= ADDING_COLUMNS.get(table, frozenset()):
            return ADDED
    return ALTERED


_CURRENT = sa.select(ContentGeneration.altered, ContentGeneration.added).where(
    ContentGeneration.id == 1
)  # (built once: most pages read it)


def current() -> Generation | None:
    """The generation now (None if the database has no row for it: nothing is kept then).

    Read once per request (a page may keep several things); a commit in the
    request that changed content makes the next call read it again.
    """
    if has_app_context() and _READ in g:
        return g.get(_READ)
    row = db.session.execute(_CURRENT).first()
    stamp = Generation(*row) if row is not None else None
    if has_app_context():
        setattr(g, _READ, stamp)
    return stamp


def kept(
    name: str,
    entries: int,
    key: Hashable,
    make: Callable[[], T],
    still_good: Callable[[T], bool] | None = None,
) -> T:
    """What `make()` gave for `key` before, while nothing it read may have changed; else `make()`.

    Kept in this app process (the cache `name`, `entries` at most) until anything
    is taken away or altered, by any reader on any app server; for
    NEW_CONTENT_WAIT_SECONDS after something new is added; and for
    KEPT_ANSWER_SECONDS at most. `key` must hold everything else `make` reads:
    the reader's `visibility_class`, the page's parameters. `still_good(value)` may
    end a kept value sooner (a page whose "3 minutes ago" has moved on).
    """
    stamp = current()
    if stamp is None:
        return make()
    store = cache.kept(name, entries, "KEPT_ANSWER_SECONDS")
    entry = store.get((key, stamp.altered))
    if entry is not None:
        added, made_at, value = entry
        waited = time.monotonic() - made_at
        fresh = added == stamp.added or waited < current_app.config["NEW_CONTENT_WAIT_SECONDS"]
        if fresh and (still_good is None or still_good(value)):
            return value
    value = make()
    store.put((key, stamp.altered), (stamp.added, time.monotonic(), value))
    return value


def watch(engine: Engine) -> None:
    """Count every committed change to content made through `engine`."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, statement, _parameters, _context, _executemany):
        if _SELECT.match(statement):
            return  # reads nothing but (most statements: the checks below scan the whole text)
        info = connection.info
        if _SCHEMA.match(statement) or _MIGRATION.search(statement):
            info[SCHEMA_CHANGED] = True
        elif info.get(CHANGED) != ALTERED:
            change = change_made_by(statement)
            if change is not None:
                info[CHANGED] = change

    @event.listens_for(engine, "commit")
    def _count(connection):
        change = connection.info.pop(CHANGED, None)
        if connection.info.pop(SCHEMA_CHANGED, False) or change is None:
            return  # nothing changed, or a migration (see the module's docstring)
        # (Looked up each time, as a migration run elsewhere may add or drop it.)
        if sa.inspect(connection).has_table(TABLE):
            connection.exec_driver_sql(_BUMP[change])
            if has_app_context():
                g.pop(_READ, None)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(CHANGED, None)
        connection.info.pop(SCHEMA_CHANGED, None)
