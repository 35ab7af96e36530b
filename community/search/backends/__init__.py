"""The dialect-specific half of search, chosen from the database in use.

Both backends answer the same questions about a parsed `SearchQuery`:

* `match(stmt, query, kinds)`: restrict a SELECT over `search_documents` to the
  rows whose text matches; `kinds` lets an engine that can read one kind's
  matches alone do so;
* `scored(query, ids, now)`: the documents `ids` (the candidates), each with its
  score: text relevance × boost × recency, costing only those rows;
* `match_any(stmt, terms, newest, kinds)` and `match_newest(stmt, query, newest,
  kinds)`: any of the words, or the query, among only the newest `newest`
  matching documents of those kinds (for the expertise finder and "who else
  is working on this": a bounded cost however common the word);
* `leave_out(query)`: a clause for queries with only excluded words and filters;
* `newest_first(has_text)`: the ordering of the most recently indexed matches
  first, which each engine can follow without ranking every match;
* `highlights(query, ids)`: title, snippet and tags of a page of results with
  the matched words between HIGHLIGHT_START and HIGHLIGHT_END markers;
* `problems()` and `optimise()`: the full-text index's own health and upkeep.

User text only ever reaches the database as bound parameters, inside syntax
the backend builds itself (FTS5 strings quoted term by term; tsqueries made by
plainto_tsquery/phraseto_tsquery, and prefixes from letters and digits only).
"""

from __future__ import annotations

from community.core.extensions import db


def backend():
    if db.engine.dialect.name == "postgresql":
        from community.search.backends import postgres_fts

        return postgres_fts
    from community.search.backends import sqlite_fts

    return sqlite_fts
