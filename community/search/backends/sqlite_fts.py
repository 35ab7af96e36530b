"""SQLite FTS5: MATCH strings built term by term, BM25-shaped relevance, snippet() highlights.

Relevance (`relevance`) has BM25's shape, mentions saturating and a long body
discounted, with a word in a title counting ten times one in a body and a
tag four times, but none of bm25()'s statistics pass (see `relevance`).

The index also holds each document's kind (migrations 0015 and 0032), as a word
no text holds (`kind_token`), so a search for one type asks FTS5 for that type's
matches alone: `"discharge"` in people reads the people who mention it, not the
half-million posts that do too. A member's words are only ever matched in the
title, body and tags (`fts_query`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa

from community.core.extensions import db
from community.search.hits import Scored
from community.search.index import as_utc
from community.search.models import SearchDocument
from community.search.query import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery, Term

FTS = sa.table(
    "search_fts",
    sa.column("rowid", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("body", sa.Text),
    sa.column("tags", sa.Text),
    sa.column("kind_token", sa.Text),
)
_FTS_NAME = sa.literal_column("search_fts")
WEIGHTS = (10.0, 1.0, 4.0, 0.0)  # title, body, tags, and the kind's word (ranks nothing)
SNIPPET_TOKENS = 32
RECENT_DAYS = 90.0
RECENT_BOOST = 0.25


def quoted(text: str) -> str:
    """An FTS5 string: the tokenizer reads it, the query parser never does."""
    return '"' + text.replace('"', '""') + '"'


def term_string(term: Term) -> str:
    return quoted(term.text) + (" *" if term.prefix else "")


def match_string(query: SearchQuery) -> str | None:
    wanted = [term_string(t) for t in query.wanted]
    wanted += [f"tags : {quoted(tag)}" for tag in query.tags]
    if not wanted:
        return None
    expression = "(" + " AND ".join(wanted) + ")"
    for term in query.excluded:
        expression += " NOT " + term_string(term)
    return expression


def any_string(terms: list[Term]) -> str | None:
    """Documents with any of the terms (for "who else is working on this")."""
    return " OR ".join(term_string(t) for t in terms) or None


# The index holds each document's kind as a word no text holds, "xkind" and the kind
# (a generated column of search_documents, migration 0032): a search of one type names
# those words without naming a column, which FTS5 would check match by match.
KIND_TOKEN_PREFIX = "xkind"  # noqa: S105  (a word, not a secret)


def kind_token(kind: str) -> str:
    return KIND_TOKEN_PREFIX + kind


_QUOTED = re.compile(r'"((?:[^"]|"")*)"( \*)?')


def _plain(text: str) -> str:
    """Lower case without accents, as the tokenizer reads it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def may_match_a_kind(expression: str) -> bool:
    """Whether a word in `expression` (user text is only ever in its quoted strings)
    might match a kind's word, as "xkindpost" or "x*" would. Cautious: stemming only
    trims endings, so a word that could become a kind's word starts as they all do."""
    for text, star in _QUOTED.findall(expression):
        words = re.findall(r"\w+", _plain(text))
        for position, word in enumerate(words):
            prefix = star and position == len(words) - 1
            if word.startswith(KIND_TOKEN_PREFIX) or (
                prefix and KIND_TOKEN_PREFIX.startswith(word)
            ):
                return True
    return False


def fts_query(expression: str, kinds=()) -> str:
    """What is given to MATCH: `expression`, kept to the text columns when one of its
    words might match a kind's word (a member's "xkindperson" must not find every
    person), and of one of `kinds`: FTS5 then skips the other kinds' matches by its
    own lists rather than handing each to SQLite to be turned down (a search of
    discussions passed over every newer person and method that mentions the word).
    (Keeping to columns costs FTS5 a read of each match's positions, so only then.)"""
    text = expression
    if may_match_a_kind(expression):
        text = "{title body tags} : (" + expression + ")"
    if not kinds:
        return text
    return "(" + text + ") AND (" + " OR ".join(quoted(kind_token(k)) for k in kinds) + ")"


def _matches(expression: str, kinds=()) -> sa.ColumnElement[bool]:
    built = fts_query(expression, kinds)
    return _FTS_NAME.op("MATCH")(sa.bindparam("fts_query", built, unique=True))


def match(stmt: sa.Select, query: SearchQuery, kinds=()) -> sa.Select:
    return match_expression(stmt, match_string(query), kinds)


def match_expression(stmt: sa.Select, expression: str, kinds=()) -> sa.Select:
    return stmt.join(FTS, FTS.c.rowid == SearchDocument.id).where(_matches(expression, kinds))


# BM25's saturation: a second mention adds less than the first, a tenth hardly any.
K1 = 1.2
# How much a long body's mentions are discounted (BM25's b), against a body of
# AVERAGE_BODY characters (about a reply's length at the benchmark's scale).
LENGTH_DISCOUNT = 0.75
AVERAGE_BODY = 1000.0


def needle(text: str) -> str:
    """What a term's mentions are counted by: its lower-case letters, a plain word's
    ending trimmed the way stemming roughly would ("delays" counts "delayed" too)."""
    words = re.findall(r"\w+", _plain(text))
    if len(words) != 1:
        return " ".join(words)  # a phrase, counted as written
    word = words[0]
    return word[: max(4, len(word) - 3)]


def _saturated(count: float, length_norm: float = 1.0) -> float:
    return count * (K1 + 1.0) / (count + K1 * length_norm)


def relevance(needles: tuple[list[str], list[str]], title: str, body: str, tags: str) -> float:
    """BM25's shape without its statistics pass: each word's mentions in each column
    (its `needle` found in the lower-case text; `needles`: the words' and the tags'),
    saturating, weighted as WEIGHTS (title ×10, body ×1, tags ×4), a long body's
    discounted by its length; at least one body mention's worth (every candidate
    matched, if only by a form of the word `needle` does not catch).

    SQLite's bm25() first reads every document holding each word, for its idf:
    for a word in half a million posts, that pass cost 15–60 ms a search. Every
    candidate holds every word, so idf would only weigh one word's mentions
    against another's: without it, the cost is the candidates' own text, counted
    here (in SQL, lower() and replace() over 300 bodies cost about 15 ms a search).
    """
    title, body, tags = title.lower(), body.lower(), tags.lower()
    length_norm = 1.0 - LENGTH_DISCOUNT + LENGTH_DISCOUNT * (len(body) / AVERAGE_BODY)
    words, tag_words = needles
    total = 0.0
    for text in words:
        total += WEIGHTS[0] * _saturated(title.count(text))
        total += WEIGHTS[1] * _saturated(body.count(text), length_norm)
        total += WEIGHTS[2] * _saturated(tags.count(text))
    for text in tag_words:
        total += WEIGHTS[2] * _saturated(tags.count(text))
    return max(total, _saturated(1.0, length_norm))


def needles(query: SearchQuery) -> tuple[list[str], list[str]]:
    """The needles of the query's words and of its tags (`relevance`)."""
    words = [text for term in query.wanted if (text := needle(term.text))]
    return words, [text for tag in query.tags if (text := needle(tag))]


def recency(now: datetime, dated_at: datetime) -> float:
    """1.25 for something written today, 1.125 at 90 days, towards 1 as it ages (both
    moments naive UTC)."""
    age = max(0.0, (now - as_utc(dated_at)).total_seconds() / 86400.0)
    return 1.0 + RECENT_BOOST * RECENT_DAYS / (RECENT_DAYS + age)


def scored(query: SearchQuery, ids: list[int], now: datetime) -> list[Scored]:
    """The documents `ids`, each with its score (relevance × boost × recency), worked out
    from its own row: a few hundred candidates, read by id."""
    if not ids:
        return []
    columns = [SearchDocument.id, SearchDocument.kind, SearchDocument.object_id,
               SearchDocument.dated_at, SearchDocument.boost]  # fmt: skip
    if query.has_text:
        columns += [SearchDocument.title, SearchDocument.body, SearchDocument.tags]
    rows = db.session.execute(sa.select(*columns).where(SearchDocument.id.in_(ids))).all()
    now, found = as_utc(now), needles(query)
    return [
        Scored(id_, kind, object_id, dated_at,
               (relevance(found, *text) if text else 1.0) * boost * recency(now, dated_at))
        for id_, kind, object_id, dated_at, boost, *text in rows
    ]  # fmt: skip


def newest_first(has_text: bool) -> sa.ColumnElement:
    """Newest documents first, in the order FTS5 reads its own lists (so SQLite can
    start from the matches and stop early, rather than sort every one).

    Without words, `id + 0`: so SQLite finds the documents by their filters'
    indexes and sorts those, rather than walking every document newest first.
    """
    return FTS.c.rowid.desc() if has_text else (SearchDocument.id + 0).desc()


def match_any(
    stmt: sa.Select, terms: list[Term], newest: int | None = None, kinds=(), leave_out=None
) -> sa.Select:
    """Documents with any of the terms; with `newest`, only among the newest that many
    of `kinds` (not counting the documents whose ids `leave_out`, a SELECT, gives)."""
    expression = any_string(terms)
    if expression is None:
        return stmt.where(sa.false())
    if newest is None:
        return match_expression(stmt, expression, kinds)
    return _newest(stmt, expression, newest, kinds, leave_out, loose_string(terms))


# A phrase is looked for among the newest PHRASE_WINDOW × `newest` documents that
# hold all its words (anywhere), not further back.
PHRASE_WINDOW = 5


def loose_string(terms: list[Term]) -> str | None:
    """Each term's words, anywhere in a document: what FTS5 finds from its document
    lists alone. None when no term is a phrase of several words (nothing looser)."""
    parts, looser = [], False
    for term in terms:
        words = re.findall(r"\w+", term.text)
        if term.phrase and not term.prefix and len(words) > 1:
            parts.append("(" + " AND ".join(quoted(word) for word in words) + ")")
            looser = True
        else:
            parts.append(term_string(term))
    return " OR ".join(parts) if looser else None


def match_newest(stmt: sa.Select, query: SearchQuery, newest: int, kinds=()) -> sa.Select:
    """Documents matching the query, only among the newest `newest` of `kinds` that do."""
    expression = match_string(query)
    if expression is None:
        return stmt.where(sa.false())
    return _newest(stmt, expression, newest, kinds)


def _newest(stmt: sa.Select, expression: str, newest: int, kinds, leave_out=None,
            loose: str | None = None) -> sa.Select:  # fmt: skip
    """FTS5 walks its document lists newest first and stops after `newest`, so the
    cost does not grow with how many documents mention a common word.

    With phrases (`loose`: their words anywhere), FTS5 would check the positions
    in every document holding all of a phrase's words, newest first, until it
    found `newest` (200 ms for "process mapping" in posts, which hold "process"
    and "mapping" apart in thousands): so phrases are only looked for among the
    newest PHRASE_WINDOW × `newest` documents with their words, read oldest
    first from there (FTS5 reads a phrase within a range far faster that way).
    """
    document = sa.orm.aliased(SearchDocument)
    recent = (
        sa.select(FTS.c.rowid)
        .join(document, document.id == FTS.c.rowid)
        .where(_matches(expression, kinds), document.kind.in_(kinds))
    )
    if leave_out is not None:
        recent = recent.where(FTS.c.rowid.not_in(leave_out.correlate(None)))
    newest_first = FTS.c.rowid.desc()
    if loose is not None:
        window = (
            sa.select(FTS.c.rowid.label("rowid")).where(_matches(loose, kinds))
            .order_by(FTS.c.rowid.desc()).limit(newest * PHRASE_WINDOW).subquery("phrase_window")
        )  # fmt: skip
        oldest = sa.select(sa.func.min(window.c.rowid)).scalar_subquery()
        recent = recent.where(FTS.c.rowid >= oldest)
        newest_first = (FTS.c.rowid + 0).desc()  # (sorted: FTS5 reads the range in its own order)
    # Joined, not `id IN (…)`: so SQLite starts from these few documents rather
    # than from every document of the kinds, checking who may see each.
    recent = recent.order_by(newest_first).limit(newest).subquery("recent_matches")
    return stmt.join(recent, recent.c.rowid == SearchDocument.id)


def leave_out(query: SearchQuery) -> sa.ColumnElement[bool]:
    if not query.excluded:
        return sa.true()
    expression = " OR ".join(term_string(t) for t in query.excluded)
    return SearchDocument.id.not_in(sa.select(FTS.c.rowid).where(_matches(expression)))


def highlights(query: SearchQuery, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """(title, snippet of the body, tags) with matches marked, for a page of results."""
    expression = match_string(query)
    if not ids or expression is None:
        return {}
    marks = (HIGHLIGHT_START, HIGHLIGHT_END)
    rows = db.session.execute(
        sa.select(
            FTS.c.rowid,
            sa.func.highlight(_FTS_NAME, 0, *marks),
            sa.func.snippet(_FTS_NAME, 1, *marks, "…", SNIPPET_TOKENS),
            sa.func.highlight(_FTS_NAME, 2, *marks),
        ).where(_matches(expression), FTS.c.rowid.in_(ids))
    )
    return {row[0]: (row[1] or "", row[2] or "", row[3] or "") for row in rows}


def problems() -> list[str]:
    """What FTS5's own integrity check finds wrong between the index and search_documents."""
    try:
        with db.session.begin_nested():
            db.session.execute(
                sa.text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
            )
    except sa.exc.DatabaseError as error:
        return [f"The full-text index does not match search_documents: {error.orig}"]
    return []


def rebuild() -> None:
    """Rebuild the FTS5 index from search_documents (after a crash or a bulk load)."""
    db.session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))


def optimise() -> None:
    db.session.execute(sa.text("INSERT INTO search_fts(search_fts) VALUES ('optimize')"))
