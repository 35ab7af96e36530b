"""Who else is working on this: the panel beside a thread, a method or a project.

The same engine as the expertise finder (`expertise.py`): the people with
the most recent evidence on the page's topics, read with the reader's
permissions. Ranking them costs about 100 ms on a national platform, and every
thread page shows a panel, so the ranking is kept for every reader who may see
the same things (`visibility_class`) for a minute or two ("working_on_rankings"),
and the panel drawn from it until anything is taken away or altered
("working_on_panels", community/caching). A reader who is among the people
ranked gets a panel of their own, without themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from community import caching
from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation
from community.search import expertise
from community.search.evidence_lines import EvidenceLine, explain
from community.search.query import SearchQuery, Term
from community.search.topics import STOPWORDS, Topic
from community.search.vocabulary import phrases, tags_in
from community.visibility import visibility_class


def title_terms(title: str, limit: int = 8) -> tuple[Term, ...]:
    """The telling words of a title: no stop words, longest first."""
    words = [w for w in re.findall(r"[^\W_]+", title.lower()) if len(w) > 2 and w not in STOPWORDS]
    unique = sorted(dict.fromkeys(words), key=len, reverse=True)[:limit]
    return tuple(Term(word) for word in unique)


def telling_word(title: str) -> str:
    """The title's most telling word (its longest), as a topic for the expertise finder."""
    terms = title_terms(title, 1)
    return terms[0].text if terms else title


@dataclass(frozen=True)
class Colleague:
    """Someone in a "who else is working on this" panel: plain values, safe to keep."""

    user_id: int
    username: str
    name: str
    organisation: str | None
    lines: tuple[EvidenceLine, ...]


@dataclass(frozen=True)
class Panel:
    """A "who else is working on this" panel: the people, and the topic to find more."""

    colleagues: tuple[Colleague, ...]
    topic: str


def _names(user_ids: list[int]) -> dict[int, tuple[str, str, str | None]]:
    """Each person's username, name and organisation: all a panel shows of them."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        sa.select(User.id, User.username, User.name, Organisation.name)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(User.id.in_(user_ids))
    )
    return {row[0]: (row[1], row[2], row[3]) for row in rows}


@dataclass(frozen=True)
class Ranked:
    """Someone as ranked for a panel: who, their score, and their evidence's ids (its
    points, item and source). No words and no names: those are read afresh, with the
    reader's permissions, each time a panel is drawn."""

    user_id: int
    score: float
    items: tuple[tuple[float, int, str], ...]


def working_on(viewer, title: str, *, thread_id: int | None = None,
               leave_out: Iterable[int | None] = (), limit: int = 5) -> Panel:  # fmt: skip
    """Who else is working on this: people with recent evidence on a page's subject.

    Any of the title's telling words, the newest threads, replies, methods and
    projects first, leaving out the page's own discussion (`thread_id`), the
    people in `leave_out` (its author, authors or team) and the reader. The
    evidence and its lines are read with the reader's permissions (anyone whose
    evidence they may not see is left out).

    Two caches: the ranking (who, in what order: about 100 ms to work out) is kept
    for WORKING_ON_RANKING_SECONDS whatever changes, and the panel drawn from it (a
    few ms: each piece of evidence checked and put in words) until anything is taken
    away or altered. So an edit elsewhere costs the next reader a redraw, not a
    ranking, and a panel never names evidence that has gone or that they may not see.
    """
    left_out = tuple(sorted({i for i in leave_out if i}))
    reader = getattr(viewer, "id", None)
    key = (title, thread_id, left_out, limit, visibility_class(viewer))
    ranked = _ranking(viewer, key)
    own = reader if reader is not None and reader in {r.user_id for r in ranked} else None
    # (A reader who is among the people ranked gets a panel of their own, without themselves.)
    return caching.kept(
        "working_on_panels",
        (key, ranked, own),
        lambda: _panel(viewer, _topic(title, thread_id, left_out), ranked, limit, own, title),
    )


def _ranking(viewer, key: tuple) -> tuple[Ranked, ...]:
    """Who is ranked for the panel `key` (title, thread, left out, limit, visibility class):
    one more than a panel shows, since one of them may be the reader."""
    rankings = caching.store("working_on_rankings")
    ranked = rankings.get(key)
    if ranked is None:
        title, thread_id, left_out, limit, _class = key
        topic = _topic(title, thread_id, left_out)
        found = () if topic is None else _ranked(viewer, topic, limit)
        ranked = tuple(Ranked(e.user_id, e.score, tuple(e.items)) for e in found)
        rankings.put(key, ranked)
    return ranked


def _topic(title: str, thread_id: int | None, left_out: tuple[int, ...]) -> Topic | None:
    """The topics a page's title names (its tags, else its telling words); None: none."""
    named = tags_in(title)
    if named:
        text = ", ".join(t.name for t in named)
        return Topic(text=text, query=SearchQuery(), tag_ids=tuple(t.id for t in named),
                     any_terms=phrases(named), exclude_thread_id=thread_id,
                     exclude_user_ids=left_out)  # fmt: skip
    terms = title_terms(title)
    if not terms:
        return None
    return Topic(text=title, query=SearchQuery(), any_terms=terms,
                 exclude_thread_id=thread_id, exclude_user_ids=left_out)  # fmt: skip


def _ranked(viewer, topic: Topic, limit: int) -> list[expertise.Expert]:
    # One more than shown: one of them may be the reader.
    return expertise.ranked_page(viewer, topic, limit=limit + 1)[1]


def _panel(viewer, topic: Topic | None, ranked: tuple[Ranked, ...], limit: int,
           leave_out: int | None, title: str) -> Panel:  # fmt: skip
    """The panel shown to `viewer`: up to `limit` of `ranked` (without `leave_out`), each
    with the lines they may follow now; anyone with none left is left out."""
    if topic is None:
        return Panel((), telling_word(title))
    others = [
        expertise.Expert(r.user_id, r.score, items=list(r.items))
        for r in ranked
        if r.user_id != leave_out
    ][:limit]
    explain(viewer, topic, others, 1)
    people = _names([e.user_id for e in others if e.lines])
    colleagues = tuple(
        Colleague(e.user_id, *people[e.user_id], tuple(e.lines))
        for e in others
        if e.lines and e.user_id in people  # an account deleted since is left out
    )
    # The finder's topic: the tags the page names, else its most telling word.
    return Panel(colleagues, topic.text if topic.tag_ids else telling_word(topic.text))
