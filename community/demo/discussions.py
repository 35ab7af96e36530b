"""Demo communities, threads, replies, reactions and key learnings.

Made through the same services members use, so counters, watches and
notifications are exactly what the product would hold; then dated into the
past so the demo looks lived in.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import User
from community.communities import services as communities
from community.communities.models import Community, Membership
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.demo import discussions_data as data
from community.discussions import services as discussions
from community.discussions.models import Post, Thread


def seed_discussions(rng: random.Random, members: list[User], admin: User, demo_member: User):
    now = utcnow()
    confirmed = [m for m in members if m.is_confirmed]
    made = []
    for index, (name, purpose, question, visibility, listed) in enumerate(data.COMMUNITIES):
        founder = confirmed[index % len(confirmed)]
        community = communities.propose_community(
            founder, name=name, purpose=purpose, learning_question=question,
            visibility=visibility, listed=listed,
        )  # fmt: skip
        if not community.is_active:
            communities.decide_proposal(admin, community, approve=True)
        joiners = rng.sample(confirmed, 12)
        if index % 3 == 0:
            joiners.append(demo_member)
        for user in joiners:
            if user.id != founder.id:
                db.session.add(Membership(community_id=community.id, user_id=user.id))
                community.member_count += 1
        db.session.commit()
        voices = [founder] + [u for u in joiners if u.id != founder.id]
        for title, opening in data.CONVERSATIONS.get(name, ()):
            author = rng.choice(voices)
            thread = discussions.start_thread(author, community, title, opening)
            replies = rng.sample(data.GENERIC_REPLIES, rng.randint(2, 6))
            posts = []
            for text in replies:
                replier = rng.choice([v for v in voices if v.id != author.id])
                reply_to = rng.choice(posts) if posts and rng.random() < 0.3 else None
                posts.append(discussions.reply(replier, thread, text, reply_to))
            for post in posts:
                for reactor in rng.sample(voices, rng.randint(0, 4)):
                    if reactor.id != post.author_id:
                        discussions.toggle_helpful(reactor, post)
            if posts and rng.random() < 0.6:
                discussions.set_key_learning(author, rng.choice(posts), mark=True)
        made.append(community)
    _spread_over_time(rng, now)
    return made


def _spread_over_time(rng: random.Random, now) -> None:
    """Date threads and posts across the last 60 days, in order within each thread."""
    for thread in db.session.scalars(sa.select(Thread)):
        start = now - timedelta(days=rng.randint(3, 60), hours=rng.randint(0, 12))
        moment = start
        posts = db.session.scalars(
            sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.position)
        )
        for post in posts:
            post.created_at = moment
            moment += timedelta(hours=rng.randint(1, 30))
        thread.created_at, thread.last_post_at = start, moment
    for community in db.session.scalars(sa.select(Community)):
        community.last_activity_at = (
            db.session.scalar(
                sa.select(sa.func.max(Thread.last_post_at)).where(
                    Thread.community_id == community.id
                )
            )
            or now
        )
    db.session.commit()
