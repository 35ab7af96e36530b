"""Communities in search, for those who find them listed (`listed_communities_clause`:
the same rule as the directory). An open community is found by its name, purpose and
learning question; a private one by its name and purpose, which is all a listed private
community shows to those not in it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from community.communities.models import Community
from community.core.extensions import db
from community.search.hits import Hit
from community.search.index import Document, Kind, register_kind, save
from community.search.models import SearchDocument
from community.visibility import listed_communities_clause

KIND = "community"


def _documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    query = sa.select(Community).where(where).order_by(Community.id).limit(limit)
    return [
        (
            c.id,
            Document(
                KIND,
                c.id,
                title=c.name,
                body=c.purpose if c.is_private else f"{c.purpose} {c.learning_question}",
                dated_at=c.created_at,
                community_id=c.id,
            ),  # fmt: skip
        )
        for c in db.session.scalars(query)
    ]


def community_changed(community: Community) -> None:
    """After a community is proposed, renamed, re-described or made open or private."""
    db.session.flush()
    for _id, document in _documents(Community.id == community.id):
        save(document)


def _visible(user) -> sa.ColumnElement[bool]:
    return SearchDocument.object_id.in_(
        sa.select(Community.id).where(listed_communities_clause(user))
    )


def _describe(ids: list[int], viewer=None) -> dict[int, Hit]:
    hits = {}
    for c in db.session.scalars(sa.select(Community).where(Community.id.in_(ids))):
        badges = ["Private"] if c.is_private else []
        if not c.is_active:
            badges.append(c.status.capitalize())
        hits[c.id] = Hit(
            label="Community", title=c.name, url=url_for("communities.home", slug=c.slug),
            dated_at=c.created_at, date_label="Started",
            byline=f"{c.member_count} member{'s' if c.member_count != 1 else ''} · "
            f"{c.thread_count} thread{'s' if c.thread_count != 1 else ''}",
            badges=badges,
        )  # fmt: skip
    return hits


register_kind(
    Kind(
        name=KIND,
        group="communities",
        visible=_visible,
        expected=lambda after, limit: _documents(Community.id > after, limit),
        count=lambda: db.session.scalar(sa.select(sa.func.count(Community.id))),
        describe=_describe,
    )
)
