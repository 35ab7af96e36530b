"""The expertise vocabulary as the finder reads it: which tag a topic names.

A topic names a tag when, compared as `normalised` text, it is the tag's name,
one of its synonyms (`ExpertiseSynonym`, which administrators extend on the
reference-data pages), or such a name with an acronym in brackets:
"SPC", "statistical process control" and "Statistical process control (SPC)"
all name the tag "Statistical process control".

Evidence on a named tag is looked for by its *phrases*: the tag's name and
each synonym, as phrases, except a synonym of one word not written in
capitals ("falls"), which names the topic when someone asks for it but is
too often something else in a post ("the numbers fall away"). Acronyms
("SPC", "PDSA") are looked for.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from community.accounts.models import ExpertiseSynonym, ExpertiseTag, TagKind
from community.core.extensions import db
from community.core.slugs import slugify
from community.search.query import Term

_BRACKETED = re.compile(r"\(([^()]*)\)")


def normalised(text: str) -> str:
    """Text as names are compared: lower case, words joined by hyphens ("a-and-e")."""
    return slugify(text.replace("&", " and "))


def forms(text: str) -> tuple[str, ...]:
    """The names a topic may be written as: itself, without what is in brackets, and
    what is in brackets ("Statistical process control (SPC)": all three)."""
    found = [normalised(text), normalised(_BRACKETED.sub(" ", text))]
    found += [normalised(inside) for inside in _BRACKETED.findall(text)]
    return tuple(dict.fromkeys(f for f in found if f))


def tags_named(text: str) -> list[ExpertiseTag]:
    """The tags the topic names, by their name or a synonym (none: not a known topic)."""
    keys = forms(text)
    if not keys:
        return []
    by_synonym = sa.select(ExpertiseSynonym.tag_id).where(ExpertiseSynonym.key.in_(keys))
    return list(
        db.session.scalars(
            sa.select(ExpertiseTag)
            .options(selectinload(ExpertiseTag.synonyms))  # (for `phrases`)
            .where(sa.or_(ExpertiseTag.slug.in_(keys), ExpertiseTag.id.in_(by_synonym)))
            .order_by(ExpertiseTag.name)
        )
    )


def is_looked_for(text: str) -> bool:
    """A synonym is looked for in posts unless it is one word not in capitals."""
    words = re.findall(r"[^\W_]+", text)
    return len(words) > 1 or (len(words) == 1 and words[0].isupper())


def phrases(tags: list[ExpertiseTag]) -> tuple[Term, ...]:
    """The phrases that are evidence on these tags: each name, and its synonyms looked for."""
    texts = [tag.name for tag in tags]
    texts += [s.text for tag in tags for s in tag.synonyms if is_looked_for(s.text)]
    unique = dict.fromkeys(t.lower() for t in texts)
    return tuple(Term(text, phrase=True) for text in sorted(unique))


def tags_in(text: str) -> list[ExpertiseTag]:
    """The vocabulary's tags (approaches and topics, not members' own) that a title or
    other text names anywhere in it: "Reducing patient falls on ward 7" names Falls
    prevention. Every name and synonym counts, as whole words."""
    padded = "-" + normalised(text) + "-"
    if padded == "--":
        return []
    shared = (TagKind.APPROACH, TagKind.TOPIC)
    names = db.session.execute(
        sa.select(ExpertiseTag.id, ExpertiseTag.slug).where(ExpertiseTag.kind.in_(shared))
    ).all()
    synonyms = db.session.execute(
        sa.select(ExpertiseSynonym.tag_id, ExpertiseSynonym.key)
        .join(ExpertiseTag, ExpertiseTag.id == ExpertiseSynonym.tag_id)
        .where(ExpertiseTag.kind.in_(shared))
    ).all()
    wanted = {tag_id for tag_id, key in [*names, *synonyms] if f"-{key}-" in padded}
    if not wanted:
        return []
    return list(
        db.session.scalars(
            sa.select(ExpertiseTag)
            .options(selectinload(ExpertiseTag.synonyms))  # (for `phrases`)
            .where(ExpertiseTag.id.in_(wanted))
            .order_by(ExpertiseTag.name)
        )
    )
