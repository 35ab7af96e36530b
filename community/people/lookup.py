"""Finding a person by what someone remembers of them: part of a name, an organisation, a username.

One place answers both the forms that take a person (add to a project team,
invite to a community) and the suggestions the browser shows as you type
(`GET /people/lookup`). It reads only what the people directory already shows
to every signed-in member: name, organisation, job title and username. Never
an email address, never anything a community keeps private.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation

MOST = 10  # suggestions and choices shown at once
SHORTEST = 2  # characters typed before anyone is suggested


@dataclass(frozen=True)
class Found:
    """What came of looking for a person: one of them, several to choose from, or nobody."""

    text: str
    people: list[User]
    more: bool = False  # more than MOST matched: the person should type more

    @property
    def person(self) -> User | None:
        return self.people[0] if len(self.people) == 1 else None


def _clean(text: str) -> str:
    return " ".join((text or "").split())[:100]


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def find_people(text: str, most: int = MOST) -> Found:
    """People whose name, username or organisation contains every word typed.

    The best matches come first: the exact username, then names starting with
    what was typed, then the rest in name order. At most `most` are returned;
    `more` says there were others.
    """
    text = _clean(text)
    words = text.lower().lstrip("@").split()
    if len(text.lstrip("@")) < SHORTEST or not words:
        return Found(text, [])
    name = sa.func.lower(User.name)
    organisation = sa.func.lower(sa.func.coalesce(Organisation.name, ""))
    query = sa.select(User).outerjoin(Organisation, User.organisation_id == Organisation.id)
    for word in words:
        pattern = _like(word)
        query = query.where(
            sa.or_(
                name.like(pattern, escape="\\"),
                User.username.like(pattern, escape="\\"),
                organisation.like(pattern, escape="\\"),
            )
        )
    typed = " ".join(words)
    rank = sa.case(
        (User.username == typed, 0),
        (name == typed, 1),
        (name.like(_like(typed)[1:], escape="\\"), 2),
        (name.like(_like(typed), escape="\\"), 3),
        else_=4,
    )
    people = list(db.session.scalars(query.order_by(rank, User.name, User.id).limit(most + 1)))
    return Found(text, people[:most], more=len(people) > most)


def resolve(text: str, chosen: str | None = None) -> Found:
    """The person a form meant: the one chosen from a list, else whoever the text names.

    A username typed exactly (with or without @) is that person even when
    others share part of it; a name typed exactly is that person when nobody
    else has the same name.
    """
    if chosen:
        person = db.session.scalar(
            sa.select(User).where(User.username == chosen.strip().lstrip("@").lower())
        )
        if person is not None:
            return Found(_clean(text), [person])
    found = find_people(text)
    if len(found.people) > 1:
        typed = found.text.lower().lstrip("@")
        exact = [p for p in found.people if p.username == typed]
        if not exact:
            exact = [p for p in found.people if p.name.lower() == typed]
        if len(exact) == 1:
            return Found(found.text, exact)
    return found


def label(person: User) -> str:
    """Name, organisation and username: enough to tell two people of the same name apart."""
    parts = [person.name]
    if person.organisation is not None:
        parts.append(person.organisation.name)
    return f"{', '.join(parts)} ({person.username})"


def as_suggestion(person: User) -> dict:
    return {
        "username": person.username,
        "name": person.name,
        "organisation": person.organisation.name if person.organisation else "",
        "job_title": person.job_title or "",
    }
