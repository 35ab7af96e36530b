"""The content generation: a number that goes up with every committed change to content.

Search results are kept in each app process for readers who ask the same
thing (`community.search.services`). A kept answer is only right while
nothing it was made from has changed: a post hidden, a thread moved, a
community made private, a new post that matches. So the key of every kept
answer holds this number, read from the database, and every transaction
that changes content adds one to it as it commits. A reader after the
change reads the new number and misses every answer kept before it; no
process has to be told, however many app servers share the database.

How a change is noticed: every statement the engine runs is looked at (ORM
flushes, bulk updates, raw SQL alike). A write to a table is a change
unless the table is one searching never reads (IGNORED_TABLES: notifications,
the outbox, the audit log …), or it only sets a member's sign-in columns
(IGNORED_USER_COLUMNS). A write the rules cannot read counts as a change.
The commit of a transaction that changed something adds one to the row, in
the same transaction, just before it commits.

Schema changes do not count (a migration makes the table this needs); app
servers start with empty caches after a deploy, and kept answers are in any
case forgotten after SEARCH_CACHE_SECONDS.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from community.extensions import db

TABLE = "content_generation"
_BUMP = "UPDATE content_generation SET value = value + 1 WHERE id = 1"
IGNORED_TABLES = frozenset({
    TABLE, "notifications", "thread_watches", "outbox_messages", "audit_events",
})  # fmt: skip
# Signing in writes these; no search result shows or depends on them.
IGNORED_USER_COLUMNS = frozenset({"last_sign_in_at", "session_token", "password_hash"})

_WRITE = re.compile(r"\s*(insert|update|delete|replace|merge|truncate)\b", re.IGNORECASE)
# A statement starting WITH writes when its body does (a CTE that only reads is common).
_WITH_WRITE = re.compile(
    r"\s*with\b.*\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b", re.IGNORECASE | re.S
)
_SCHEMA = re.compile(r"\s*(create|drop|alter)\b", re.IGNORECASE)
_MIGRATION = re.compile(r"\balembic_version\b", re.IGNORECASE)
_TARGET = re.compile(
    r"""\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)"?""", re.IGNORECASE
)
_SET = re.compile(r"\bset\s+(.*?)(?:\s+where\b|\s+returning\b|\s+from\b|$)", re.IGNORECASE | re.S)
_ASSIGNED = re.compile(r'"?(\w+)"?\s*=')

CHANGED = "content_changed"
SCHEMA_CHANGED = "schema_changed"


class ContentGeneration(db.Model):
    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(primary_key=True)  # one row: 1
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def changes_content(statement: str) -> bool:
    """Whether running SQL `statement` may change what a search finds or shows."""
    if not _WRITE.match(statement):
        return _WITH_WRITE.match(statement) is not None
    target = _TARGET.match(statement)
    if target is None:
        return True  # a write these rules cannot read (REPLACE …, MERGE …)
    table = target.group(1).lower()
    if table in IGNORED_TABLES:
        return False
    if table == "users" and statement.lstrip()[:6].lower() == "update":
        assigned = _SET.search(statement)
        if assigned is not None:
            columns = {c.lower() for c in _ASSIGNED.findall(assigned.group(1))}
            return not columns or not columns <= IGNORED_USER_COLUMNS
    return True


def current() -> int | None:
    """The generation now (None if the database has no row for it: nothing is kept then)."""
    return db.session.scalar(sa.select(ContentGeneration.value).where(ContentGeneration.id == 1))


def watch(engine: Engine) -> None:
    """Count every committed change to content made through `engine`."""

    made = False  # whether the table is there (looked up until it is)

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, statement, _parameters, _context, _executemany):
        info = connection.info
        if _SCHEMA.match(statement) or _MIGRATION.search(statement):
            info[SCHEMA_CHANGED] = True
        elif not info.get(CHANGED) and changes_content(statement):
            info[CHANGED] = True

    @event.listens_for(engine, "commit")
    def _count(connection):
        nonlocal made
        changed = connection.info.pop(CHANGED, False)
        if connection.info.pop(SCHEMA_CHANGED, False) or not changed:
            return  # nothing changed, or a migration (see the module's docstring)
        made = made or sa.inspect(connection).has_table(TABLE)
        if made:
            connection.exec_driver_sql(_BUMP)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(CHANGED, None)
        connection.info.pop(SCHEMA_CHANGED, None)
