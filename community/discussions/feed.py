"""The home feed: recent activity in a member's communities, newest first."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from community.accounts.models import User
from community.communities.models import Community, Membership
from community.discussions.models import Post, Thread
from community.discussions.reading import author_name_only, posts_with_authors
from community.extensions import db
from community.visibility import visible_community_ids


class FeedPage(Pagination):
    """A page of the home feed, made from each community's newest threads.

    Sorting every thread of every community a member belongs to would cost more
    as communities grow. Instead each community gives its newest `page ×
    per_page` threads from the (community, last activity) index and only those
    are merged, so a page costs the same however many threads the communities
    hold; the total comes from the communities' thread counters.
    """

    def _query_items(self) -> list[Thread]:
        communities = self._query_args["communities"]
        if not communities:
            return []
        depth = self.page * self.per_page
        newest = [
            sa.select(Thread.id, Thread.last_post_at)
            .where(Thread.community_id == community_id)
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(depth)
            .subquery()
            for community_id in communities
        ]
        merged = sa.union_all(*(sa.select(n.c.id, n.c.last_post_at) for n in newest)).subquery()
        ids = db.session.scalars(
            sa.select(merged.c.id)
            .order_by(merged.c.last_post_at.desc(), merged.c.id.desc())
            .offset(depth - self.per_page)
            .limit(self.per_page)
        ).all()
        rows = db.session.scalars(
            sa.select(Thread).options(author_name_only(Thread.author)).where(Thread.id.in_(ids))
        )
        threads = {t.id: t for t in rows}
        return [threads[i] for i in ids if i in threads]

    def _query_count(self) -> int:
        return self._query_args["total"]


def home_feed(user: User, page: int, per_page: int) -> FeedPage:
    """Recent activity in the member's communities: threads by latest activity."""
    mine = sa.select(Membership.community_id).where(Membership.user_id == user.id)
    rows = db.session.execute(
        sa.select(Community.id, Community.thread_count).where(
            Community.id.in_(mine), Community.id.in_(visible_community_ids(user))
        )
    ).all()
    return FeedPage(
        page=page, per_page=per_page, error_out=False,
        communities=[row.id for row in rows], total=sum(row.thread_count for row in rows),
    )  # fmt: skip


def key_posts_for(threads: list[Thread]) -> dict[int, Post]:
    ids = [t.key_post_id for t in threads if t.key_post_id]
    if not ids:
        return {}
    # A feed excerpt is for everyone: a key learning hidden by flags is left out.
    shown = sa.and_(Post.id.in_(ids), Post.hidden_at.is_(None), Post.deleted_at.is_(None))
    return {p.id: p for p in posts_with_authors(shown)}
