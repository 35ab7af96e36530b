"""Who else is working on this: the panel beside a thread, a method or a project.

The same engine as the expertise finder (`expertise.py`): the people with
the most recent evidence on the page's topics, read afresh with the reader's
permissions on every request (nothing is kept between requests).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.directory.models import Organisation
from community.extensions import db
from community.search import expertise
from community.search.evidence_lines import EvidenceLine, explain
from community.search.query import SearchQuery, Term
from community.search.topics import STOPWORDS, Topic
from community.search.vocabulary import phrases, tags_in


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


def working_on(viewer, title: str, *, thread_id: int | None = None,
               leave_out: Iterable[int | None] = (), limit: int = 5) -> Panel:  # fmt: skip
    """Who else is working on this: people with recent evidence on a page's subject.

    Any of the title's telling words, the newest threads, replies, methods and
    projects first, leaving out the page's own discussion (`thread_id`), the
    people in `leave_out` (its author, authors or team) and the reader. The
    evidence and its lines are read with the reader's permissions (anyone whose
    evidence they may not see is left out).
    """
    left_out = tuple(sorted({i for i in leave_out if i}))
    named = tags_in(title)
    if named:
        text = ", ".join(t.name for t in named)
        topic = Topic(text=text, query=SearchQuery(), tag_ids=tuple(t.id for t in named),
                      any_terms=phrases(named), exclude_thread_id=thread_id,
                      exclude_user_ids=left_out)  # fmt: skip
    else:
        terms = title_terms(title)
        if not terms:
            return Panel((), telling_word(title))
        topic = Topic(text=title, query=SearchQuery(), any_terms=terms,
                      exclude_thread_id=thread_id, exclude_user_ids=left_out)  # fmt: skip
    # One more than shown: one of them may be the reader.
    ranked = expertise.rank_experts(expertise.evidence_rows(viewer, topic))[: limit + 1]
    return _panel(viewer, topic, ranked, limit)


def _panel(viewer, topic: Topic, ranked: list[expertise.Expert], limit: int) -> Panel:
    """The panel shown to `viewer`: up to `limit` of `ranked`, with lines they may follow."""
    others = [e for e in ranked if e.user_id != viewer.id][:limit]
    explain(viewer, topic, others, 1)
    people = _names([e.user_id for e in others if e.lines])
    colleagues = tuple(
        Colleague(e.user_id, *people[e.user_id], tuple(e.lines))
        for e in others
        if e.lines and e.user_id in people  # an account deleted since is left out
    )
    # The finder's topic: the tags the page names, else its most telling word.
    return Panel(colleagues, topic.text if topic.tag_ids else telling_word(topic.text))
