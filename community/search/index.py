"""The one way content gets into (and out of) the search index.

Every searchable thing is a `Document`: a kind ("thread", "person" …), the id
of the object in its own table, a title, a body and tags to search, and where
it lives (community, author, organisation, system), when it was written and a
ranking boost. Services call `index_document()` / `remove_document()` (or the
small per-kind helpers in `community.search.kinds`) after they change content
and *before* their single commit, so the index changes in the same transaction
as the content: a rolled-back change leaves no trace in the index either.

The database keeps the full-text index itself in step with the
`search_documents` table (FTS5 triggers on SQLite, a generated tsvector on
PostgreSQL; see `community.search.models`), so this module never speaks a
dialect: `community.search.backends` does that at query time.

Adding a kind of content (mentoring offers, say) takes four steps, shown here
for methods:

1. write `method_document(method) -> Document | None` (None when the method
   must not be findable at all, e.g. a deleted one);
2. register a `Kind` with its result group, a SQL visibility clause over
   `SearchDocument` (drafts visible only to their authors, say), a function
   listing the documents the content calls for, window by window (for
   `flask search reindex` and `check`), and one that turns ids into result
   lines for a viewer (kinds/communities.py is the shortest example); import
   the module in `kinds/__init__.py`;
3. give the module a `method_changed(method)` hook that saves (or, for None,
   removes) the document, export it from `community.search.indexing`, and call
   it in every service that creates, edits, publishes, hides or deletes one,
   before it commits (kinds/methods.py and kinds/projects.py do all of this);
4. add permission tests for the new result type: results, counts, snippets.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nh3
import sqlalchemy as sa

from community.core.extensions import db
from community.search.models import SearchDocument
from community.search.query import HIGHLIGHT_END, HIGHLIGHT_START

MAX_TITLE = 500
MAX_BODY = 50_000
TAG_SEPARATOR = ", "
_UNSEARCHABLE = re.compile(f"[{HIGHLIGHT_START}{HIGHLIGHT_END}\x00-\x08\x0b\x0c\x0e-\x1f]")


def searchable_text(text: str | None, limit: int = MAX_BODY) -> str:
    """Text as the index holds it: one line, no highlight markers, bounded."""
    if not text:
        return ""
    if _UNSEARCHABLE.search(text):
        text = _UNSEARCHABLE.sub(" ", text)
    return " ".join(text.split())[:limit]


def plain_text(rendered_html: str | None) -> str:
    """The words of sanitised HTML (a post or bio), without tags or entities."""
    if not rendered_html:
        return ""
    spaced = re.sub(r"<(/?(p|li|h\d|br|tr|td|th|pre|blockquote)\b)", r" <\1", rendered_html)
    return searchable_text(html.unescape(nh3.clean(spaced, tags=set())))


def as_utc(moment: datetime) -> datetime:
    """A naive UTC datetime: SQLite hands back naive values, PostgreSQL aware ones."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int
    title: str
    body: str
    dated_at: datetime
    tags: tuple[str, ...] = ()
    community_id: int | None = None
    author_id: int | None = None
    organisation_id: int | None = None
    system_id: int | None = None
    boost: float = 1.0

    def row(self) -> dict[str, Any]:
        """The column values, normalised the way they are stored and compared."""
        return {
            "title": searchable_text(self.title, MAX_TITLE),
            "body": searchable_text(self.body),
            "tags": searchable_text(TAG_SEPARATOR.join(self.tags)),
            "community_id": self.community_id,
            "author_id": self.author_id,
            "organisation_id": self.organisation_id,
            "system_id": self.system_id,
            "dated_at": as_utc(self.dated_at),
            "boost": round(float(self.boost), 4),
        }


def stored_row(document: SearchDocument) -> dict[str, Any]:
    return {
        "title": document.title,
        "body": document.body,
        "tags": document.tags,
        "community_id": document.community_id,
        "author_id": document.author_id,
        "organisation_id": document.organisation_id,
        "system_id": document.system_id,
        "dated_at": as_utc(document.dated_at),
        "boost": round(float(document.boost), 4),
    }


# ------------------------------------------------------------------ writing


def _stored(kind: str, object_id: int) -> SearchDocument | None:
    return db.session.scalar(
        sa.select(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.object_id == object_id
        )
    )


_READ_IT = object()


def save(document: Document, stored: Any = _READ_IT) -> None:
    """Add or update one document. Part of the caller's transaction; no commit.

    `stored` is its row when the caller has already read it (None: there is none).
    """
    row = document.row()
    if stored is _READ_IT:
        stored = _stored(document.kind, document.object_id)
    if stored is None:
        db.session.add(SearchDocument(kind=document.kind, object_id=document.object_id, **row))
        return
    have = stored_row(stored)
    for name, value in row.items():
        if have[name] != value:
            setattr(stored, name, value)


def add_all(documents: list[Document]) -> None:
    """Add documents known to be missing, in one statement (for reindexing)."""
    db.session.execute(
        sa.insert(SearchDocument),
        [{"kind": d.kind, "object_id": d.object_id, **d.row()} for d in documents],
    )


def index_document(kind: str, object_id: int, *, title: str, body: str, dated_at: datetime,
                   **where: Any) -> None:  # fmt: skip
    """Add or update the document for one object (see `Document` for `where`)."""
    save(Document(kind, object_id, title, body, dated_at, **where))


def remove_document(kind: str, object_id: int) -> None:
    db.session.execute(
        sa.delete(SearchDocument).where(
            SearchDocument.kind == kind, SearchDocument.object_id == object_id
        )
    )


def save_or_remove(kind: str, object_id: int, document: Document | None) -> None:
    """Index `document`, or take the object out of the index if it has none."""
    if document is None:
        remove_document(kind, object_id)
    else:
        save(document)


# ------------------------------------------------------------------ kinds


@dataclass(frozen=True)
class Group:
    """A type of result: a tab on the results page and a value of ``type:``."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    # A WHERE clause over SearchDocument: the rows of this kind `user` may see,
    # decided from the content's own tables (never from the index's copy).
    visible: Callable[[Any], sa.ColumnElement[bool]]
    # The objects with ids after `after`, at most `limit` of them in id order,
    # each with the document it calls for (None: it must not be findable).
    expected: Callable[[int, int], list[tuple[int, Document | None]]]
    # How many objects there are (for the progress bar of a reindex).
    count: Callable[[], int]
    # Ids of objects `viewer` may see to the result lines shown to them (the viewer
    # decides, e.g., whether an adaptation's line may name the method it came from).
    describe: Callable[[list[int], Any], dict[int, Any]]
    # Whether organisation and system follow the author's (they move with them).
    located_by_author: bool = False


GROUPS: dict[str, Group] = {}
KINDS: dict[str, Kind] = {}


def register_group(group: Group) -> None:
    GROUPS[group.name] = group


def register_kind(kind: Kind) -> None:
    KINDS[kind.name] = kind


def type_names() -> dict[str, str]:
    """What ``type:`` accepts, mapped to a group name."""
    names = {}
    for group in GROUPS.values():
        for alias in (group.name, *group.aliases):
            names[alias] = group.name
    return names


def kinds_in(groups: Iterable[str] | None = None) -> list[Kind]:
    wanted = set(GROUPS) if groups is None else set(groups)
    return [kind for kind in KINDS.values() if kind.group in wanted]


def follow_author(author_id: int, organisation_id: int | None, system_id: int | None) -> None:
    """After a member moves organisation, move what they wrote with them (one statement)."""
    located = [kind.name for kind in KINDS.values() if kind.located_by_author]
    db.session.execute(
        sa.update(SearchDocument)
        .where(SearchDocument.author_id == author_id, SearchDocument.kind.in_(located))
        .values(organisation_id=organisation_id, system_id=system_id)
    )


# ------------------------------------------------------------------ comparing


@dataclass
class Difference:
    kind: str
    object_id: int
    problem: str  # "missing", "not expected" or "stale: title, body"
    expected: Document | None = None
    stored: SearchDocument | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.problem}"


BATCH = 2000


def _stored_between(kind: str, after: int, last: int | None) -> dict[int, SearchDocument]:
    query = sa.select(SearchDocument).where(
        SearchDocument.kind == kind, SearchDocument.object_id > after
    )
    if last is not None:
        query = query.where(SearchDocument.object_id <= last)
    return {row.object_id: row for row in db.session.scalars(query)}


def compare_in_windows(kind: Kind, batch: int = BATCH) -> Iterator[tuple[int, list[Difference]]]:
    """Compare content with the index, one window of object ids at a time.

    Yields (objects scanned, differences) per window. Each window is two
    bounded queries and holds no cursor open, so a reindex may commit between
    windows; memory stays flat however large the index.
    """
    after = 0
    while True:
        scanned = kind.expected(after, batch)
        last = scanned[-1][0] if len(scanned) == batch else None
        stored = _stored_between(kind.name, after, last)
        found = []
        for object_id, document in scanned:
            row = stored.pop(object_id, None)
            if document is None and row is not None:
                found.append(Difference(kind.name, object_id, "not expected", None, row))
            elif document is not None and row is None:
                found.append(Difference(kind.name, object_id, "missing", document))
            elif document is not None and row is not None:
                want, have = document.row(), stored_row(row)
                changed = [name for name in want if want[name] != have[name]]
                if changed:
                    problem = "stale: " + ", ".join(changed)
                    found.append(Difference(kind.name, object_id, problem, document, row))
        found += [
            Difference(kind.name, object_id, "not expected", None, row)
            for object_id, row in stored.items()
        ]
        yield len(scanned), found
        if last is None:
            return
        after = last


def differences(limit: int | None = None) -> list[Difference]:
    """Every difference between the content and the index (what `flask search check` shows)."""
    found: list[Difference] = []
    for kind in KINDS.values():
        for _scanned, window in compare_in_windows(kind):
            found += window
            if limit and len(found) >= limit:
                return found[:limit]
    return found


def repair(difference: Difference) -> None:
    """Make the index agree with the content for one difference (no commit)."""
    if difference.expected is None:
        db.session.delete(difference.stored)
    else:
        save(difference.expected, difference.stored)


def counts_by_kind() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(SearchDocument.kind, sa.func.count()).group_by(SearchDocument.kind)
    )
    return {kind: count for kind, count in rows}
