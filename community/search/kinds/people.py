"""People in search: name, job title, organisation, system, bio and expertise tags.

Every signed-in member may find every other member (the people directory
shows the same). A person's organisation and system are also stamped on what
they write, so `system:` and the organisation filter work on discussions; when
a member moves organisation, or an organisation is renamed or moves system,
those stamps and the people's own documents are brought up to date in the
same transaction.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import ExpertiseTag, User, member_expertise
from community.core.extensions import db
from community.directory.models import Organisation, System
from community.search.hits import Hit
from community.search.index import (
    BATCH,
    Document,
    Kind,
    follow_author,
    plain_text,
    register_kind,
    save,
)
from community.search.models import SearchDocument

KIND = "person"


def _tags_of(user_ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    if user_ids:
        rows = db.session.execute(
            sa.select(member_expertise.c.user_id, ExpertiseTag.name)
            .join(ExpertiseTag, ExpertiseTag.id == member_expertise.c.tag_id)
            .where(member_expertise.c.user_id.in_(user_ids))
        )
        for user_id, name in rows:
            tags[user_id].append(name)
    return {user_id: sorted(names, key=str.lower) for user_id, names in tags.items()}


def _documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    rows = db.session.execute(
        sa.select(
            User.id,
            User.name,
            User.username,
            User.job_title,
            User.bio_html,
            User.created_at,
            User.organisation_id,
            Organisation.name.label("organisation"),
            Organisation.system_id,
            System.name.label("system"),
        )  # fmt: skip
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(System, System.id == Organisation.system_id)
        .where(where)
        .order_by(User.id)
        .limit(limit)
    ).all()
    tags = _tags_of([row.id for row in rows])
    return [
        (row.id, Document(
            KIND, row.id, title=row.name,
            body=" ".join(filter(None, (row.job_title, row.organisation, row.system,
                                        f"@{row.username}", plain_text(row.bio_html)))),
            tags=tuple(tags.get(row.id, ())), dated_at=row.created_at,
            organisation_id=row.organisation_id, system_id=row.system_id,
        ))
        for row in rows
    ]  # fmt: skip


def person_changed(user: User, *, moved: bool = False) -> None:
    """After a member registers or edits their profile; `moved`: to another organisation."""
    db.session.flush()
    for _id, document in _documents(User.id == user.id):
        save(document)
        if moved:
            follow_author(user.id, document.organisation_id, document.system_id)


def _reindex_people(where) -> None:
    after = 0
    while True:
        window = _documents(sa.and_(where, User.id > after), BATCH)
        for _id, document in window:
            save(document)
        if len(window) < BATCH:
            return
        after = window[-1][0]
        db.session.flush()


def organisation_changed(organisation: Organisation) -> None:
    """After an organisation is renamed or moves system: its people and what they wrote."""
    db.session.flush()
    db.session.execute(
        sa.update(SearchDocument)
        .where(SearchDocument.organisation_id == organisation.id)
        .values(system_id=organisation.system_id)
    )
    _reindex_people(User.organisation_id == organisation.id)


def system_changed(system: System) -> None:
    """After a system is renamed: the people in it mention its name."""
    db.session.flush()
    in_system = sa.select(Organisation.id).where(Organisation.system_id == system.id)
    _reindex_people(User.organisation_id.in_(in_system))


def _visible(user) -> sa.ColumnElement[bool]:
    if not getattr(user, "is_authenticated", False):
        return sa.false()
    return sa.exists().where(User.id == SearchDocument.object_id)


def _describe(ids: list[int], viewer=None) -> dict[int, Hit]:
    hits = {}
    for user in db.session.scalars(sa.select(User).where(User.id.in_(ids))):
        organisation = user.organisation
        byline = ", ".join(filter(None, (user.job_title, organisation and organisation.name)))
        places = []
        if organisation is not None:
            system = organisation.system
            places.append((system.name, url_for("directory.system", slug=system.slug)))
        hits[user.id] = Hit(
            label="Person", title=user.name,
            url=url_for("people.profile", username=user.username),
            dated_at=user.created_at, date_label="Joined", places=places, byline=byline,
        )  # fmt: skip
    return hits


register_kind(
    Kind(
        name=KIND, group="people", visible=_visible,
        expected=lambda after, limit: _documents(User.id > after, limit),
        count=lambda: db.session.scalar(sa.select(sa.func.count(User.id))),
        describe=_describe,
    )
)  # fmt: skip
