"""A different query on every request: the words real members type, drawn with a fixed seed.

The same search again and again measures a kept answer, not the engine. These
lists hold 6 000 distinct queries of one and two words, drawn from what
the generators write (bench/text.py's prose, thread, method, project and
mentoring titles, community names) and from the expertise vocabulary
(community/accounts/vocabulary.py, as the finder names its tags), so that
almost every query finds something, and the commonest words, which match the
most posts, are asked too.

* `search_queries()`: the words and pairs for /search, in the order driven;
* `expertise_topics()`: the vocabulary's names (and their acronyms), then the
  same words, for /people?topic=;
* `warm_up_queries()`: others again, asked while the server warms up;
* `cold_queries()`: more of the same, never in any list: a query no one has
  asked yet, for the cold figures.

Everything here is a pure function of the seed: two runs send the same
queries in the same order.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from urllib.parse import quote_plus

from bench import text
from bench.generators import communities, discussions, mentoring, methods, projects
from community.accounts.vocabulary import INITIAL_SYNONYMS, INITIAL_VOCABULARY

SEED = 21
# How many distinct queries each list holds: more than a fast page serves in one run
# (wrk at 8 connections, 10 s), so that no query is asked twice.
COUNT = 6_000
COLD_COUNT = 50
WARM_UP_COUNT = 300
# The commonest words of the prose, each asked once, spread evenly through the list
# (the commonest first): about one request in a hundred asks a word most posts contain.
COMMONEST = 25
COMMON_EVERY = COUNT // COMMONEST
# How many posts of prose are sampled to find the commonest words and the pairs people write.
SAMPLE_POSTS = 400
PAIR_REACH = 3

_WORD = re.compile(r"[^\W\d_]+")
_BRACKETED = re.compile(r"\(([^()]*)\)")


def words_of(phrase: str) -> list[str]:
    """The words of a phrase as a member would type them: lower case, letters only,
    no placeholders ("{s}") and no one-letter fragments ("trust's": "trust")."""
    phrase = re.sub(r"\{[^}]*\}", " ", phrase)
    return [w for w in _WORD.findall(phrase.lower()) if len(w) > 1]


def _generated_phrases() -> list[str]:
    """Every phrase a generator writes into titles, names and posts."""
    phrases: list[str] = []
    for group in (
        text.OPENERS, text.ACTIONS, text.SUBJECTS, text.RESULTS, text.REFLECTIONS,
        text.LIST_ITEMS, discussions.TITLE_SHAPES, discussions.AREAS, communities.TOPICS,
        communities.KINDS, methods.TITLE_SHAPES, methods.POPULATIONS, projects.TITLE_SHAPES,
        projects.CHANGES, mentoring.REQUEST_TITLES, mentoring.GOALS,
    ):  # fmt: skip
        phrases.extend(group)
    phrases.extend(place for place, _ in methods.ADAPTED_FOR)
    phrases.extend(measure[0] for measure in projects.MEASURES)
    return phrases


def _vocabulary_names() -> list[str]:
    """The expertise tags' names, their synonyms and their acronyms, as the finder reads them."""
    names = [name for _, name in INITIAL_VOCABULARY]
    names += [synonym for synonyms in INITIAL_SYNONYMS.values() for synonym in synonyms]
    found: list[str] = []
    for name in names:
        # "Model for Improvement (PDSA)": also "Model for Improvement" and "PDSA", as the
        # finder reads them (community.search.vocabulary.forms).
        outside = " ".join(_BRACKETED.sub(" ", name).split())
        found += [name, outside, *_BRACKETED.findall(name)]
    return list(dict.fromkeys(found))


@cache
def commonest_words(count: int = COMMONEST) -> tuple[str, ...]:
    """The words the generated posts use most, most frequent first."""
    prose = text.Prose(random.Random(SEED))
    counted = Counter(w for _ in range(SAMPLE_POSTS) for w in words_of(prose.post()))
    return tuple(word for word, _ in counted.most_common(count))


@cache
def _all_queries() -> tuple[str, ...]:
    """Every distinct query of one or two words, in a fixed shuffled order."""
    rng = random.Random(SEED)
    phrases = _generated_phrases() + _vocabulary_names()
    single = list(dict.fromkeys(w for p in phrases for w in words_of(p)))
    # Pairs as people write them: words near each other (at most PAIR_REACH apart) in
    # one title, name or sentence of the prose, so that most pairs find posts.
    pairs: list[str] = []
    prose = text.Prose(random.Random(SEED + 1))
    sentences = phrases + [s for _ in range(SAMPLE_POSTS) for s in prose.post().split(". ")]
    for sentence in sentences:
        found = words_of(sentence)
        for i, first in enumerate(found):
            pairs += [f"{first} {w}" for w in found[i + 1 : i + 1 + PAIR_REACH] if w != first]
    queries = list(dict.fromkeys(single + pairs))
    # Then (never so far) two words from anywhere in the vocabulary, until there are enough.
    seen = set(queries)
    needed = COUNT + COLD_COUNT + WARM_UP_COUNT + COMMONEST
    while len(queries) < needed:
        a, b = rng.sample(single, 2)
        if f"{a} {b}" not in seen:
            seen.add(f"{a} {b}")
            queries.append(f"{a} {b}")
    rng.shuffle(queries)
    return tuple(queries)


def _spread(queries: list[str], common: tuple[str, ...], every: int) -> list[str]:
    """`queries` with the common ones moved to every `every`-th place, in turn."""
    rest = [q for q in queries if q not in common]
    spread: list[str] = []
    for index, query in enumerate(rest):
        if index % (every - 1) == 0:
            spread.append(common[(index // (every - 1)) % len(common)])
        spread.append(query)
    # Each common query once only: the later turns are replaced by further queries.
    once, seen = [], set()
    for query in spread:
        if query not in seen:
            seen.add(query)
            once.append(query)
    return once


@cache
def search_queries(count: int = COUNT) -> tuple[str, ...]:
    """`count` distinct search queries, the commonest words spread through them."""
    common = commonest_words()
    chosen = [q for q in _all_queries() if q not in _kept_back() and q not in common]
    return tuple(_spread(chosen, common, COMMON_EVERY)[:count])


@cache
def expertise_topics(count: int = COUNT) -> tuple[str, ...]:
    """`count` distinct topics: every name in the vocabulary, spread through prose queries."""
    # One spelling of each ("PDSA", not "pdsa" as well): the finder reads them alike.
    by_key: dict[str, str] = {}
    for name in _vocabulary_names():
        if len(name.split()) <= 2:
            by_key.setdefault(name.lower(), name)
    names = tuple(by_key.values())
    lowered = set(by_key)
    queries = [q for q in _all_queries() if q not in _kept_back() and q not in lowered]
    queries.reverse()  # not the search list's order
    return tuple(_spread(queries[: count - len(names)], names, 4)[:count])


@cache
def _kept_back() -> frozenset[str]:
    return frozenset(cold_queries() + warm_up_queries())


@cache
def _reserve() -> tuple[str, ...]:
    """Two-word queries, neither a common word nor a name in the vocabulary, from the
    end of the shuffled list: set aside for the cold run and the warm-up."""
    common = set(commonest_words())
    names = {n.lower() for n in _vocabulary_names()}
    return tuple(q for q in reversed(_all_queries()) if " " in q and q not in common | names)


@cache
def cold_queries(count: int = COLD_COUNT) -> tuple[str, ...]:
    """Queries no other list contains: the first request anyone makes for them."""
    return _reserve()[:count]


@cache
def warm_up_queries(count: int = WARM_UP_COUNT) -> tuple[str, ...]:
    """Asked while the server warms up, and never measured."""
    return _reserve()[COLD_COUNT : COLD_COUNT + count]


# The page each list is for, and its parameter.
PAGES = {"search": "/search?q=", "expertise": "/people?topic="}
LISTS = {"search": search_queries, "expertise": expertise_topics}


def paths(kind: str) -> list[str]:
    """The paths driven, a different query each."""
    return [PAGES[kind] + quote_plus(q) for q in LISTS[kind]()]


def warm_up_paths(kind: str) -> list[str]:
    return [PAGES[kind] + quote_plus(q) for q in warm_up_queries()]


def cold_paths(kind: str) -> list[str]:
    return [PAGES[kind] + quote_plus(q) for q in cold_queries()]
