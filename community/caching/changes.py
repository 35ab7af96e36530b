"""Which content version a transaction moves: read from what its statements are.

Every statement the engine runs reaches `watch`'s listener with the statement
object SQLAlchemy compiled it from (an ORM flush, a bulk update and a Core
insert alike). Its kind and table, and for an UPDATE the columns it sets and
the rows its WHERE names, say what it changes; its SQL text is never read.
What that cannot classify for sure counts as an alteration of everything, so
every cache that ends with the content version forgets:

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

An alteration is *confined* when the statement says exactly which rows it
changes and nothing but their own thread's page shows them: an UPDATE of a
thread by its id, or of posts by their ids when the session that flushed them
knew their threads (`_note_post_threads`) and the thread is not what changes;
and an update of a search document, which no thread page reads
(NOT_ON_THREAD_PAGES). A confined alteration moves `altered` and the threads'
own versions, but not `shared`, so the pages of every other thread stay kept.
Every other alteration moves `shared` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import dml, operators, selectable
from sqlalchemy.sql.elements import (
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
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
# Tables no thread page reads (tests/caching/test_caching.py checks the thread pages' statements).
NOT_ON_THREAD_PAGES = frozenset({"search_documents"})
# Where a thread's own version is kept: a column of its row (threads are written with
# the ORM elsewhere; this is only the version's column).
_THREADS = sa.table("threads", sa.column("id", sa.Integer), sa.column("content_version"))
_CHANGED = "content_changed"  # on the connection's info: the Changes so far
_POST_THREADS = "post_threads"  # on the connection's info: each flushed post's thread


@dataclass(frozen=True)
class Change:
    """What one statement does: adds, or alters; an alteration confined to the pages of
    `threads` (an empty set: to no thread's page), or anywhere (`threads` None)."""

    kind: str  # ADDED or ALTERED
    threads: frozenset[int] | None = None


EVERYWHERE = Change(ALTERED)
ADDS = Change(ADDED)


@dataclass
class Changes:
    """What a transaction's statements did so far (kept on its connection)."""

    added: bool = False
    altered: bool = False
    everywhere: bool = False
    threads: set[int] = field(default_factory=set)

    def note(self, change: Change) -> None:
        if change.kind == ADDED:
            self.added = True
            return
        self.altered = True
        if change.threads is None:
            self.everywhere = True
        else:
            self.threads |= change.threads

    @property
    def strongest(self) -> str | None:
        """ALTERED, ADDED or None: the most this transaction did."""
        return ALTERED if self.altered else ADDED if self.added else None


def change_made_by(context) -> Change | None:
    """What the statement of execution `context` does to content (None: nothing)."""
    if context.execution_options.get("changes_content") is False:
        return None
    compiled = context.compiled
    statement = compiled.statement if compiled is not None else None
    if statement is None:
        return EVERYWHERE  # SQL the driver was given as text
    if isinstance(statement, _READS + _SAVEPOINTS):
        return None
    if not isinstance(statement, dml.UpdateBase):
        return EVERYWHERE  # text, a schema change, anything else
    table = getattr(statement.table, "name", None)
    if table is None:
        return EVERYWHERE
    if table in IGNORED_TABLES:
        return None
    change = _write_change(statement, context, table)
    if change is EVERYWHERE and table in NOT_ON_THREAD_PAGES:
        return Change(ALTERED, frozenset())  # (alters no thread's page)
    return change


def _write_change(statement: dml.UpdateBase, context, table: str) -> Change | None:
    if isinstance(statement, dml.Insert):
        upsert = getattr(statement, "_post_values_clause", None) is not None
        return EVERYWHERE if upsert or statement._prefixes else ADDS
    if isinstance(statement, dml.Update):
        return _update_change(statement, context, table)
    return EVERYWHERE  # a DELETE


def _update_change(statement: dml.Update, context, table: str) -> Change | None:
    compiled = context.compiled
    columns, plain = _columns_set(statement, compiled)
    if not columns:
        return EVERYWHERE
    if table == "users" and columns <= IGNORED_USER_COLUMNS:
        return None
    adding = ADDING_COLUMNS.get(table, frozenset())
    if plain and columns <= adding:
        return ADDS
    rows = _rows_named(statement, context)
    if rows is None:
        return EVERYWHERE
    if table == "threads":
        return Change(ALTERED, frozenset(rows))
    if table == "posts" and "thread_id" not in columns:
        known = context.connection.info.get(_POST_THREADS, {})
        if all(row in known for row in rows):
            return Change(ALTERED, frozenset(known[row] for row in rows))
    return EVERYWHERE


def _rows_named(statement: dml.Update, context) -> set[int] | None:
    """The ids of the rows an UPDATE changes, when its WHERE is exactly `id = value` (as
    an ORM flush writes it); else None."""
    criteria = []
    for criterion in statement._where_criteria:  # (an ORM flush writes `and_(id = value)`)
        if isinstance(criterion, BooleanClauseList) and criterion.operator is operators.and_:
            criteria.extend(criterion.clauses)
        else:
            criteria.append(criterion)
    if len(criteria) != 1:
        return None
    (criterion,) = criteria
    if not (
        isinstance(criterion, BinaryExpression)
        and criterion.operator is operators.eq
        and isinstance(criterion.left, sa.Column)
        and isinstance(criterion.left.table, sa.Table)  # (not an alias)
        and criterion.left.table.name == statement.table.name
        and criterion.left.primary_key
        and isinstance(criterion.right, BindParameter)
    ):
        return None
    name = context.compiled.bind_names.get(criterion.right)
    values = {params.get(name) for params in context.compiled_parameters or ()}
    if not values or not all(isinstance(value, int) for value in values):
        return None
    return values


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


def _note_post_threads(session, _flush_context, _instances) -> None:
    """Before a flush: the thread of each post it may update, so that an UPDATE of a post
    by its id is known to change that thread's page only (`_update_change`)."""
    posts = {
        obj.id: obj.thread_id
        for obj in session.dirty
        if getattr(obj, "__tablename__", None) == "posts" and obj.id is not None
    }
    if posts:
        session.connection().info.setdefault(_POST_THREADS, {}).update(posts)


def watch(engine: Engine) -> None:
    """Move the content version with every committed change to content made through `engine`."""

    @event.listens_for(engine, "before_cursor_execute")
    def _note(connection, _cursor, _statement, _parameters, context, _executemany):
        changes = connection.info.get(_CHANGED)
        if changes is not None and changes.everywhere and changes.added:
            return  # (nothing can add to that)
        change = change_made_by(context)
        if change is not None:
            if changes is None:
                changes = connection.info[_CHANGED] = Changes()
            changes.note(change)

    @event.listens_for(engine, "commit")
    def _count(connection):
        changes = connection.info.pop(_CHANGED, None)
        connection.info.pop(_POST_THREADS, None)
        if changes is None:
            return
        # (Looked up each time: a migration, here or in another process, may add or drop
        # the table. A schema change counts as an alteration, like any statement above.)
        columns = _version_columns(connection)
        connection.info.pop(_CHANGED, None)  # (the look-up's own statements are no change)
        if not columns:
            return
        moved = {}
        if changes.altered:
            moved["altered"] = ContentVersion.altered + 1
            if changes.everywhere and "shared" in columns:
                moved["shared"] = ContentVersion.shared + 1
        if changes.added:
            moved["added"] = ContentVersion.added + 1
        connection.execute(sa.update(ContentVersion).where(ContentVersion.id == 1).values(moved))
        if changes.altered and not changes.everywhere and changes.threads:
            connection.execute(
                sa.update(_THREADS)
                .where(_THREADS.c.id.in_(sorted(changes.threads)))
                .values(content_version=_THREADS.c.content_version + 1),
                execution_options=CHANGES_NOTHING,
            )
        if has_app_context():
            g.pop(_READ, None)

    @event.listens_for(engine, "begin")
    @event.listens_for(engine, "rollback")
    def _forget(connection):
        connection.info.pop(_CHANGED, None)
        connection.info.pop(_POST_THREADS, None)

    if not event.contains(Session, "before_flush", _note_post_threads):
        event.listen(Session, "before_flush", _note_post_threads)


def _version_columns(connection) -> set[str]:
    """The content version's columns in the database now (none: it has no such table)."""
    inspector = sa.inspect(connection)
    if not inspector.has_table(TABLE):
        return set()
    return {column["name"] for column in inspector.get_columns(TABLE)}
