"""Result lines: what each row of a page of results shows, with the matched words marked."""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import Markup, escape

from community.core.extensions import db
from community.search.backends import backend
from community.search.hits import Hit
from community.search.index import KINDS
from community.search.models import SearchDocument
from community.search.query import HIGHLIGHT_END, HIGHLIGHT_START, SearchQuery

LEAD_LENGTH = 240
_MARKERS = re.compile(f"([{HIGHLIGHT_START}{HIGHLIGHT_END}])")


def marked(text: str) -> Markup:
    """Escape everything, then turn the highlight markers (and only them) into <mark>.

    The markers are private-use characters the index never holds (they are
    stripped from all indexed text), so member-written text cannot open or
    close a <mark>; unpaired markers are closed or dropped.
    """
    out: list[Markup] = []
    inside = False
    for piece in _MARKERS.split(text):
        if piece == HIGHLIGHT_START:
            if not inside:
                out.append(Markup("<mark>"))
            inside = True
        elif piece == HIGHLIGHT_END:
            if inside:
                out.append(Markup("</mark>"))
            inside = False
        else:
            out.append(escape(piece))
    if inside:
        out.append(Markup("</mark>"))
    return Markup("").join(out)


def describe(query: SearchQuery, rows, viewer=None) -> list[Hit]:
    """Result lines for `viewer`, for a page of (id, kind, object_id) rows, in the same order."""
    by_kind: dict[str, list[int]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row.object_id)
    described = {kind: KINDS[kind].describe(ids, viewer) for kind, ids in by_kind.items()}
    ids = [row.id for row in rows]
    marks = backend().highlights(query, ids) if query.has_text else {}
    leads = dict(
        db.session.execute(
            sa.select(SearchDocument.id, sa.func.substr(SearchDocument.body, 1, LEAD_LENGTH))
            .where(SearchDocument.id.in_(ids))
        ).all()
    ) if ids else {}  # fmt: skip
    hits = []
    for row in rows:
        hit = described[row.kind].get(row.object_id)
        if hit is None:  # removed between the two queries
            continue
        hit.kind, hit.object_id = row.kind, row.object_id
        title, snippet, tags = marks.get(row.id, ("", "", ""))
        if HIGHLIGHT_START in title and row.kind != "post":
            hit.title_html = marked(title)
        if HIGHLIGHT_START in snippet:
            hit.snippet_html = marked(snippet)
        if HIGHLIGHT_START in tags:
            hit.tags_html = marked(tags)
        lead = leads.get(row.id) or ""
        hit.lead = lead + ("…" if len(lead) >= LEAD_LENGTH else "")
        hits.append(hit)
    return hits
