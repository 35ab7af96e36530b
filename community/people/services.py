"""Finding members: the people directory and profiles."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from community.accounts.models import ExpertiseTag, User, member_expertise
from community.directory.models import Organisation
from community.extensions import db


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
    rows = db.session.execute(
        sa.select(ExpertiseTag, sa.func.count(member_expertise.c.user_id).label("n"))
        .join(member_expertise, member_expertise.c.tag_id == ExpertiseTag.id)
        .group_by(ExpertiseTag.id)
        .order_by(sa.desc("n"), ExpertiseTag.name)
        .limit(limit)
    )
    return [tuple(row) for row in rows]
