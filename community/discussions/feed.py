"""The home feed: recent activity in a member's communities, newest first."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from community.accounts.models import User
from community.communities.models import Community, Membership
from community.core.extensions import db
from community.discussions.models import Post, Thread
from community.discussions.reading import ShownPost, posts_with_authors
from community.visibility import shown_to_every_reader, visible_community_ids


@dataclass(frozen=True, slots=True)
class FeedItem:
    """A thread as the feed lists it: plain values, not a `Thread` with its community
    and author loaded (twenty of those cost about 2 ms a page)."""

    id: int
    title: str
    slug: str
    community_slug: str
    community_name: str
    author_name: str | None  # None: the author's account is gone
    post_count: int
    last_post_at: datetime
    key_post_id: int | None

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)


class FeedPage(Pagination):
    """A page of the home feed, made from each community's newest threads.

    Sorting every thread of every community a member belongs to would cost more
    as communities grow. Instead each community gives its newest `page ×
    per_page` threads from the (community, last activity) index and only those
    are merged, so a page costs the same however many threads the communities
    hold; the total comes from the communities' thread counters.
    """

    def _query_items(self) -> list[FeedItem]:
        communities = self._query_args["communities"]
        if not communities:
            return []
        depth = self.page * self.per_page
        merge = _newest_merged(len(communities), depth - self.per_page, self.per_page)
        params = {f"community_{n}": community_id for n, community_id in enumerate(communities)}
        ids = db.session.scalars(merge, params).all()
        rows = db.session.execute(
            sa.select(
                Thread.id,
                Thread.title,
                Thread.slug,
                Community.slug,
                Community.name,
                User.name,
                Thread.post_count,
                Thread.last_post_at,
                Thread.key_post_id,
            )  # fmt: skip
            .join(Community, Community.id == Thread.community_id)
            .outerjoin(User, User.id == Thread.author_id)
            .where(Thread.id.in_(ids))
        )
        threads = {row[0]: FeedItem(*row) for row in rows}
        return [threads[i] for i in ids if i in threads]

    def _query_count(self) -> int:
        return self._query_args["total"]


@functools.lru_cache(maxsize=256)
def _newest_merged(communities: int, offset: int, limit: int) -> sa.Select:
    """The ids of one feed page, merged from each community's newest threads.

    Built once for each number of communities and page: building it cost more
    than running it. Each community's id is a parameter, `community_N`.
    """
    newest = [
        sa.select(Thread.id, Thread.last_post_at)
        .where(Thread.community_id == sa.bindparam(f"community_{n}", type_=sa.Integer))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(offset + limit)
        .subquery()
        for n in range(communities)
    ]
    merged = sa.union_all(*(sa.select(n.c.id, n.c.last_post_at) for n in newest)).subquery()
    return (
        sa.select(merged.c.id)
        .order_by(merged.c.last_post_at.desc(), merged.c.id.desc())
        .offset(offset)
        .limit(limit)
    )


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


def key_posts_for(threads: list[FeedItem]) -> dict[int, ShownPost]:
    ids = [t.key_post_id for t in threads if t.key_post_id]
    if not ids:
        return {}
    # A feed excerpt is for everyone: a key learning hidden by flags is left out.
    shown = sa.and_(Post.id.in_(ids), shown_to_every_reader())
    return {p.id: p for p in posts_with_authors(shown)}
