"""Which content version a transaction moves: read from what its statements are.

Every statement the engine runs reaches `watch`'s listener with the statement
object SQLAlchemy compiled it from (an ORM flush, a bulk update and a Core
insert alike). Its kind and table, and for an UPDATE the columns it sets, say
what it changes; its SQL text is never read. What that cannot classify for
sure counts as an alteration, so every cache that ends with the content
version forgets:

* a SELECT, or a savepoint, changes nothing;
* an INSERT adds (an upsert, or any INSERT with a prefix such as OR REPLACE,
  alters);
* an UPDATE that sets only the counters and times in ADDING_COLUMNS, each to a
  value or a sum of columns and values, adds; one
  that sets only a member's sign-in columns (IGNORED_USER_COLUMNS) changes
  nothing; any other alters;
* a DELETE alters;
* a write to a table no cached page reads (IGNORED_TABLES: notifications, the
  outbox, the audit log …) changes nothing;
* anything else alters: SQL given as text (`sa.text`, `exec_driver_sql`), a
  schema change, a statement of a kind not listed here. Code that runs text it
  knows changes nothing says so with the execution option CHANGES_NOTHING.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import dml, operators, selectable
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    ClauseElement,
    ColumnClause,
    Null,
    ReleaseSavepointClause,
    RollbackToSavepointClause,
    SavepointClause,
)

from community.caching.versions import _READ, TABLE, ContentVersion

ADDED, ALTERED = "added", "altered"
IGNORED_TABLES = frozenset({
    TABLE, "notifications", "notification_deliveries", "thread_watches", "outbox_messages",
    "audit_events",
})  # fmt: skip
# Signing in writes these; no cached page shows or depends on them.
IGNORED_USER_COLUMNS = frozenset({"last_sign_in_at", "session_token", "password_hash"})
# Columns that only move when something is added (a reply, a helpful mark, a use).
ADDING_COLUMNS = {
    "threads": frozenset({"last_post_at", "post_count"}),
    "communities": frozenset({"last_activity_at", "thread_count", "member_count"}),
    "posts": frozenset({"helpful_count"}),
    "search_documents": frozenset({"boost"}),
    "projects": frozenset({"last_activity_at"}),
}
# The execution option that says a statement given as text changes no content.
CHANGES_NOTHING = {"changes_content": False}

_READS = (selectable.Select, selectable.CompoundSelect, selectable.TextualSelect)
_SAVEPOINTS = (SavepointClause, RollbackToSavepointClause, ReleaseSavepointClause)
_CHANGED = "content_changed"  # on the connection's info: ADDED or ALTERED so far


def change_made_by(context) -> str | None:
    """What the statement of execution `context` does to content: ALTERED, ADDED or None."""
    if context.execution_options.get("changes_content") is False:
        return None
    compiled = context.compiled
    statement = compiled.statement if compiled is not None else None
    if statement is None:
        return ALTERED  # SQL the driver was given as text
    if isinstance(statement, _READS + _SAVEPOINTS):
        return None
    if not isinstance(statement, dml.UpdateBase):
        return ALTERED  # text, a schema change, anything else
    table = getattr(statement.table, "name", None)
    if table is None:
        return ALTERED
    if table in IGNORED_TABLES:
        return None
    if isinstance(statement, dml.Insert):
        upsert = getattr(statement, "_post_values_clause", None) is not None
        return ALTERED if upsert or statement._prefixes else ADDED
    if isinstance(statement, dml.Update):
        return _update_change(statement, compiled, table)
    return ALTERED  # a DELETE


def _update_change(statement: dml.Update, compiled, table: str) -> str | None:
    columns, plain = _columns_set(statement, compiled)
    if not columns:
        return ALTERED
    if table == "users" and columns <= IGNORED_USER_COLUMNS:
        return None
    adding = ADDING_COLUMNS.get(table, frozenset())
    return ADDED if plain and columns <= adding else ALTERED


def _columns_set(statement: dml.Update, compiled) -> tuple[set[str], bool]:
    """The names of the columns an UPDATE sets (those its `.values()` names, and those
    given as parameters when it runs, as an ORM flush gives them), and whether every
    value is plain: a value given, or sums of columns and values. A counter set from a
    sub-select or a CASE may have gone down."""
    names, plain = set(), True
    given = dict(getattr(statement, "_values", None) or {})
    given.update(dict(getattr(statement, "_ordered_values", None) or ()))
    for column, value in given.items():
        key = column if isinstance(column, str) else getattr(column, "key", None)
        if key is None:
            return set(), False  # (named some other way: not sure what it sets)
        names.add(key)
        plain = plain and _is_plain(value)
    names.update(key for key in (compiled.column_keys or ()) if key in statement.table.c)
    return names, plain


def _is_plain(value) -> bool:
    if isinstance(value, BindParameter | ColumnClause | Null) or not isinstance(
        value, ClauseElement
    ):
        return True
    if isinstance(value, BinaryExpression) and value.operator in (operators.add, operators.sub):
        return _is_plain(value.left) and _is_plain(value.right)
    return False


def watch(engine: Engine) -> None:
    """Move the content version with every committed change to content made through `engine`."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, _statement, _parameters, context, _executemany):
        info = connection.info
        if info.get(_CHANGED) == ALTERED:
            return
        change = change_made_by(context)
        if change is not None:
            info[_CHANGED] = change

    @event.listens_for(engine, "commit")
    def _count(connection):
        change = connection.info.pop(_CHANGED, None)
        if change is None:
            return
        # (Looked up each time: a migration, here or in another process, may add or drop
        # the table. A schema change counts as an alteration, like any statement above.)
        exists = sa.inspect(connection).has_table(TABLE)
        connection.info.pop(_CHANGED, None)  # (the look-up's own statements are no change)
        if exists:
            column = getattr(ContentVersion, change)
            connection.execute(
                sa.update(ContentVersion).where(ContentVersion.id == 1).values({column: column + 1})
            )
            if has_app_context():
                g.pop(_READ, None)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(_CHANGED, None)
