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
sign-in columns (IGNORED_USER_COLUMNS) are no change. The rules fail closed:
a statement they cannot read for sure (a leading comment is skipped; COPY,
DO, MERGE, TRUNCATE, a schema change, two statements in one) counts as an
alteration, never as "no change". The commit of a transaction that changed
something adds one to the right number, in the same transaction, just before
it commits.

A schema change counts as an alteration where the table exists (a migration
makes it, and a downgrade may drop it). A restored backup moves the numbers
past any a running process has seen (community/backup), so nothing kept from
before the restore is used after it. Kept answers are in any case forgotten
after KEPT_ANSWER_SECONDS.
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

# A statement is read as what it does only where these rules are sure; anything
# else they meet (COPY, DO $$ … $$, MERGE, TRUNCATE, a parenthesised or
# multi-statement write, a schema change) counts as an alteration.
_LEADING_COMMENTS = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)
_FIRST_WORD = re.compile(r"[a-z]+", re.IGNORECASE)
# Statements that change no content: reads, and a connection's own settings.
_NO_CHANGE_VERBS = frozenset({
    "select", "pragma", "savepoint", "release", "show", "begin", "commit", "rollback", "set",
})  # fmt: skip
# A WITH … statement reads only when none of these words appears in it anywhere.
_WRITE_WORDS = re.compile(r"\b(insert|update|delete|merge|truncate|replace|copy)\b", re.I)
_NAME = r'"?(\w+)"?'
_INSERT = re.compile(rf"insert\s+into\s+{_NAME}", re.IGNORECASE)
_UPSERT = re.compile(r"\bon\s+conflict\b.*\bdo\s+update\b", re.IGNORECASE | re.S)
_UPDATE = re.compile(rf"update\s+{_NAME}\s+set\s", re.IGNORECASE)
_DELETE = re.compile(rf"delete\s+from\s+{_NAME}", re.IGNORECASE)
_ASSIGNMENT = re.compile(r'\s*"?(\w+)"?\s*=(.*)', re.S)
# What a counter may be set to for the change to count as only adding: a value, or
# arithmetic on columns and values (no sub-select, CASE or function that may take away).
_PLAIN_VALUE = re.compile(r"[\w\s.:%()?+\-*]*")
_CLAUSE_END = re.compile(r"\s(where|returning|from)\s", re.IGNORECASE)
_SELECT = re.compile(r"\s*select\b", re.IGNORECASE)

CHANGED = "content_changed"
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
    """What running SQL `statement` does to content: ALTERED, ADDED or None (nothing).

    Fails closed: None only for statements these rules can read for sure.
    """
    body = statement[_LEADING_COMMENTS.match(statement).end() :]
    if ";" in body.rstrip().rstrip(";"):
        return ALTERED  # more than one statement
    word = _FIRST_WORD.match(body)
    verb = word.group(0).lower() if word else ""
    if verb in _NO_CHANGE_VERBS:
        return None
    if verb == "with":
        return ALTERED if _WRITE_WORDS.search(body) else None
    if verb == "insert":
        target = _INSERT.match(body)
        if target is None:  # INSERT OR REPLACE (a replace deletes), or a form not known here
            return ALTERED
        if target.group(1).lower() in IGNORED_TABLES:
            return None
        return ALTERED if _UPSERT.search(body) else ADDED
    if verb == "update":
        target = _UPDATE.match(body)
        if target is None:
            return ALTERED
        table = target.group(1).lower()
        if table in IGNORED_TABLES:
            return None
        assigned = _assignments(body[target.end() :])
        if assigned is None:
            return ALTERED
        columns = assigned.keys()
        if table == "users" and columns <= IGNORED_USER_COLUMNS:
            return None
        plain = all(_PLAIN_VALUE.fullmatch(value) for value in assigned.values())
        if plain and columns <= ADDING_COLUMNS.get(table, frozenset()):
            return ADDED
        return ALTERED
    if verb == "delete":
        target = _DELETE.match(body)
        if target is not None and target.group(1).lower() in IGNORED_TABLES:
            return None
    return ALTERED


def _assignments(assignments: str) -> dict[str, str] | None:
    """Each column an UPDATE's SET clause assigns, with the value's SQL (None when the
    clause cannot be read).

    Split on the commas outside brackets and quotes, up to the WHERE, FROM or
    RETURNING outside them, so a sub-select's own WHERE never hides a column.
    """
    parts, depth, quote, start, index = [], 0, "", 0, 0
    while index < len(assignments):
        char = assignments[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0 and char == ",":
            parts.append(assignments[start:index])
            start = index + 1
        elif depth == 0 and char.isspace() and _CLAUSE_END.match(assignments, index):
            break
        index += 1
    if quote or depth:
        return None
    parts.append(assignments[start:index])
    columns = {}
    for part in parts:
        assigned = _ASSIGNMENT.match(part)
        if assigned is None:
            return None
        columns[assigned.group(1).lower()] = assigned.group(2)
    return columns or None


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
        if _SELECT.match(statement) and ";" not in statement:
            return  # reads nothing but (most statements: change_made_by scans the whole text)
        info = connection.info
        if info.get(CHANGED) != ALTERED:
            change = change_made_by(statement)
            if change is not None:
                info[CHANGED] = change

    @event.listens_for(engine, "commit")
    def _count(connection):
        change = connection.info.pop(CHANGED, None)
        if change is None:
            return
        # (Looked up each time: a migration, here or in another process, may add or drop
        # it. A schema change counts as an alteration, like any statement not read above.)
        if sa.inspect(connection).has_table(TABLE):
            connection.exec_driver_sql(_BUMP[change])
            if has_app_context():
                g.pop(_READ, None)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(CHANGED, None)


def move_past(before: Generation | None) -> None:
    """After a restore put older numbers back: move both past `before` (read before it), so
    no process takes what it kept then for what the restored database holds now."""
    if before is None:
        return
    with db.engine.begin() as connection:
        if not sa.inspect(connection).has_table(TABLE):
            return
        connection.execute(
            sa.update(ContentGeneration)
            .where(ContentGeneration.id == 1)
            .values(
                altered=sa.case(
                    (ContentGeneration.altered > before.altered, ContentGeneration.altered),
                    else_=before.altered,
                )
                + 1,
                added=sa.case(
                    (ContentGeneration.added > before.added, ContentGeneration.added),
                    else_=before.added,
                )
                + 1,
            )
        )


def read_now() -> Generation | None:
    """The generation in the database now, outside any request's remembered reading."""
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table(TABLE):
            return None
        row = connection.execute(_CURRENT).first()
    return Generation(*row) if row is not None else None
