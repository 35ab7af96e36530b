"""Finding members: the people directory and profiles."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import sqlalchemy as sa
from flask import abort

from community.accounts.models import ExpertiseTag, User, member_expertise
from community.caching import store
from community.core.extensions import db
from community.directory.models import Organisation


def get_member_or_404(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        abort(404)
    return user


def tag_by_slug(slug: str | None) -> ExpertiseTag | None:
    if not slug:
        return None
    return db.session.scalar(sa.select(ExpertiseTag).where(ExpertiseTag.slug == slug))


def directory_page(
    page: int,
    per_page: int,
    *,
    name: str = "",
    topic: ExpertiseTag | None = None,
    system_id: int | None = None,
):
    """Members, filtered by name, declared topic and system, in name order.

    With a topic the people page uses the expertise finder instead
    (`community.search.expertise`), which ranks people by evidence.
    """
    query = sa.select(User).order_by(User.name, User.id)
    if name:
        pattern = f"%{name.lower()}%"
        query = query.where(
            sa.or_(sa.func.lower(User.name).like(pattern), User.username.like(pattern))
        )
    if topic is not None:
        query = query.where(
            User.id.in_(
                sa.select(member_expertise.c.user_id).where(member_expertise.c.tag_id == topic.id)
            )
        )
    if system_id:
        query = query.join(Organisation, User.organisation_id == Organisation.id).where(
            Organisation.system_id == system_id
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def popular_tags(limit: int = 30) -> list[tuple[ExpertiseTag, int]]:
    """The most declared areas of expertise, with how many members declared each.

    Counting reads every member's tags, which grows with the membership, so
    each app process keeps the counts for POPULAR_TAGS_CACHE_SECONDS: a filter
    list a few minutes behind a profile edit is no loss to anyone.
    """
    counts = _tag_counts(limit)
    tags = db.session.scalars(sa.select(ExpertiseTag).where(ExpertiseTag.id.in_(counts)))
    by_id = {tag.id: tag for tag in tags}
    return [(by_id[tag_id], n) for tag_id, n in counts.items() if tag_id in by_id]


def _tag_counts(limit: int) -> Mapping[int, int]:
    cache = store("popular_tags")
    kept = cache.get(limit)
    if kept is not None:
        return kept
    n = sa.func.count(member_expertise.c.user_id).label("n")
    rows = db.session.execute(
        sa.select(ExpertiseTag.id, n)
        .join(member_expertise, member_expertise.c.tag_id == ExpertiseTag.id)
        .group_by(ExpertiseTag.id)
        .order_by(sa.desc(n), ExpertiseTag.name)
        .limit(limit)
    )
    counts = MappingProxyType({tag_id: count for tag_id, count in rows})
    cache.put(limit, counts)
    return counts
