"""A mentor's evidence from discussions, counted ahead of time.

How often others marked a mentor's posts "helpful", and how many of their
replies became a thread's key learning, are sums over every post they ever
wrote. Counting them for thousands of mentors each time someone opens a list
of suggestions would grow with the number of posts, so they are kept here
instead, one row per mentor:

* recounted for one mentor whenever they save their offer (so a new mentor's
  evidence counts at once);
* recounted for every mentor by `flask mentoring refresh-evidence`, which cron
  runs hourly (two grouped statements per thousand mentors).

Only open communities count, so a ranking never reveals private activity.
Removed and hidden posts never count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from community.communities.models import Community
from community.core.extensions import db
from community.core.models_base import created_at_column
from community.core.timefmt import utcnow
from community.discussions.models import Post, Thread
from community.mentoring.models import MentorOffer
from community.visibility import open_community_clause, shown_to_every_reader

BATCH_SIZE = 1000


class MentorEvidence(db.Model):
    __tablename__ = "mentor_evidence"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    helpful_marks: Mapped[int] = mapped_column(default=0)
    key_learnings: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime] = created_at_column()


def _counted(user_ids: list[int]) -> dict[int, list[int]]:
    """{user id: [helpful marks, key learnings]} for the members who have any."""
    open_community = open_community_clause()
    shown = sa.and_(Post.author_id.in_(user_ids), shown_to_every_reader())
    helpful = db.session.execute(
        sa.select(Post.author_id, sa.func.sum(Post.helpful_count))
        .join(Thread, Thread.id == Post.thread_id)
        .join(Community, Community.id == Thread.community_id)
        # The 0 is written out, not bound, so that the database sees the partial index's
        # own condition and reads only that index (ix_posts_helpful_by_author).
        .where(shown, Post.helpful_count > sa.literal_column("0"), open_community)
        .group_by(Post.author_id)
    )
    counts: dict[int, list[int]] = {}
    for user_id, marks in helpful:
        counts.setdefault(user_id, [0, 0])[0] = int(marks or 0)
    key_learnings = db.session.execute(
        sa.select(Post.author_id, sa.func.count(Thread.id))
        .select_from(Thread)
        .join(Post, Post.id == Thread.key_post_id)
        .join(Community, Community.id == Thread.community_id)
        .where(shown, open_community)
        .group_by(Post.author_id)
    )
    for user_id, learnings in key_learnings:
        counts.setdefault(user_id, [0, 0])[1] = int(learnings)
    return counts


def recount(user_ids: Iterable[int]) -> None:
    """Recount the given members' evidence inside the caller's transaction."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return
    counts = _counted(user_ids)
    db.session.execute(sa.delete(MentorEvidence).where(MentorEvidence.user_id.in_(user_ids)))
    now = utcnow()
    rows = [
        {"user_id": uid, "helpful_marks": marks, "key_learnings": learnings, "counted_at": now}
        for uid, (marks, learnings) in counts.items()
    ]
    if rows:
        db.session.execute(sa.insert(MentorEvidence), rows)


def refresh_evidence(user_ids: Iterable[int] | None = None) -> int:
    """Recount evidence for `user_ids` (default: every member offering mentoring).

    Commits after each batch of a thousand, so a long refresh never holds the
    database for long. Returns how many members were recounted.
    """
    if user_ids is None:
        user_ids = db.session.scalars(sa.select(MentorOffer.user_id).order_by(MentorOffer.user_id))
    user_ids = list(user_ids)
    for start in range(0, len(user_ids), BATCH_SIZE):
        recount(user_ids[start : start + BATCH_SIZE])
        db.session.commit()
    return len(user_ids)
