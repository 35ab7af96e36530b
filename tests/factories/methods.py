"""Methods, drafts and adaptations, and lineage trees made directly for query counts.

Methods are made through the real services, so revisions, counters, threads
and notifications are exactly what the product would hold.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from flask import g
from helpers import sign_in_as

from community.accounts.models import ExpertiseTag
from community.core.extensions import db
from community.core.slugs import slugify
from community.discussions.models import Thread
from community.methods import services
from community.methods.content import AdaptationContext, MethodContent
from community.methods.models import Method

_numbers = itertools.count(1)


def approach(slug: str = "lean") -> ExpertiseTag:
    return db.session.scalar(sa.select(ExpertiseTag).where(ExpertiseTag.slug == slug))


def content(title: str | None = None, **fields) -> MethodContent:
    """Content that can be published: title, summary, when/how, one approach."""
    sections = {
        "when_to_use": "When a ward wants fewer delays.",
        "how_to": "1. Meet at 9am\n2. Review every patient\n3. Agree one action each",
        "what_you_need": "A whiteboard and 15 minutes.",
        "evidence": "",
        "pitfalls": "",
    }
    sections.update(fields.pop("sections", {}))
    return MethodContent(
        title=f"Board round {next(_numbers)}" if title is None else title,
        summary=fields.pop("summary", "A short daily meeting to plan each patient's day."),
        sections=sections,
        approach_ids=fields.pop("approach_ids", None) or [approach().id],
        **fields,
    )


def context(**fields) -> AdaptationContext:
    values = {
        "care_setting": "community",
        "population": "People over 75 at home",
        "scale": "team",
        "what_changed": "Held by phone instead of at the bedside.",
        "why": "The team works across a whole town.",
    }
    values.update(fields)
    return AdaptationContext(**values)


def publish_method(author, title: str | None = None, **fields) -> Method:
    return services.create_method(author, content(title, **fields), publish=True)


def draft_method(author, title: str | None = None, **fields) -> Method:
    return services.create_method(author, content(title, **fields), publish=False)


def adapt(author, parent: Method, title: str | None = None, publish: bool = True, **fields):
    ctx = context(**fields.pop("context", {}))
    widen = fields.pop("widen_audience", False)
    return services.create_method(
        author, content(title, **fields), publish=publish, parent=parent, context=ctx,
        widen_audience=widen,
    )  # fmt: skip


def switch_to(client, user):
    """Sign `client` in as `user` mid-test.

    The test's application context is shared with the requests it makes, and
    Flask-Login keeps the signed-in user on `g` for that context, so a second
    user needs the first one cleared as well as a new session.
    """
    sign_in_as(client, user)
    g.pop("_login_user", None)
    return client


def build_tree(author, organisations, level_sizes, *, title="Root method"):
    """A published method with adaptations in levels of the given sizes, made directly.

    Each level's adaptations hang round-robin from the previous level's; each
    is made at one of `organisations` in turn. Returns (root, levels).
    """
    from community.core.timefmt import utcnow
    from community.methods.models import Adaptation, AuthorRole, MethodAuthor, MethodStatus

    now = utcnow()

    def method(name, parent=None, organisation=None):
        made = Method(
            title=name, slug=slugify(name), summary="A method.", status=MethodStatus.PUBLISHED,
            parent_id=parent.id if parent else None, published_at=now, first_published_at=now,
            created_by_id=author.id, version=1, use_count=0, organisation_count=0,
            adaptation_count=0, render_version=1, how_to_source="Steps", how_to_html="<p>Steps</p>",
        )  # fmt: skip
        made.authors = [MethodAuthor(user_id=author.id, role=AuthorRole.LEAD)]
        if parent is not None:
            made.adaptation = Adaptation(
                care_setting="community", population="Older people", scale="team",
                organisation_id=organisation.id, what_changed_source="Changed",
                what_changed_html="<p>Changed</p>", why_source="Because", why_html="<p>Because</p>",
                render_version=1,
            )  # fmt: skip
        db.session.add(made)
        return made

    root = method(title)
    db.session.flush()
    levels, previous, count = [], [root], 0
    for size in level_sizes:
        level = []
        for index in range(size):
            count += 1
            parent = previous[index % len(previous)]
            organisation = organisations[count % len(organisations)]
            level.append(method(f"{title} adaptation {count}", parent, organisation))
        db.session.flush()
        levels.append(level)
        previous = level
    for made in [root, *(m for level in levels for m in level)]:
        db.session.add(Thread(method_id=made.id, author_id=author.id, title=made.title,
                              slug=made.slug, post_count=0))  # fmt: skip
    db.session.commit()
    return root, levels
