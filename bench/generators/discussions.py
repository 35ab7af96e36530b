"""Threads, posts, reactions, edits, watches and notifications.

Posts are written in the order they were made across all threads (so a
thread's posts are spread through the table, as they are in a live database),
numbered 1..n within each thread, and every counter the services keep is
filled in: Thread.post_count and last_post_at, Community.thread_count and
last_activity_at, Post.helpful_count. Thread authors and repliers watch their
threads, and get the notifications the product would have sent them.
"""

from __future__ import annotations

import math
from array import array
from datetime import timedelta

import sqlalchemy as sa

from bench.generators.build import ANCHOR, Build, batched, distribute
from bench.text import SUBJECTS, Prose, to_html
from community.core.markdown import RENDER_VERSION
from community.core.slugs import slugify
from community.discussions.models import POSTS_PER_PAGE

DAY = 86_400.0
READER = 1
TITLE_SHAPES = (
    "How did you improve {s}?", "Lessons from a year of work on {s}", "Measuring {s}: what worked",
    "Has anyone spread the change to {s} across a system?", "PDSA cycles on {s}",
    "Sharing our driver diagram for {s}", "Why did our work on {s} stall?",
    "Looking for a mentor on {s}", "SPC chart for {s}: special cause or noise?",
    "Co-designing {s} with patients", "Adapting another trust's approach to {s}",
)  # fmt: skip
AREAS = (
    "in a district general hospital", "across our PCN", "in care homes", "on a surgical ward",
    "in the community", "for frail older people", "at the front door", "over winter", "",
)  # fmt: skip


def _title(rng) -> str:
    title = rng.choice(TITLE_SHAPES).format(s=rng.choice(SUBJECTS))
    area = rng.choice(AREAS)
    return f"{title[:-1]} {area}{title[-1]}" if area and title.endswith("?") else title


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("discussions")
    members_of = build.state["members_of"]
    names = build.state["member_names"]
    community_names = build.state["community_names"]
    active = build.state["active"]
    weights = build.state["community_weights"]

    # Threads: where, when (ids follow time), by whom, how many posts.
    per_community = distribute(scale.threads, [weights[i] for i in active], rng)
    community_of = [c for c, n in zip(active, per_community, strict=True) for _ in range(n)]
    rng.shuffle(community_of)
    created = sorted(-rng.uniform(0.2, 1000) * DAY for _ in range(scale.threads))
    # The long thread: started about two years ago in the busiest community, by the reader.
    long_thread = min(range(scale.threads), key=lambda i: abs(created[i] + 700 * DAY))
    if community_of[long_thread] != 0:
        swap = community_of.index(0)
        community_of[swap], community_of[long_thread] = community_of[long_thread], 0
    shares = [min(rng.paretovariate(1.6), 80.0) for _ in range(scale.threads - 1)]
    counts = distribute(scale.posts - scale.long_thread_posts, shares, rng)
    counts.insert(long_thread, scale.long_thread_posts)

    # Plan every post: (time, thread, position, author), then number them in time order.
    plan = []
    authors = []
    casts = []
    for t in range(scale.threads):
        people = members_of[community_of[t]] or [READER]
        author = READER if t == long_thread else rng.choice(people)
        n = counts[t]
        cast = rng.sample(people, min(len(people), 250, int(n**0.7) + 2)) + [author]
        # Most threads go quiet within days; the long one is still going: its last
        # reply came an hour ago, so it heads the reader's feed at every scale.
        gap = min(8 * 3600.0, -created[t] * 0.9 / n)
        gaps = [rng.expovariate(1 / gap) for _ in range(n - 1)]
        if t == long_thread:
            stretch = (-created[t] - 3600.0) / sum(gaps)
            gaps = [g * stretch for g in gaps]
        when = created[t]
        plan.append((when, t, 1, author))
        for position, pause in enumerate(gaps, start=2):
            when += pause
            replier = author if rng.random() < 0.2 else rng.choice(cast)
            plan.append((when, t, position, replier))
        authors.append(author)
        casts.append(cast)
    plan.sort()

    thread_rows, titles, last_post = [], [], [0.0] * scale.threads
    for when, t, _, _ in plan:
        last_post[t] = when
    for t in range(scale.threads):
        title = (
            "Our year of PDSA cycles on the discharge checklist"
            if t == long_thread
            else _title(rng)
        )
        titles.append(title)
        thread_rows.append({
            "id": t + 1, "community_id": community_of[t] + 1, "author_id": authors[t],
            "title": title, "slug": slugify(title) or "thread",
            "created_at": ANCHOR + timedelta(seconds=created[t]),
            "last_post_at": ANCHOR + timedelta(seconds=last_post[t]), "post_count": counts[t],
            "is_pinned": rng.random() < 0.002, "is_locked": rng.random() < 0.005,
            "is_resolved": rng.random() < 0.1, "key_post_id": None,
        })  # fmt: skip
    with build.progress("threads", scale.threads) as bar:
        for chunk in batched(thread_rows):
            build.insert("threads", chunk)
            bar.update(len(chunk))
    del thread_rows
    build.commit()

    _write_posts(build, rng, plan, authors, casts, titles, community_names, names)

    # Key learnings, then the counters that lists show.
    ids_by_thread = build.state.pop("ids_by_thread")
    threads = build.table("threads")
    keys = []
    for t in range(scale.threads):
        if counts[t] >= 3 and (t == long_thread or rng.random() < 0.2):
            keys.append({"tid": t + 1, "kid": ids_by_thread[t][rng.randrange(1, counts[t])]})
    key_post = threads.update().where(threads.c.id == sa.bindparam("tid"))
    build.connection.execute(key_post.values(key_post_id=sa.bindparam("kid")), keys)
    communities = build.table("communities")
    thread_count = [0] * len(community_names)
    last_activity = [None] * len(community_names)
    for t in range(scale.threads):
        c = community_of[t]
        thread_count[c] += 1
        last_activity[c] = max(last_activity[c] or last_post[t], last_post[t])
    build.connection.execute(
        communities.update().where(communities.c.id == sa.bindparam("cid")).values(
            thread_count=sa.bindparam("n"), last_activity_at=sa.bindparam("at")),
        [{"cid": c + 1, "n": thread_count[c],
          "at": ANCHOR + timedelta(seconds=last_activity[c]) if last_activity[c] else None}
         for c in range(len(community_names))],
    )  # fmt: skip
    build.commit()

    slug = slugify(titles[long_thread])
    build.landmarks.update(
        thread_id=long_thread + 1,
        thread=f"/communities/{build.landmarks['community']}/threads/{long_thread + 1}-{slug}",
        thread_last_page=math.ceil(scale.long_thread_posts / POSTS_PER_PAGE),
    )


def _write_posts(build: Build, rng, plan, authors, casts, titles, community_names, names) -> None:
    scale = build.scale
    prose = Prose(build.rng("discussions-prose"))
    post_author = array("i", [0]) * (len(plan) + 1)
    ids_by_thread: list[list[int]] = [[] for _ in range(scale.threads)]
    watchers: list[set[int]] = [set() for _ in range(scale.threads)]
    community_of = {}
    for row in build.connection.execute(sa.text("SELECT id, community_id FROM threads")):
        community_of[row[0] - 1] = row[1]
    read_before = -14 * DAY

    def rows_for(batch_start: int, batch):
        posts, reactions, revisions, notes = [], [], [], []
        for offset, (when, t, position, author) in enumerate(batch):
            post_id = batch_start + offset + 1
            at = ANCHOR + timedelta(seconds=when)
            earlier = ids_by_thread[t]
            reply_to = None
            if position > 2 and rng.random() < 0.15:
                reply_to = rng.choice(earlier[-20:])
            helpful = 0
            if rng.random() < 0.1:
                fans = {u for u in rng.sample(casts[t], min(3, len(casts[t]))) if u != author}
                helpful = len(fans)
                reactions += [{"post_id": post_id, "user_id": u, "created_at": at} for u in fans]
            body = prose.post()
            html = to_html(body)
            edited = rng.random() < 0.01
            roll = rng.random()
            posts.append({
                "id": post_id, "thread_id": t + 1, "position": position, "author_id": author,
                "reply_to_id": reply_to, "body_source": body, "body_html": html,
                "render_version": RENDER_VERSION, "created_at": at,
                "edited_at": at + timedelta(hours=1) if edited else None,
                "edit_count": 1 if edited else 0, "helpful_count": helpful,
                "deleted_at": at + timedelta(hours=2) if roll < 0.002 else None,
                "hidden_at": at + timedelta(hours=3) if 0.002 <= roll < 0.003 else None,
                "hidden_reason": "facilitator" if 0.002 <= roll < 0.003 else "",
            })  # fmt: skip
            if edited:
                first = prose.post()
                revisions += [
                    {"post_id": post_id, "number": 1, "body_source": first,
                     "body_html": to_html(first), "written_at": at},
                    {"post_id": post_id, "number": 2, "body_source": body, "body_html": html,
                     "written_at": at + timedelta(hours=1)},
                ]  # fmt: skip
            where = f"“{titles[t]}” in {community_names[community_of[t] - 1]}"
            told = {}
            if position > 1 and authors[t] != author:
                told[authors[t]] = ("reply", f"{names[author]} replied in {where}")
            if reply_to and post_author[reply_to] not in (author, authors[t]):
                told[post_author[reply_to]] = (
                    "reply_to_you",
                    f"{names[author]} replied to you in {where}",
                )
            for recipient, (kind, text) in told.items():
                notes.append({
                    "recipient_id": recipient, "kind": kind, "actor_id": author,
                    "community_id": community_of[t], "thread_id": t + 1, "post_id": post_id,
                    "text": text[:300], "created_at": at,
                    "read_at": at + timedelta(days=1) if when < read_before else None,
                    "emailed_at": None,
                })  # fmt: skip
            post_author[post_id] = author
            earlier.append(post_id)
            watchers[t].add(author)
        return posts, reactions, revisions, notes

    with build.progress("posts", len(plan)) as bar:
        for start in range(0, len(plan), 5000):
            batch = plan[start : start + 5000]
            posts, reactions, revisions, notes = rows_for(start, batch)
            build.insert("posts", posts)
            build.insert("helpful_reactions", reactions)
            build.insert("post_revisions", revisions)
            build.insert("notifications", notes)
            bar.update(len(batch))
    build.commit()

    def watches():
        for t, people in enumerate(watchers):
            for user_id in sorted(people):
                yield {"user_id": user_id, "thread_id": t + 1, "level": "watching"}

    build.insert("thread_watches", watches())
    build.commit()
    build.state["ids_by_thread"] = ids_by_thread
