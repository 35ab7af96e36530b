"""Demo methods: originals, adaptation chains across systems, revisions, uses and comments.

Made through the same services members use, so revisions, counters, threads
and notifications are what the product would hold; then dated into the past
in the order they were made, so parents are always older than adaptations.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from community.accounts.models import ExpertiseTag, User
from community.communities.models import Community, Membership
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.demo import methods_data as data
from community.discussions import services as discussions
from community.discussions.models import Post, Thread
from community.methods import services, uses
from community.methods.content import AdaptationContext, MethodContent
from community.methods.models import Method, MethodRevision, MethodUse
from community.methods.snapshots import content_of, context_of
from community.methods.vocabulary import SECTION_KEYS


def _content(
    spec: dict,
    tags: dict,
    community: Community | None,
    co_authors: list[User],
    parent: Method | None = None,
    original_summary: str = "",
):
    """The form content for `spec`; an adaptation starts from its parent's text, as on the site."""
    summary, sections = spec.get("summary", ""), {key: spec.get(key, "") for key in SECTION_KEYS}
    if parent is not None:
        population = spec["context"]["population"]
        summary = summary or (
            f"An adaptation of {parent.title} for {population[0].lower()}{population[1:]}. "
            f"{original_summary}"
        )
        sections = {key: spec.get(key) or parent.section_source(key) for key in SECTION_KEYS}
    return MethodContent(
        title=spec["title"],
        summary=summary,
        sections=sections,
        approach_ids=[tags[slug].id for slug in spec["approaches"]],
        free_tags=spec.get("free_tags", ""),
        impacts=list(spec["impacts"]),
        settings=list(spec["settings"]),
        community_id=community.id if community else None,
        co_authors=", ".join(u.username for u in co_authors),
    )


def _members_of(community: Community) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id, User.email_confirmed_at.is_not(None))
            .order_by(User.id)
        )
    )


def _adapter(rng: random.Random, people: list[User], parent: Method, org_type: str) -> User:
    """Someone from another system, from the kind of organisation the adaptation is for."""
    home = parent.lead_author.organisation.system_id
    elsewhere = [p for p in people if p.organisation and p.organisation.system_id != home]
    fitting = [p for p in elsewhere if p.organisation.type == org_type]
    return rng.choice(fitting or elsewhere or people)


def seed_methods(rng: random.Random, members: list[User], demo_member: User) -> list[Method]:
    people = [m for m in members if m.is_confirmed and m.organisation is not None]
    tags = {t.slug: t for t in db.session.scalars(sa.select(ExpertiseTag))}
    communities = {c.name: c for c in db.session.scalars(sa.select(Community))}
    made: dict[str, Method] = {}
    originals: dict[str, str] = {}  # each method's original summary, down its chain

    for spec in data.ORIGINALS + data.ADAPTATIONS:
        community = communities.get(spec.get("community", ""))
        pool = _members_of(community) if community else people
        parent = made.get(spec.get("parent", ""))
        if spec.get("demo_member"):
            author = demo_member
        elif parent is not None:
            author = _adapter(rng, pool, parent, spec["context"].get("organisation_type", ""))
        else:
            author = rng.choice(pool)
        colleagues = [p for p in pool if p.organisation_id == author.organisation_id]
        co_authors = [p for p in colleagues if p.id != author.id][:1] if rng.random() < 0.4 else []
        if spec["title"] == "Board rounds for community hospital wards":
            co_authors.append(demo_member)
        original = originals.get(spec.get("parent", ""), spec.get("summary", ""))
        originals[spec["title"]] = original
        content = _content(spec, tags, community, co_authors, parent, original)
        if parent is None:
            method = services.create_method(author, content, publish=True)
        else:
            context = AdaptationContext(**spec["context"])
            method = services.create_method(
                author, content, publish=True, parent=parent, context=context
            )
        for edit in spec.get("edits", ()):
            changed = content_of(method)
            changed.sections.update({k: v for k, v in edit.items() if k in SECTION_KEYS})
            services.update_method(
                author, method, changed, base_version=method.version, note=edit["note"]
            )
        if spec.get("results_later"):
            context = context_of(method.adaptation)
            context.results = spec["results_later"]
            services.update_method(
                author, method, content_of(method), base_version=method.version,
                context=context, note="Added results after six months",
            )  # fmt: skip
        made[spec["title"]] = method

    draft = services.create_method(demo_member, _content(data.DRAFT, tags, None, []))
    _use(rng, list(made.values()), people, demo_member)
    _comment(rng, list(made.values()), people)
    _spread_over_time(rng, utcnow())
    return [*made.values(), draft]


def _use(rng: random.Random, methods: list[Method], people: list[User], demo_member: User):
    for method in methods:
        readers = people
        if method.community is not None:
            readers = [p for p in _members_of(method.community) if p.organisation is not None]
        for user in rng.sample(readers, min(len(readers), rng.randint(2, 12))):
            if user.id != demo_member.id:
                uses.record_use(user, method)
    for method in methods[:3]:
        if not db.session.scalar(
            sa.select(MethodUse.id).where(
                MethodUse.method_id == method.id, MethodUse.user_id == demo_member.id
            )
        ):
            uses.record_use(demo_member, method)


def _comment(rng: random.Random, methods: list[Method], people: list[User]):
    open_methods = [m for m in methods if m.community is None]
    for method in rng.sample(open_methods, min(10, len(open_methods))):
        thread = services.thread_of(method)
        for text in rng.sample(data.COMMENTS, rng.randint(1, 3)):
            discussions.reply(rng.choice(people), thread, text)


def _spread_over_time(rng: random.Random, now) -> None:
    """Date methods over the last year in the order they were made, and what followed."""
    moment = now - timedelta(days=330)
    for method in db.session.scalars(sa.select(Method).order_by(Method.id)):
        moment += timedelta(days=rng.randint(4, 12), hours=rng.randint(0, 8))
        method.created_at = moment - timedelta(days=rng.randint(1, 5))
        if method.first_published_at is not None:
            method.first_published_at = method.published_at = moment
        revisions = db.session.scalars(
            sa.select(MethodRevision)
            .where(MethodRevision.method_id == method.id)
            .order_by(MethodRevision.number)
        )
        when = moment
        for revision in revisions:
            revision.created_at = when
            when += timedelta(days=rng.randint(10, 40))
        method.updated_at = when - timedelta(days=1) if when > moment else moment
        for use in db.session.scalars(sa.select(MethodUse).where(MethodUse.method_id == method.id)):
            use.created_at = min(now, moment + timedelta(days=rng.randint(1, 60)))
        thread = db.session.scalar(sa.select(Thread).where(Thread.method_id == method.id))
        if thread is not None:
            thread.created_at = thread.last_post_at = method.created_at
            posts = db.session.scalars(
                sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.position)
            )
            for post in posts:
                post.created_at = thread.last_post_at = min(
                    now, thread.last_post_at + timedelta(days=rng.randint(1, 20))
                )
    db.session.commit()
