"""A topic for the expertise finder and "who else is working on this": its words,
the tags it names, and what a panel leaves out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import ExpertiseTag
from community.core.extensions import db
from community.core.slugs import slugify
from community.search.query import SearchQuery, Term
from community.search.services import read_query
from community.search.vocabulary import phrases, tags_named

STOPWORDS = frozenset(
    ("a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "how",
     "i", "in", "is", "it", "its", "of", "on", "or", "our", "so", "that", "the", "their", "there",
     "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with",
     "you", "your")
)  # fmt: skip


@dataclass(frozen=True)
class Topic:
    text: str
    query: SearchQuery
    tag_ids: tuple[int, ...] = ()
    # "Any of these words" instead of "all of them" (both: the newest matches first).
    any_terms: tuple[Term, ...] = ()
    # A topic the vocabulary knows: evidence is any of its tags' phrases, not its words.
    phrases: tuple[Term, ...] = ()
    exclude_thread_id: int | None = None
    exclude_user_ids: tuple[int, ...] = ()


def matching_tag_ids(text: str) -> tuple[int, ...]:
    """Tags for a topic: the tag whose address it is, or tags whose name has every word."""
    slug = slugify(text)
    words = [w for w in re.findall(r"[^\W_]+", text.lower()) if w not in STOPWORDS][:6]
    clauses = [ExpertiseTag.slug == slug] if slug else []
    if words:
        name = " " + sa.func.lower(ExpertiseTag.name)
        clauses.append(sa.and_(*(
            sa.or_(name.contains(" " + word, autoescape=True),
                   name.contains(" " + word.rstrip("s"), autoescape=True) if len(word) > 3 else
                   sa.false())
            for word in words
        )))  # fmt: skip
    if not clauses:
        return ()
    return tuple(db.session.scalars(sa.select(ExpertiseTag.id).where(sa.or_(*clauses)).limit(50)))


def topic_from(text: str) -> Topic:
    """The topic someone asked about: the vocabulary's tags if it names any (by a name,
    a synonym or an acronym: the same Topic however it is spelt), else its words."""
    tag = db.session.scalar(sa.select(ExpertiseTag).where(ExpertiseTag.slug == text.strip()))
    text = tag.name if tag is not None else text
    named = tags_named(text)
    if named:
        text = ", ".join(t.name for t in named)
        return Topic(text=text, query=read_query(text), tag_ids=tuple(t.id for t in named),
                     phrases=phrases(named))  # fmt: skip
    query = read_query(text)
    # Operators make no sense for a topic, nor do little words ("discharge and flow"):
    # keep the telling words and the phrases, the same on every database.
    terms = (
        tuple(t for t in query.terms if t.phrase or t.prefix or t.text.lower() not in STOPWORDS)
        or query.terms
    )
    query = SearchQuery(raw=query.raw, terms=terms, notes=query.notes)
    return Topic(text=query.raw, query=query, tag_ids=matching_tag_ids(text))
