"""PostgreSQL: tsqueries made from each term, ts_rank relevance, ts_headline highlights.

The generated `search_vector` weights the title A, tags B and body D, and
relevance is ``ts_rank('{0.1, 0.2, 0.4, 1.0}', search_vector, query, 1)``: a
title match counts ten times a body match and a tag four times, as on SQLite,
divided by 1 + the log of the document's length.
"""

from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from community.core.extensions import db
from community.search.backends.sqlite_fts import AVERAGE_BODY, LENGTH_DISCOUNT
from community.search.hits import Scored
from community.search.models import SearchDocument
from community.search.query import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery, Term

VECTOR = sa.literal_column("search_documents.search_vector", TSVECTOR)
CONFIG = sa.literal("english", REGCONFIG)
WEIGHTS = sa.literal_column("'{0.1, 0.2, 0.4, 1.0}'::float4[]")  # D, C, B, A
RECENT_DAYS = 90.0
RECENT_BOOST = 0.25
HEADLINE = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=35, MinWords=15, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
HIGHLIGHT_ALL = f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, HighlightAll=true"
_RUN = re.compile(r"[^\W_]+")


def _and(queries: list[sa.ColumnElement]) -> sa.ColumnElement:
    combined = queries[0]
    for query in queries[1:]:
        combined = sa.func.tsquery_and(combined, query, type_=TSQUERY)
    return combined


def _or(queries: list[sa.ColumnElement]) -> sa.ColumnElement:
    combined = queries[0]
    for query in queries[1:]:
        combined = sa.func.tsquery_or(combined, query, type_=TSQUERY)
    return combined


def term_query(term: Term) -> sa.ColumnElement:
    if term.prefix:
        # Only letters and digits reach to_tsquery, so its syntax is never in play.
        runs = _RUN.findall(term.text.lower())
        parts = [sa.func.plainto_tsquery(CONFIG, run, type_=TSQUERY) for run in runs[:-1]]
        parts.append(sa.func.to_tsquery(CONFIG, f"'{runs[-1]}':*", type_=TSQUERY))
        return _and(parts)
    if term.phrase:
        return sa.func.phraseto_tsquery(CONFIG, term.text, type_=TSQUERY)
    return sa.func.plainto_tsquery(CONFIG, term.text, type_=TSQUERY)


def _tag_query(tag: str) -> sa.ColumnElement:
    return sa.func.phraseto_tsquery(CONFIG, tag, type_=TSQUERY)


def tsquery(query: SearchQuery) -> sa.ColumnElement | None:
    wanted = [term_query(t) for t in query.wanted] + [_tag_query(tag) for tag in query.tags]
    if not wanted:
        return None
    combined = _and(wanted)
    for term in query.excluded:
        combined = sa.func.tsquery_and(
            combined, sa.func.tsquery_not(term_query(term), type_=TSQUERY), type_=TSQUERY
        )
    return combined


def _matches(tsq: sa.ColumnElement) -> sa.ColumnElement[bool]:
    return VECTOR.op("@@")(tsq)


def match(stmt: sa.Select, query: SearchQuery, kinds=()) -> sa.Select:
    """(`kinds` is for SQLite's index: here the caller's filter on the kind is enough.)"""
    stmt = stmt.where(_matches(tsquery(query)))
    for tag in query.tags:  # tags must match in the tags column itself (weight B)
        stmt = stmt.where(
            sa.func.ts_filter(VECTOR, sa.literal_column("'{b}'::\"char\"[]")).op("@@")(
                _tag_query(tag)
            )
        )
    return stmt


def relevance(query: SearchQuery) -> sa.ColumnElement:
    """ts_rank with the weights (more mentions count for more, each a little less), a
    long body's discounted by its length as on SQLite (BM25's b against a body of
    AVERAGE_BODY characters): read from each ranked row's own tsvector (PostgreSQL keeps
    no statistics across documents for it). ts_rank's own length normalisations count
    distinct words, which let one mention in a short reply beat three in a longer one."""
    length_norm = (
        1.0
        - LENGTH_DISCOUNT
        + LENGTH_DISCOUNT * (sa.func.char_length(SearchDocument.body) / AVERAGE_BODY)
    )
    return sa.func.ts_rank(WEIGHTS, VECTOR, tsquery(query), 0) / length_norm


def newest_first(has_text: bool) -> sa.ColumnElement:
    """Newest documents first (the most recently indexed: the highest ids)."""
    return SearchDocument.id.desc()


def match_any(
    stmt: sa.Select, terms: list[Term], newest: int | None = None, kinds=(), leave_out=None
) -> sa.Select:
    """Documents with any of the terms; with `newest`, only among the newest that many
    of `kinds` (not counting the documents whose ids `leave_out`, a SELECT, gives)."""
    if not terms:
        return stmt.where(sa.false())
    condition = _matches(_or([term_query(t) for t in terms]))
    if newest is None:
        return stmt.where(condition)
    return _newest(stmt, condition, newest, kinds, leave_out)


def match_newest(stmt: sa.Select, query: SearchQuery, newest: int, kinds=()) -> sa.Select:
    """Documents matching the query, only among the newest `newest` of `kinds` that do."""
    tsq = tsquery(query)
    if tsq is None:
        return stmt.where(sa.false())
    condition = match(sa.select(SearchDocument.id), query).whereclause
    return _newest(stmt, condition, newest, kinds)


def _newest(stmt: sa.Select, condition, newest: int, kinds, leave_out=None) -> sa.Select:
    recent = sa.select(SearchDocument.id).where(condition, SearchDocument.kind.in_(kinds))
    if leave_out is not None:
        recent = recent.where(SearchDocument.id.not_in(leave_out.correlate(None)))
    recent = recent.order_by(SearchDocument.id.desc()).limit(newest).correlate(None)
    return stmt.where(SearchDocument.id.in_(recent))


def leave_out(query: SearchQuery) -> sa.ColumnElement[bool]:
    if not query.excluded:
        return sa.true()
    return sa.not_(_matches(_or([term_query(t) for t in query.excluded])))


def recency(now: datetime) -> sa.ColumnElement:
    """1.25 for something written today, 1.125 at 90 days, towards 1 as it ages."""
    seconds = sa.func.extract("epoch", sa.literal(now) - SearchDocument.dated_at)
    age = sa.func.greatest(0.0, seconds / 86400.0)
    return 1.0 + RECENT_BOOST * RECENT_DAYS / (RECENT_DAYS + age)


def scored(query: SearchQuery, ids: list[int], now: datetime) -> list[Scored]:
    """The documents `ids`, each with its score (relevance × boost × recency), worked out
    from its own row: a few hundred candidates, read by id."""
    if not ids:
        return []
    rank = relevance(query) if query.has_text else 1.0
    score = rank * SearchDocument.boost * recency(now)
    rows = db.session.execute(
        sa.select(SearchDocument.id, SearchDocument.kind, SearchDocument.object_id,
                  SearchDocument.dated_at, score)
        .where(SearchDocument.id.in_(ids))
    )  # fmt: skip
    return [Scored(*row) for row in rows]


def highlights(query: SearchQuery, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """(title, snippet of the body, tags) with matches marked, for a page of results."""
    tsq = tsquery(query)
    if not ids or tsq is None:
        return {}
    rows = db.session.execute(
        sa.select(
            SearchDocument.id,
            sa.func.ts_headline(CONFIG, SearchDocument.title, tsq, HIGHLIGHT_ALL),
            sa.func.ts_headline(CONFIG, SearchDocument.body, tsq, HEADLINE),
            sa.func.ts_headline(CONFIG, SearchDocument.tags, tsq, HIGHLIGHT_ALL),
        ).where(SearchDocument.id.in_(ids))
    )
    return {row[0]: (row[1] or "", row[2] or "", row[3] or "") for row in rows}


def problems() -> list[str]:
    """The tsvector is generated by PostgreSQL from the row itself: it cannot drift."""
    return []


def rebuild() -> None:
    """Nothing to rebuild: the generated column is recomputed on every write."""


def optimise() -> None:
    db.session.execute(sa.text("ANALYZE search_documents"))
