"""The one permission-aware search query, used by every search surface.

`matching()` is the heart of it: a SELECT over `search_documents` restricted,
in SQL, to what the member may see (each kind's clause, built from the
content's own tables and `community.visibility`), to the filters, and to the
text of the query. The results page's rows, its counts per type and the
expertise finder's evidence are all built from it, so nothing can be counted,
ranked or quoted that the member could not open.

Ranking (relevance sort):

    score = text relevance × boost × recency

* text relevance: BM25's shape on SQLite without its statistics pass (title ×10,
  tags ×4, body ×1: `sqlite_fts.relevance`), ts_rank on PostgreSQL with the
  same weights (title A, tags B, body D), each worked out for the candidates only;
* boost (stored with the document): ×1.5 for a key learning, ×1.25 for a
  thread that has one, +0.1 per "helpful" reaction up to +0.5; a method +0.05
  per member who has used it, up to +0.5; a project +0.05 per point of its
  progress score (see each kind's module);
* recency: ×1.25 for something written today, ×1.125 at 90 days, tending to
  ×1 as it ages (1 + 0.25 × 90 / (90 + age in days)).

Each type's newest COUNT_CAP + 1 matches the member may see are read once
(`newest_matches()`): their number is the tab's count, and the CANDIDATES
newest of the types on show are ranked (`ranked()`). Matches are read newest
first and the read stops, so the cost does not grow with how many documents
mention a common word, and each match is checked for visibility once.

"Newest" sorts the same candidates by the date the thing was written, newest
first. A query of filters and operators only (no words) lists what matches,
best boosted and most recent first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from community.accounts.models import User
from community.communities.models import Community
from community.core.extensions import db
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.directory.models import Organisation, System
from community.search import kinds as _kinds  # noqa: F401  (registers the kinds)
from community.search.backends import backend
from community.search.hits import Hit
from community.search.index import GROUPS, as_utc, kinds_in, type_names
from community.search.models import SearchDocument
from community.search.query import SearchQuery, Term, parse
from community.search.result_lines import describe
from community.visibility import visible_communities_clause

SORTS = ("relevance", "newest")
SINCE = {"week": 7, "month": 31, "year": 366}
SINCE_LABELS = {"": "Any time", "week": "In the past week", "month": "In the past month",
                "year": "In the past year"}  # fmt: skip
MAX_PAGE = 15  # deep pages of a ranked list help nobody
# Each type is counted up to COUNT_CAP ("more than 1 000" beyond), and ranking
# reads the CANDIDATES most recently indexed matches the member may see: enough
# for every page that can be opened (MAX_PAGE × 20).
COUNT_CAP = 300
CANDIDATES = 300  # at most COUNT_CAP + 1: candidates are drawn from what the counts read


@dataclass(frozen=True)
class Filters:
    """The results page's filters (the query's operators are in SearchQuery)."""

    group: str | None = None
    community_id: int | None = None
    system_id: int | None = None
    organisation_id: int | None = None
    since: str | None = None
    sort: str = "relevance"

    def since_moment(self, now: datetime) -> datetime | None:
        days = SINCE.get(self.since or "")
        return now - timedelta(days=days) if days else None


def read_query(text: str | None) -> SearchQuery:
    return parse(text, type_names())


# ------------------------------------------------------------------ the query builder


def _groups(query: SearchQuery, group: str | None = None) -> list[str]:
    groups = [g for g in GROUPS if not query.types or g in query.types]
    if group:
        groups = [g for g in groups if g == group]
    return groups


def visible_clause(user, groups: list[str]) -> sa.ColumnElement[bool]:
    """The documents `user` may see, kind by kind, from the content's own tables."""
    kinds = kinds_in(groups)
    if not kinds:
        return sa.false()
    return sa.or_(*(sa.and_(SearchDocument.kind == k.name, k.visible(user)) for k in kinds))


def _named(values, *matches) -> sa.ColumnElement[bool]:
    return sa.or_(*(m(value) for value in values for m in matches))


def _operator_filters(query: SearchQuery) -> list[sa.ColumnElement[bool]]:
    clauses = []
    if query.authors:
        people = sa.select(User.id).where(_named(
            query.authors,
            lambda v: User.username == v.strip().lower().lstrip("@"),
            lambda v: sa.func.lower(User.name) == v.strip().lower(),
        ))  # fmt: skip
        clauses.append(SearchDocument.author_id.in_(people))
    if query.communities:
        communities = sa.select(Community.id).where(_named(
            query.communities,
            lambda v: Community.slug == slugify(v),
            lambda v: sa.func.lower(Community.name) == v.strip().lower(),
        ))  # fmt: skip
        clauses.append(SearchDocument.community_id.in_(communities))
    if query.systems:
        systems = sa.select(System.id).where(_named(
            query.systems,
            lambda v: System.slug == slugify(v),
            lambda v: sa.func.lower(System.name).startswith(v.strip().lower(), autoescape=True),
        ))  # fmt: skip
        clauses.append(SearchDocument.system_id.in_(systems))
    return clauses


def _filter_clauses(filters: Filters, now: datetime) -> list[sa.ColumnElement[bool]]:
    clauses = []
    if filters.community_id:
        clauses.append(SearchDocument.community_id == filters.community_id)
    if filters.system_id:
        clauses.append(SearchDocument.system_id == filters.system_id)
    if filters.organisation_id:
        clauses.append(SearchDocument.organisation_id == filters.organisation_id)
    since = filters.since_moment(now)
    if since is not None:
        clauses.append(SearchDocument.dated_at >= since)
    return clauses


def matching(
    stmt: sa.Select, user, query: SearchQuery, groups: list[str], filters: Filters | None = None,
    now: datetime | None = None, any_terms: list[Term] | None = None,
    newest: int | None = None, leave_out=None,
) -> sa.Select:  # fmt: skip
    """Restrict `stmt` (a SELECT over SearchDocument) to what matches and `user` may see.

    With `any_terms`, documents with any of those terms match,
    and with `newest` only among the newest that many documents that do
    (not counting those whose ids the SELECT `leave_out` gives).
    """
    now = now or utcnow()
    kinds = [k.name for k in kinds_in(groups)]
    stmt = stmt.where(
        SearchDocument.kind.in_(kinds or [""]),
        visible_clause(user, groups),
        *_operator_filters(query),
        *_filter_clauses(filters or Filters(), now),
    )
    if any_terms:
        return backend().match_any(stmt, any_terms, newest, kinds, leave_out)
    if query.has_text:
        return backend().match(stmt, query, kinds)
    return stmt.where(backend().leave_out(query))


# ------------------------------------------------------------------ the results page


class ResultsPage(Pagination):
    """A page of the ranked candidates (ranked in full: there are CANDIDATES at most)."""

    def _query_items(self) -> list:
        if self.page > MAX_PAGE:
            return []
        start = (self.page - 1) * self.per_page
        return self._query_args["ranked"][start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["ranked"])


@dataclass
class Results:
    query: SearchQuery
    filters: Filters
    # Per type, counted to COUNT_CAP + 1 at most: above COUNT_CAP means "more than".
    counts: dict[str, int] = field(default_factory=dict)
    page: Pagination | None = None
    hits: list[Hit] = field(default_factory=list)

    def over_cap(self, group: str | None = None) -> bool:
        """True when there are more results (of the type) than were counted."""
        if group is not None:
            return self.counts.get(group, 0) > COUNT_CAP
        return any(count > COUNT_CAP for count in self.counts.values())

    def count(self, group: str) -> int:
        return min(self.counts.get(group, 0), COUNT_CAP)

    @property
    def total(self) -> int:
        """Results of every type (a lower bound when `over_cap()`)."""
        return sum(min(count, COUNT_CAP) for count in self.counts.values())

    @property
    def shown_total(self) -> int:
        """Results of the type on show (a lower bound when `shown_over_cap`)."""
        return sum(self.count(g) for g in _groups(self.query, self.filters.group))

    @property
    def shown_over_cap(self) -> bool:
        return any(self.over_cap(g) for g in _groups(self.query, self.filters.group))

    @property
    def searched(self) -> bool:
        return self.page is not None


def newest_matches(user, query: SearchQuery, group: str, filters: Filters,
                   now: datetime) -> list[int]:  # fmt: skip
    """The ids of the newest COUNT_CAP + 1 matches of one type that `user` may see,
    newest first. Their number is the type's count (above COUNT_CAP
    means "more than COUNT_CAP": `Results.over_cap`), and they are the type's
    candidates for ranking, so each match is checked for visibility once.

    Matches are read newest first and the read stops one past the cap, so a word in
    half a million posts costs about what a rarer one does. (On SQLite the full-text
    index holds each document's kind as a word of its own, so even the 300 communities
    are read from their own matches, not by passing over every post's.)
    """
    stmt = matching(sa.select(SearchDocument.id), user, query, [group], filters, now)
    # (The order steers SQLite to read the matches newest first, and stop.)
    stmt = stmt.order_by(backend().newest_first(query.has_text)).limit(COUNT_CAP + 1)
    return list(db.session.scalars(stmt))


def ranked(query: SearchQuery, candidates: list[int], sort: str, now: datetime) -> list:
    """The candidates (document ids) best first, or newest first: each scored from its
    own document, looked up by id (visibility was checked as they were found). A
    document removed since is left out."""
    rows = backend().scored(query, candidates, now)
    if sort == "newest":
        return sorted(rows, key=lambda row: (as_utc(row.dated_at), row.id), reverse=True)
    return sorted(rows, key=lambda row: (row.score, row.id), reverse=True)


def search(user, text: str | None, filters: Filters, page: int = 1, per_page: int = 20,
           now: datetime | None = None) -> Results:  # fmt: skip
    """Search for `user`: counts per type, then one page of the chosen type.

    Asked of the database every time (nothing is kept between requests), so a
    new post is found by the next search and a hidden one is gone from it.
    """
    now = now or utcnow()
    query = read_query(text)
    if query.is_empty or not (query.wanted or query.tags or query.has_filters):
        return Results(query=query, filters=filters)
    return _search(user, query, filters, page, per_page, now)


def _search(user, query: SearchQuery, filters: Filters, page: int, per_page: int,
            now: datetime) -> Results:  # fmt: skip
    results = Results(query=query, filters=filters)
    # (One statement per type: SQLite took far longer for all in one.)
    found = {group: newest_matches(user, query, group, filters, now) for group in _groups(query)}
    results.counts = {group: len(rows) for group, rows in found.items()}
    # The CANDIDATES most recently indexed matches of the types on show.
    shown = [id_ for group in _groups(query, filters.group) for id_ in found[group]]
    candidates = sorted(shown, reverse=True)[:CANDIDATES]
    results.page = ResultsPage(page=page, per_page=per_page, error_out=False,
                               ranked=ranked(query, candidates, filters.sort, now))  # fmt: skip
    results.hits = describe(query, results.page.items, user)
    return results


# ------------------------------------------------------------------ filter choices


def community_choices(user, limit: int = 300) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Community.id, Community.name)
        .where(visible_communities_clause(user))
        .order_by(Community.name)
        .limit(limit)
    )
    return [tuple(row) for row in rows]


def organisation_choices(system_id: int | None) -> list[tuple[int, str]]:
    if not system_id:
        return []
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name)
        .where(Organisation.system_id == system_id)
        .order_by(Organisation.name)
    )
    return [tuple(row) for row in rows]
