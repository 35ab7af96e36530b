"""The query language: each feature, and hostile input that must never raise."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community.search.backends import sqlite_fts
from community.search.query import HIGHLIGHT_END, HIGHLIGHT_START, Term, parse
from community.search.result_lines import marked

TYPES = {
    "discussions": "discussions",
    "thread": "discussions",
    "people": "people",
    "person": "people",
    "communities": "communities",
}


def test_plain_words_must_all_match():
    query = parse("discharge delays", TYPES)
    assert query.terms == (Term("discharge"), Term("delays"))
    assert sqlite_fts.match_string(query) == '("discharge" AND "delays")'


def test_quoted_phrase_keeps_its_words_together():
    query = parse('"board round" huddle', TYPES)
    assert query.terms == (Term("board round", phrase=True), Term("huddle"))


def test_smart_quotes_make_a_phrase_too():
    assert parse("\u201cboard round\u201d", TYPES).terms == (Term("board round", phrase=True),)


def test_minus_leaves_out_a_word_or_a_phrase():
    query = parse('falls -hospital -"night shift"', TYPES)
    assert query.wanted == (Term("falls"),)
    assert query.excluded == (
        Term("hospital", excluded=True),
        Term("night shift", phrase=True, excluded=True),
    )
    assert sqlite_fts.match_string(query) == '("falls") NOT "hospital" NOT "night shift"'


def test_a_hyphen_inside_a_word_is_not_an_exclusion():
    assert parse("co-design", TYPES).terms == (Term("co-design"),)


def test_star_matches_the_start_of_words():
    query = parse("frail*", TYPES)
    assert query.terms == (Term("frail", prefix=True),)
    assert sqlite_fts.match_string(query) == '("frail" *)'


def test_a_star_after_one_letter_is_read_as_a_word():
    query = parse("a*", TYPES)
    assert query.terms == (Term("a"),)
    assert query.notes


def test_operators_are_read_with_plain_and_quoted_values():
    query = parse('tag:lean tag:"process mapping" author:@sam-patel in:falls system:Coastal', TYPES)
    assert query.tags == ("lean", "process mapping")
    assert query.authors == ("@sam-patel",)
    assert query.communities == ("falls",)
    assert query.systems == ("Coastal",)
    assert query.terms == ()
    assert sqlite_fts.match_string(query) == '(tags : "lean" AND tags : "process mapping")'


def test_operator_names_are_not_case_sensitive():
    assert parse("TAG:lean In:falls", TYPES).tags == ("lean",)


def test_type_accepts_names_and_singulars():
    assert parse("type:people", TYPES).types == ("people",)
    assert parse("type:thread", TYPES).types == ("discussions",)


def test_an_unknown_type_is_read_as_a_word_with_a_note():
    query = parse("type:widgets", TYPES)
    assert query.types == ()
    assert query.terms == (Term("widgets"),)
    assert "type:widgets" in query.notes[0]


def test_an_operator_without_a_value_is_a_plain_word():
    assert parse("tag:", TYPES).terms == (Term("tag"),)
    assert parse('in:""', TYPES).terms == (Term("in"),)


def test_unknown_operators_are_plain_text():
    query = parse("foo:bar", TYPES)
    assert query.terms == (Term("foo:bar"),)
    assert not query.has_filters


def test_an_unbalanced_quote_is_read_as_plain_text():
    query = parse('"board round', TYPES)
    assert query.terms == (Term("board"), Term("round"))
    assert query.notes == ("A quote mark without its pair was read as plain text.",)


def test_engine_syntax_is_only_ever_text():
    query = parse("NEAR(a b) AND OR NOT ^x {title}:y col:z", TYPES)
    built = sqlite_fts.match_string(query)
    # Every piece of user text sits inside a quoted FTS5 string.
    assert built.startswith('("NEAR(a" AND "b)" AND "AND" AND "OR" AND "NOT" AND "^x"')


def test_only_excluded_words_asks_for_something_to_find():
    query = parse("-lean", TYPES)
    assert query.is_empty  # nothing is searched: leaving out is not finding
    assert not query.wanted and query.excluded
    assert "Add a word" in query.notes[0]


def test_punctuation_alone_finds_nothing_and_says_nothing():
    for text in ("", "   ", "-", "*", '""', "---", "!!!", "+-*/"):
        query = parse(text, TYPES)
        assert query.terms == () and query.is_empty


def test_queries_are_bounded():
    query = parse(" ".join(f"word{i}" for i in range(200)), TYPES)
    assert len(query.terms) == 16
    assert len(parse("x" * 5000, TYPES).raw) == 400


def test_highlight_markers_typed_in_a_query_are_removed():
    query = parse(f"a{HIGHLIGHT_START}b{HIGHLIGHT_END}c", TYPES)
    assert all(HIGHLIGHT_START not in t.text and HIGHLIGHT_END not in t.text for t in query.terms)


def test_marked_escapes_everything_but_its_own_marks():
    html = marked(f'<script>alert("x")</script> {HIGHLIGHT_START}discharge{HIGHLIGHT_END} & more')
    assert str(html) == (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <mark>discharge</mark> &amp; more"
    )


def test_marked_closes_an_unpaired_mark_and_drops_a_stray_end():
    assert str(marked(f"a {HIGHLIGHT_END}b {HIGHLIGHT_START}c")) == "a b <mark>c</mark>"


# ------------------------------------------------------------------ hostile input

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(
        alphabet=st.sampled_from(list("\"-*:()^{}+~@#\\/'\u201c\u201d tagauthorinsystem:")),
        max_size=80,
    ),
    st.lists(
        st.sampled_from(
            [
                '"',
                "-",
                "*",
                "tag:",
                "in:",
                "type:",
                "author:",
                "system:",
                "NEAR(",
                "AND",
                "OR",
                "NOT",
                "^",
                "{title}:",
                "lean",
                "x*",
                "\x00",
                "\ue000",
                "'",
                "\\",
                ":*",
                "!!",
                "&",
                "|",
            ]
        ),
        max_size=20,
    ).map(" ".join),
)


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_the_parser_never_raises_and_every_term_is_searchable(text):
    query = parse(text, TYPES)
    for term in query.terms:
        assert term.text.strip() and any(ch.isalnum() for ch in term.text)
        assert '"' not in term.text
        assert HIGHLIGHT_START not in term.text
    assert len(query.terms) <= 16


def _fts():
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, kind_token, "
        "tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')"
    )
    connection.execute(
        "INSERT INTO search_fts VALUES ('A title', 'lean discharge', 'Lean', 'xkindpost')"
    )
    return connection


FTS = _fts()


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_every_match_string_is_valid_fts5(text):
    query = parse(text, TYPES)
    built = sqlite_fts.match_string(query)
    if built is not None:
        for kinds in ((), ("post",), ("thread", "post")):
            given = sqlite_fts.fts_query(built, kinds)
            FTS.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (given,)
            ).fetchall()
    if query.excluded:
        ors = sqlite_fts.fts_query(sqlite_fts.any_string(list(query.excluded)))
        FTS.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (ors,)).fetchall()


def test_a_members_words_never_match_a_documents_kind():
    index = _fts()  # one post about lean discharge, and one person's profile
    index.execute("INSERT INTO search_fts VALUES ('Sam', 'lean coach', '', 'xkindperson')")

    def found(text: str, kinds=()) -> int:
        match = sqlite_fts.fts_query(sqlite_fts.match_string(parse(text, TYPES)), kinds)
        return index.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH ?",
                             (match,)).fetchone()[0]  # fmt: skip

    kind_words = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'xkindpost OR xkindperson'"
    assert index.execute(kind_words).fetchone()[0] == 2
    assert found("xkindpost") == 0 and found("xkindperson") == 0 and found("xkind*") == 0
    assert found("post") == 0 and found("person") == 0
    assert found("lean -xkindpost") == 2
    for kinds, expected in (((), 2), (("person",), 1), (("method", "person"), 1), (("method",), 0)):
        assert found("lean", kinds) == expected, kinds
    # Threads and posts are named in MATCH too, so FTS5 skips every other kind's matches.
    assert found("lean", ("thread", "post")) == 1
    named = sqlite_fts.fts_query('"x"', ("thread", "post"))
    assert named == '("x") AND ("xkindthread" OR "xkindpost")'
    # Words that can never be a kind's leave the columns unnamed (it costs FTS5 less).
    assert sqlite_fts.fts_query('("lean" AND "discharge")') == '("lean" AND "discharge")'


@pytest.mark.parametrize(
    "text",
    ["xkindpost", "XKINDPERSONS", "xkindcommunities", "xkïndthread", "xkinds", "xk*",
     "xkin*", '"the xkindpost rota"', "-xkindpost", "tag:x xkindthread"],
)  # fmt: skip
def test_any_word_that_might_be_a_kind_keeps_to_the_text_columns(text):
    built = sqlite_fts.fts_query(sqlite_fts.match_string(parse(f"lean {text}", TYPES)))
    assert built.startswith("{title body tags} : (")


@pytest.mark.parametrize(
    "text",
    ["discharge", "pos", "th", "presence", "cause variation", "posts", "Threads", "méthod",
     "PERSONS", "communities", "pe*", "co*", "xylophone", "xki"],
)  # fmt: skip
def test_words_that_cannot_be_a_kind_need_no_column_filter(text):
    assert not sqlite_fts.may_match_a_kind(sqlite_fts.match_string(parse(text, TYPES)))
