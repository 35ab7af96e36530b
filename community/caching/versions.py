"""The content version: numbers that go up as changes to content commit.

A cache whose entries end with it (`ends=CONTENT` in CACHES) holds them under a
key with `altered` in it, through `kept()`:

* `altered` goes up with every change that may take something away or alter
  it (any removal; any edit but the counters and times in changes.ADDING_COLUMNS),
  so after such a change every reader, on every app server, misses every
  entry kept before it;
* `shared` goes up with every such change but those confined to one thread's
  own page (an edit of a post, a thread locked or renamed: see changes.py),
  which move that thread's own version (`threads.content_version`) instead.
  A cache of one thread's page (`ends=THREAD`) holds its entries under both, so
  an edit in one thread leaves every other thread's page kept;
* `added` goes up with every change that only adds: new rows, and the
  counters and times that new rows move (a thread's post count and latest
  post). An entry made before an addition is used for NEW_CONTENT_WAIT_SECONDS
  at most (0: not at all).

changes.py decides which number a transaction moves, from what its
statements are (never from their SQL text), and moves it in the same
transaction, just before it commits. A restored backup moves both past any a
running process has seen (`move_past`). Entries are forgotten after
KEPT_ANSWER_SECONDS in any case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import NamedTuple, TypeVar

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from community.caching.stores import CACHES, CONTENT, THREAD, store
from community.core.extensions import db

T = TypeVar("T")

TABLE = "content_generation"  # (its name from before it was called the content version)
_READ = "_content_generation"  # the version as this request read it, on flask.g


class ContentVersion(db.Model):
    __tablename__ = TABLE

    id: Mapped[int] = mapped_column(primary_key=True)  # one row: 1
    altered: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    added: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    shared: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class Version(NamedTuple):
    altered: int
    added: int
    shared: int


_CURRENT = sa.select(ContentVersion.altered, ContentVersion.added, ContentVersion.shared).where(
    ContentVersion.id == 1
)  # (built once: most pages read it)


def current() -> Version | None:
    """The content version now (None if the database has no row for it: nothing is kept then).

    Read once per request (a page may keep several things); a commit in the
    request that changed content makes the next call read it again.
    """
    if has_app_context() and _READ in g:
        return g.get(_READ)
    row = db.session.execute(_CURRENT).first()
    stamp = Version(*row) if row is not None else None
    if has_app_context():
        setattr(g, _READ, stamp)
    return stamp


def kept(
    name: str,
    key: Hashable,
    make: Callable[[], T],
    still_good: Callable[[T], bool] | None = None,
    thread_version: int | None = None,
) -> T:
    """What `make()` gave for `key` before, while nothing it read may have changed; else `make()`.

    Kept in this app process (the cache `name`, declared with ends=CONTENT or THREAD)
    until anything it may show is taken away or altered, by any reader on any app
    server; for NEW_CONTENT_WAIT_SECONDS after something new is added; and for
    KEPT_ANSWER_SECONDS at most. `key` must hold everything else `make` reads:
    the reader's `visibility_class`, the page's parameters. A cache of one thread's
    page (THREAD) gives that thread's `thread_version`, read with the thread's row
    before anything else of it. `still_good(value)` may end a kept value sooner (a
    page whose "3 minutes ago" has moved on).
    """
    ends = CACHES[name].ends
    if ends not in (CONTENT, THREAD):
        raise ValueError(f"the cache {name} does not end with the content version")
    if (ends == THREAD) != (thread_version is not None):
        raise ValueError(f"the cache {name} is kept by thread_version only if it ends with it")
    stamp = current()
    if stamp is None:
        return make()
    kept_here = store(name)
    version = (stamp.shared, thread_version) if ends == THREAD else stamp.altered
    entry = kept_here.get((key, version))
    if entry is not None:
        added, made_at, value = entry
        waited = time.monotonic() - made_at
        fresh = added == stamp.added or waited < current_app.config["NEW_CONTENT_WAIT_SECONDS"]
        if fresh and (still_good is None or still_good(value)):
            return value
    value = make()
    kept_here.put((key, version), (stamp.added, time.monotonic(), value))
    return value


def move_past(before: Version | None) -> None:
    """After a restore put older numbers back: move each past `before` (read before it), so
    no process takes what it kept then for what the restored database holds now."""
    if before is None:
        return
    with db.engine.begin() as connection:
        if not sa.inspect(connection).has_table(TABLE):
            return
        connection.execute(
            sa.update(ContentVersion)
            .where(ContentVersion.id == 1)
            .values({
                column: sa.case((column > seen, column), else_=seen) + 1
                for column, seen in (
                    (ContentVersion.altered, before.altered),
                    (ContentVersion.added, before.added),
                    (ContentVersion.shared, before.shared),
                )
            })
        )  # fmt: skip


def read_now() -> Version | None:
    """The content version in the database now, outside any request's remembered reading."""
    with db.engine.connect() as connection:
        if not sa.inspect(connection).has_table(TABLE):
            return None
        row = connection.execute(_CURRENT).first()
    return Version(*row) if row is not None else None
