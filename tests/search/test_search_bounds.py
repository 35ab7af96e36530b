"""Counting to a cap and ranking a bounded set of candidates, still permission-aware.

At scale each tab counts to `COUNT_CAP` at most and Best match ranks the
`CANDIDATES` most recently indexed matches the member may see. These tests make
both bounds tiny so a handful of posts crosses them, and check that what the
member cannot open never fills a count or a candidate place.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import (
    add_member,
    counts,
    found,
    index_everyone,
    make_community,
    reply,
    search_as,
    start_thread,
)
from helpers import page_text

from community.core.extensions import db as _db
from community.search import services


@pytest.fixture
def bounded(monkeypatch):
    """Tiny bounds: each type's matches are read newest first, three and one more."""
    monkeypatch.setattr(services, "COUNT_CAP", 3)
    monkeypatch.setattr(services, "CANDIDATES", 3)


@pytest.fixture
def crowded(db, admin, fran, insider, outsider):
    """An old open thread about numbats, then newer numbat threads in a private community.

    The private threads have "numbat" in their titles (ten times a body word), so
    they rank far above the open thread, which mentions it once in its body.
    """
    open_one = make_community(fran, "Open pharmacy group")
    private = make_community(fran, "Secret pharmacy circle", private=True)
    add_member(private, insider, fran)
    public = start_thread(fran, open_one, "Medicines review", "A word on the numbat rota.")
    secret = [
        start_thread(fran, private, f"Numbat numbat audit {n}", "Numbat numbat numbat.")
        for n in range(6)
    ]
    index_everyone()
    return {"outsider": outsider, "insider": insider, "public": public, "secret": secret,
            "fran": fran, "admin": admin}  # fmt: skip


def test_private_matches_never_fill_the_capped_count(crowded, bounded):
    assert counts(crowded["outsider"], "numbat")["discussions"] == 1
    results = search_as(crowded["outsider"], "numbat")
    assert not results.over_cap() and results.total == 1


def test_a_member_who_may_see_more_than_the_cap_is_told_so(crowded, bounded, auth):
    results = search_as(crowded["insider"], "numbat")
    assert results.over_cap("discussions") and results.count("discussions") == 3
    assert results.page.total == 3  # the candidates, all that can be paged through
    text = page_text(auth.as_user(crowded["insider"]).get("/search?q=numbat"))
    assert "Discussions (more than 3)" in text and "All (more than 3)" in text
    assert "of more than 3 results" in text
    assert "Only the 3 most recent results are sorted and shown" in text


def test_the_top_result_is_the_best_visible_one_when_invisible_ones_rank_higher(crowded, bounded):
    public = crowded["public"]
    assert found(crowded["outsider"], "numbat") == [("thread", public.id)]
    # The insider's candidates are the three newest private threads, best first.
    newest = [t.id for t in crowded["secret"][-3:]]
    assert sorted(i for _, i in found(crowded["insider"], "numbat")) == sorted(newest)


def test_below_the_cap_counts_and_rankings_are_exact(crowded, monkeypatch):
    monkeypatch.setattr(services, "COUNT_CAP", 100)
    monkeypatch.setattr(services, "CANDIDATES", 100)
    insider = search_as(crowded["insider"], "numbat")
    assert insider.counts["discussions"] == 7 and not insider.over_cap()
    assert [h.object_id for h in insider.hits][-1] == crowded["public"].id  # lowest ranked


def test_a_type_with_few_documents_is_counted_from_its_own_matches(crowded):
    reply(crowded["fran"], crowded["public"], "Numbat numbat reply.")
    make_community(crowded["fran"], "Numbat watchers")
    make_community(crowded["fran"], "Numbat keepers", private=True)
    index_everyone()
    by_type = counts(crowded["outsider"], "numbat")
    assert by_type["discussions"] == 2 and by_type["communities"] == 1
    assert counts(crowded["insider"], "numbat")["discussions"] == 8


def test_a_phrase_counts_a_type_with_few_documents_from_its_matches(crowded):
    watchers = make_community(crowded["fran"], "Numbat watchers")
    make_community(crowded["fran"], "Watchers of the numbat")
    make_community(crowded["fran"], "Numbat watchers club", private=True)
    index_everyone()
    assert counts(crowded["outsider"], '"numbat watchers"')["communities"] == 1
    assert found(crowded["outsider"], '"numbat watchers" type:communities') == [
        ("community", watchers.id)
    ]


# ------------------------------------------------------------------ phrases, within a window


def _phrase_finds(monkeypatch, window: int) -> list[int]:
    """Posts with "process mapping", among the newest one that has it, looking back over the
    newest `window` posts that hold both words anywhere (SQLite's bound on phrases)."""
    from community.search.backends import backend, sqlite_fts
    from community.search.models import SearchDocument
    from community.search.query import Term

    monkeypatch.setattr(sqlite_fts, "PHRASE_WINDOW", window)
    stmt = backend().match_any(
        sa.select(SearchDocument.object_id), [Term("process mapping", phrase=True)],
        newest=1, kinds=["post"],
    )  # fmt: skip
    return list(_db.session.scalars(stmt))


def test_a_phrase_is_looked_for_among_the_newest_documents_with_its_words(db, monkeypatch):
    from community.core.timefmt import utcnow
    from community.search.index import index_document

    texts = ["Our process mapping day.", "Mapping the discharge process.",
             "A process, then mapping.", "The process of mapping."]  # fmt: skip
    for number, text in enumerate(texts, start=1):  # the phrase only in the oldest
        index_document("post", number, title="", body=text, dated_at=utcnow())
    db.session.commit()
    assert _phrase_finds(monkeypatch, window=4) == [1]  # four posts back: found
    if db.engine.dialect.name == "sqlite":  # PostgreSQL reads a phrase from its index
        assert _phrase_finds(monkeypatch, window=3) == []  # three back: beyond the window
