"""Reading methods: the library, counts for a page of methods, history, uses.

Every list is built on visibility.visible_methods_clause and loads what its
page shows in a fixed number of queries, however many methods there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from flask import abort

from community.accounts.models import ExpertiseTag, TagKind, User
from community.communities.models import Community, CommunityStatus
from community.core.extensions import db
from community.directory.models import Organisation
from community.methods.models import (
    Adaptation,
    Method,
    MethodImpact,
    MethodRevision,
    MethodSetting,
    MethodStatus,
    MethodUse,
    method_tags,
)
from community.methods.vocabulary import IMPACT_COMPONENTS, CareSetting
from community.projects.method_links import projects_using
from community.visibility import (
    authored_method_ids,
    member_community_ids,
    visible_community_ids,
    visible_methods_clause,
)

SORTS = {
    "newest": "Newest",
    "used": "Most used",
    "adapted": "Most adapted",
}


@dataclass
class LibraryFilters:
    approach: ExpertiseTag | None = None
    impact: int | None = None
    setting: str | None = None
    community: Community | None = None
    sort: str = "newest"
    mine: bool = False

    @property
    def active(self) -> bool:
        return any((self.approach, self.impact, self.setting, self.community, self.mine))


def read_filters(args, user) -> LibraryFilters:
    """The library's filters from the query string; unknown values are ignored."""
    filters = LibraryFilters(sort=args.get("sort") if args.get("sort") in SORTS else "newest")
    slug = (args.get("approach") or "").strip()
    if slug:
        filters.approach = db.session.scalar(
            sa.select(ExpertiseTag).where(ExpertiseTag.slug == slug)
        )
    impact = args.get("impact", type=int)
    if impact in IMPACT_COMPONENTS:
        filters.impact = impact
    setting = args.get("setting")
    if setting in {s.value for s in CareSetting}:
        filters.setting = setting
    community_slug = (args.get("community") or "").strip()
    if community_slug:
        filters.community = db.session.scalar(
            sa.select(Community).where(
                Community.slug == community_slug, Community.id.in_(visible_community_ids(user))
            )
        )
    filters.mine = args.get("show") == "mine"
    return filters


def library_page(user, filters: LibraryFilters, page: int, per_page: int):
    """Published methods `user` may see (or all of their own, drafts too), filtered and sorted."""
    query = sa.select(Method).where(visible_methods_clause(user))
    if filters.mine:
        query = query.where(Method.id.in_(authored_method_ids(user)))
    else:
        query = query.where(Method.status == MethodStatus.PUBLISHED)
    if filters.approach is not None:
        query = query.where(
            Method.id.in_(
                sa.select(method_tags.c.method_id).where(
                    method_tags.c.tag_id == filters.approach.id
                )
            )
        )
    if filters.impact is not None:
        query = query.where(
            Method.id.in_(
                sa.select(MethodImpact.method_id).where(MethodImpact.component == filters.impact)
            )
        )
    if filters.setting is not None:
        query = query.where(
            Method.id.in_(
                sa.select(MethodSetting.method_id).where(MethodSetting.setting == filters.setting)
            )
        )
    if filters.community is not None:
        query = query.where(Method.community_id == filters.community.id)
    if filters.sort == "used":
        order = [Method.use_count.desc()]
    elif filters.sort == "adapted":
        order = [Method.adaptation_count.desc()]
    else:
        order = []
    if filters.mine:
        order += [Method.updated_at.desc()]
    order += [Method.published_at.desc().nulls_last(), Method.id.desc()]
    return db.paginate(query.order_by(*order), page=page, per_page=per_page, error_out=False)


def approach_choices() -> list[ExpertiseTag]:
    return list(
        db.session.scalars(
            sa.select(ExpertiseTag)
            .where(ExpertiseTag.kind == TagKind.APPROACH)
            .order_by(ExpertiseTag.name)
        )
    )


def communities_with_methods(user, limit: int = 200) -> list[Community]:
    """Visible communities that have published methods `user` may see, for the filter."""
    with_methods = sa.select(Method.community_id).where(
        Method.community_id.is_not(None),
        Method.status == MethodStatus.PUBLISHED,
        visible_methods_clause(user),
    )
    return list(
        db.session.scalars(
            sa.select(Community)
            .where(Community.id.in_(with_methods))
            .order_by(Community.name)
            .limit(limit)
        )
    )


def visible_adaptation_counts(user, method_ids: list[int]) -> dict[int, int]:
    """How many published adaptations of each method `user` can see (one query)."""
    if not method_ids:
        return {}
    rows = db.session.execute(
        sa.select(Method.parent_id, sa.func.count(Method.id))
        .where(
            Method.parent_id.in_(method_ids),
            Method.status == MethodStatus.PUBLISHED,
            visible_methods_clause(user),
        )
        .group_by(Method.parent_id)
    )
    return dict(rows.all())


# A method named in a list or a link: its tags and settings stay unread.
_LISTED_ONLY = (
    sa.orm.lazyload(Method.tags),
    sa.orm.lazyload(Method.impact_rows),
    sa.orm.lazyload(Method.setting_rows),
)


class AdaptationLink(NamedTuple):
    """An adaptation as a method page lists it: its title, and where it was adapted."""

    id: int
    slug: str
    title: str
    organisation: str | None


def adaptations_of(user, method: Method, limit: int = 50) -> list[AdaptationLink]:
    """Published direct adaptations of `method` that `user` can see, newest first,
    each with the organisation that adapted it.

    Found by their parent, then sorted: `status || ''` keeps SQLite from walking
    every published method newest first instead (20 000 of them; 0.15 s). Plain
    columns: a whole method with its adaptation record is dozens of columns of
    text, about 1 ms each.
    """
    rows = db.session.execute(
        sa.select(Method.id, Method.slug, Method.title, Organisation.name)
        .outerjoin(Adaptation, Adaptation.method_id == Method.id)
        .outerjoin(Organisation, Organisation.id == Adaptation.organisation_id)
        .where(
            Method.parent_id == method.id,
            Method.status + "" == MethodStatus.PUBLISHED,
            visible_methods_clause(user),
        )
        .order_by(Method.published_at.desc(), Method.id.desc())
        .limit(limit)
    )
    return [AdaptationLink(*row) for row in rows]


class MethodLink(NamedTuple):
    """A method named in a link: all the link shows."""

    id: int
    slug: str
    title: str


@dataclass
class ParentLink:
    """Where an adaptation came from, as far as the reader may know."""

    method: MethodLink | None  # None when the reader cannot open it
    state: str  # "visible", "unpublished" (unpublished or deleted) or "hidden"


def parent_link(user, method: Method) -> ParentLink | None:
    """The parent by its title when the reader may see it (one statement, by the rule
    every list uses), else whether it is gone from view or only not theirs to see."""
    if method.parent_id is None:
        return None
    row = db.session.execute(
        sa.select(Method.id, Method.slug, Method.title).where(
            Method.id == method.parent_id, visible_methods_clause(user)
        )
    ).first()
    if row is not None:
        return ParentLink(MethodLink(*row), "visible")
    status = db.session.scalar(sa.select(Method.status).where(Method.id == method.parent_id))
    if status != MethodStatus.PUBLISHED:  # unpublished, deleted or gone
        return ParentLink(None, "unpublished")
    return ParentLink(None, "hidden")


@dataclass
class UseSummary:
    members: int
    organisations: int
    systems: int
    used_by_me: bool
    # Improvement projects that link the method, of those the reader may see.
    projects: list = field(default_factory=list)  # the most recently active few
    project_count: int = 0


def use_summary(user, method: Method) -> UseSummary:
    systems, mine = db.session.execute(
        sa.select(
            sa.func.count(sa.distinct(Organisation.system_id)),
            sa.func.max(sa.case((MethodUse.user_id == user.id, 1), else_=0)),
        )
        .select_from(MethodUse)
        .outerjoin(Organisation, MethodUse.organisation_id == Organisation.id)
        .where(MethodUse.method_id == method.id)
    ).one()
    projects, project_count = projects_using(user, [method.id], limit=5)
    return UseSummary(
        members=method.use_count,
        organisations=method.organisation_count,
        systems=systems or 0,
        used_by_me=bool(mine),
        projects=projects,
        project_count=project_count,
    )


def revisions_of(method: Method) -> list[MethodRevision]:
    return list(
        db.session.scalars(
            sa.select(MethodRevision)
            .where(MethodRevision.method_id == method.id)
            .order_by(MethodRevision.number.desc())
        )
    )


def revision_or_404(method: Method, number: int) -> MethodRevision:
    revision = db.session.scalar(
        sa.select(MethodRevision).where(
            MethodRevision.method_id == method.id, MethodRevision.number == number
        )
    )
    if revision is None:
        abort(404)
    return revision


def communities_for(user: User, current: Community | None = None) -> list[Community]:
    """Communities `user` may share a method in: active ones they belong to."""
    query = sa.select(Community).where(Community.status == CommunityStatus.ACTIVE)
    if not user.is_admin:
        query = query.where(Community.id.in_(member_community_ids(user)))
    found = list(db.session.scalars(query.order_by(Community.name).limit(500)))
    if current is not None and current.id not in {c.id for c in found}:
        found.insert(0, current)
    return found
