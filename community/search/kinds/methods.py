"""Methods (and their adaptations) in search.

A method's document is its title; its summary, sections and, for an
adaptation, the population and what changed, why and with what results; and,
as tags, its improvement approaches and other tags, care settings and NHS
IMPACT components (so ``tag:lean`` or ``tag:"primary care"`` finds it). It
carries its community, and the author who started it with their organisation
and system (which move with them, as for what they write in discussions).

Who may find it is `visible_methods_clause`, the rule every methods page
uses: never once deleted (a deleted method also leaves the index), a draft
only by its authors, a method in a community only by those who may read that
community. Drafts stay in the index so their authors can find them.

Boost: +0.05 for each member who says they have used it, up to +0.5 (ten
uses). Adaptation counts are left out: an adaptation in a private community
would otherwise lift its parent for everyone.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation
from community.methods.models import Method
from community.methods.vocabulary import IMPACT_COMPONENTS, SECTION_KEYS, CareSetting
from community.search.hits import Hit
from community.search.index import Document, Kind, plain_text, register_kind, save_or_remove
from community.search.models import SearchDocument
from community.visibility import visible_methods_clause

KIND = "method"
USE_BOOST, MAX_USE_BOOST = 0.05, 0.5


def use_boost(uses: int) -> float:
    return min(USE_BOOST * max(uses or 0, 0), MAX_USE_BOOST)


def _tags(method: Method) -> tuple[str, ...]:
    names = [tag.name for tag in method.tags]
    names += method.care_setting_labels
    if method.adaptation is not None and method.adaptation.care_setting:
        names.append(CareSetting(method.adaptation.care_setting).label)
    names += [IMPACT_COMPONENTS[n] for n in method.impact_components]
    return tuple(dict.fromkeys(names))


def _body(method: Method) -> str:
    parts = [method.summary, *(plain_text(method.section_html(key)) for key in SECTION_KEYS)]
    adaptation = method.adaptation
    if adaptation is not None:
        parts += [adaptation.population,
                  *(plain_text(getattr(adaptation, f"{name}_html"))
                    for name in ("what_changed", "why", "results"))]  # fmt: skip
    return " ".join(part for part in parts if part)


def _document(method: Method, organisation_id: int | None, system_id: int | None):
    if method.is_deleted:
        return None
    return Document(
        KIND, method.id, title=method.title, body=_body(method), tags=_tags(method),
        dated_at=method.first_published_at or method.created_at,
        community_id=method.community_id, author_id=method.created_by_id,
        organisation_id=organisation_id, system_id=system_id,
        boost=1.0 + use_boost(method.use_count),
    )  # fmt: skip


def _documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    rows = db.session.execute(
        sa.select(Method, Organisation.id, Organisation.system_id)
        .outerjoin(User, User.id == Method.created_by_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(where)
        .order_by(Method.id)
        .limit(limit)
    ).all()
    return [(method.id, _document(method, org_id, sys_id)) for method, org_id, sys_id in rows]


def method_changed(method: Method) -> None:
    """After a method is written, edited, published, unpublished, deleted or used."""
    db.session.flush()
    for object_id, document in _documents(Method.id == method.id):
        save_or_remove(KIND, object_id, document)


# ------------------------------------------------------------------ who may see them


def _visible(user) -> sa.ColumnElement[bool]:
    return sa.exists().where(Method.id == SearchDocument.object_id, visible_methods_clause(user))


# ------------------------------------------------------------------ result lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _describe(ids: list[int], viewer=None) -> dict[int, Hit]:
    methods = list(db.session.scalars(sa.select(Method).where(Method.id.in_(ids))))
    parent_ids = {m.parent_id for m in methods if m.parent_id is not None}
    parents = {}
    if parent_ids and viewer is not None:  # named only if the viewer may open the parent
        parents = dict(db.session.execute(
            sa.select(Method.id, Method.title)
            .where(Method.id.in_(parent_ids), visible_methods_clause(viewer))
        ).all())  # fmt: skip
    hits = {}
    for method in methods:
        authors = ", ".join(a.user.name for a in method.authors) or "a former member"
        byline = f"By {authors}"
        if method.parent_id is not None:
            parent = parents.get(method.parent_id)
            byline = (f"Adapted from “{parent}”" if parent else "An adaptation") + f" · {byline}"
        if method.use_count:
            byline += f" · Used by {_plural(method.use_count, 'member')}"
        places = []
        if method.community is not None:
            community = method.community
            places.append((community.name, url_for("communities.home", slug=community.slug)))
        hits[method.id] = Hit(
            label="Adaptation" if method.parent_id is not None else "Method",
            title=method.title,
            url=url_for("methods.method", method_id=method.id, slug=method.slug),
            dated_at=method.first_published_at or method.created_at,
            date_label="Published" if method.first_published_at else "Started",
            places=places, byline=byline,
            badges=[] if method.is_published else ["Draft"],
            tags_label="Classified as",
        )  # fmt: skip
    return hits


register_kind(
    Kind(
        name=KIND, group="methods", visible=_visible,
        expected=lambda after, limit: _documents(Method.id > after, limit),
        count=lambda: db.session.scalar(sa.select(sa.func.count(Method.id))),
        describe=_describe, located_by_author=True,
    )
)  # fmt: skip
