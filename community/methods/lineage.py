"""A method's lineage (where it came from, what was adapted from it) and its spread.

Both directions are walked by recursive common table expressions, so the
number of queries is the same for a chain of 2 or of 200, and for 5 or 500
adaptations. A method the reader may not open still holds its place in the
tree when a visible adaptation hangs below it, shown only as "no longer
published" or "not available to you": its title, authors, organisation and
community never reach the page. Hidden methods with nothing visible below
them are left out altogether.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation, System
from community.methods.models import (
    Adaptation,
    AdaptationLabels,
    AuthorRole,
    Method,
    MethodAuthor,
    MethodState,
    MethodUse,
)
from community.projects.method_links import project_uses_by_organisation
from community.visibility import visible_methods_clause

MAX_DEPTH = 1000  # a guard only: a parent is fixed when a method is created, so no cycles
MAX_DESCENDANTS = 1000  # the most a lineage page draws


class Place(NamedTuple):
    """Where a version was made, as a lineage entry names it."""

    name: str
    system_name: str


@dataclass(frozen=True, slots=True)
class AdaptationFacts(AdaptationLabels):
    """What a lineage entry says of how a method was adapted."""

    care_setting: str
    population: str
    scale: str
    organisation_id: int | None
    what_changed_source: str
    what_changed_html: str


@dataclass(frozen=True, slots=True)
class FamilyMethod(MethodState):
    """A method as a lineage entry shows it: plain columns, not a `Method` with its
    text, authors and adaptation record (a family of 400 cost about 0.2 s that way)."""

    id: int
    slug: str
    title: str
    status: str
    community_id: int | None
    parent_id: int | None
    published_at: datetime | None
    adaptation: AdaptationFacts | None
    place: Place | None  # the adapting organisation, else the lead author's


@dataclass
class LineageNode:
    method: FamilyMethod
    depth: int
    visible: bool
    children: list[LineageNode] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.method.id

    @property
    def state(self) -> str:
        """visible, unpublished (unpublished or deleted) or hidden (a private community's)."""
        if self.visible:
            return "visible"
        return "hidden" if self.method.is_published else "unpublished"

    @property
    def organisation(self) -> Place | None:
        """Where this version was made: the adapting organisation, else the lead author's."""
        return self.method.place


def _family_rows(family: sa.Select) -> sa.Select:
    """`family` (selecting from Method) with each method's entry in plain columns after."""
    lead_organisation = (
        sa.select(User.organisation_id)
        .join(MethodAuthor, MethodAuthor.user_id == User.id)
        .where(MethodAuthor.method_id == Method.id, MethodAuthor.role == AuthorRole.LEAD)
        .limit(1)
        .scalar_subquery()
    )
    place, system = aliased(Organisation), aliased(System)
    return (
        family.add_columns(
            Method.id,
            Method.slug,
            Method.title,
            Method.status,
            Method.community_id,
            Method.parent_id,
            Method.published_at,
            Adaptation.method_id,
            Adaptation.care_setting,
            Adaptation.population,
            Adaptation.scale,
            Adaptation.organisation_id,
            Adaptation.what_changed_source,
            Adaptation.what_changed_html,
            place.name,
            system.name,
        )  # fmt: skip
        .outerjoin(Adaptation, Adaptation.method_id == Method.id)
        .outerjoin(
            place, place.id == sa.func.coalesce(Adaptation.organisation_id, lead_organisation)
        )
        .outerjoin(system, system.id == place.system_id)
    )


def _family_method(row: sa.Row, first: int) -> FamilyMethod:
    """The FamilyMethod in `row`'s columns from `first` on (see `_family_rows`)."""
    values = tuple(row)[first:]
    adaptation = AdaptationFacts(*values[8:14]) if values[7] is not None else None
    place = Place(values[14], values[15]) if values[14] is not None else None
    return FamilyMethod(*values[:7], adaptation, place)


def family_member(method_id: int) -> FamilyMethod:
    """One method as its own lineage entry shows it (the page's own method)."""
    row = db.session.execute(
        _family_rows(sa.select().select_from(Method)).where(Method.id == method_id)
    ).one()
    return _family_method(row, 0)


def ancestors(user, method) -> list[LineageNode]:
    """Every method `method` descends from, the original first (one query)."""
    if method.parent_id is None:
        return []
    parent = aliased(Method)
    up = (
        sa.select(Method.id, Method.parent_id, sa.literal(1).label("depth"))
        .where(Method.id == method.parent_id)
        .cte("ancestors", recursive=True)
    )
    up = up.union_all(
        sa.select(parent.id, parent.parent_id, up.c.depth + 1)
        .join(up, parent.id == up.c.parent_id)
        .where(up.c.depth < MAX_DEPTH)
    )
    visible = sa.case((visible_methods_clause(user), True), else_=False)
    rows = db.session.execute(
        _family_rows(
            sa.select(up.c.depth, visible).select_from(Method).join(up, Method.id == up.c.id)
        ).order_by(up.c.depth.desc())
    ).all()
    return [LineageNode(_family_method(row, 2), -row[0], bool(row[1])) for row in rows]


@dataclass
class Descendants:
    roots: list[LineageNode]  # the direct adaptations (after pruning)
    visible: list[LineageNode]  # every visible descendant, nearest first
    truncated: bool

    def events(self):
        """The tree as a flat sequence, so a template draws any depth without recursion.

        ("open", None) starts a list, ("item", node) starts an entry, ("end", None)
        finishes the entry and ("close", None) the list.
        """
        if not self.roots:
            return
        yield "open", None
        levels = [iter(self.roots)]
        while levels:
            node = next(levels[-1], None)
            if node is None:
                levels.pop()
                yield "close", None
                if levels:
                    yield "end", None
                continue
            yield "item", node
            if node.children:
                yield "open", None
                levels.append(iter(node.children))
            else:
                yield "end", None


def descendants(user, method, limit: int = MAX_DESCENDANTS) -> Descendants:
    """Every adaptation of `method`, at any depth, as a tree (one query)."""
    child = aliased(Method)
    down = (
        sa.select(Method.id, sa.literal(1).label("depth"))
        .where(Method.parent_id == method.id)
        .cte("descendants", recursive=True)
    )
    down = down.union_all(
        sa.select(child.id, down.c.depth + 1)
        .join(down, child.parent_id == down.c.id)
        .where(down.c.depth < MAX_DEPTH)
    )
    visible = sa.case((visible_methods_clause(user), True), else_=False)
    rows = db.session.execute(
        _family_rows(
            sa.select(down.c.depth, visible).select_from(Method).join(down, Method.id == down.c.id)
        )
        .order_by(down.c.depth, Method.published_at, Method.id)
        .limit(limit + 1)
    ).all()
    truncated = len(rows) > limit
    nodes = {}
    for row in rows[:limit]:
        node = LineageNode(_family_method(row, 2), row[0], bool(row[1]))
        nodes[node.id] = node
    roots: list[LineageNode] = []
    for node in nodes.values():  # parents come before children: ordered by depth
        parent = nodes.get(node.method.parent_id)
        (parent.children if parent is not None else roots).append(node)
    # Keep a hidden node only when something visible hangs below it (deepest first).
    keep: dict[int, bool] = {}
    for node in sorted(nodes.values(), key=lambda n: -n.depth):
        node.children = [c for c in node.children if keep[c.id]]
        keep[node.id] = node.visible or bool(node.children)
    roots = [n for n in roots if keep[n.id]]
    shown = [n for n in nodes.values() if n.visible]
    return Descendants(roots=roots, visible=shown, truncated=truncated)


# ------------------------------------------------------------------ spread


@dataclass
class SpreadOrganisation:
    organisation: Organisation
    members_using: int = 0  # members who said they used this method
    adaptation_users: int = 0  # members who used one of its adaptations
    adaptations: list[FamilyMethod] = field(default_factory=list)  # adaptations made here
    projects: int = 0  # improvement projects here that use it or one of its adaptations

    @property
    def kind(self) -> str:
        used = self.members_using or self.adaptation_users or self.projects
        if used and self.adaptations:
            return "both"
        return "adapted" if self.adaptations else "used"


@dataclass
class SpreadSystem:
    system: System
    organisations: list[SpreadOrganisation]


@dataclass
class Spread:
    systems: list[SpreadSystem]

    @property
    def organisation_count(self) -> int:
        return sum(len(s.organisations) for s in self.systems)

    @property
    def rows(self) -> list[tuple[SpreadSystem, SpreadOrganisation]]:
        return [(s, o) for s in self.systems for o in s.organisations]


def spread(method: Method, family: Descendants, viewer=None) -> Spread:
    """The organisations and systems that use `method` or adapted it (three queries).

    `family` is the reader's view of its descendants, so adaptations they
    cannot see add nothing (not even a count); likewise, with `viewer`, an
    improvement project that uses the method counts only if they may see it.
    """
    adapted = [n.method for n in family.visible]
    ids = [method.id] + [m.id for m in adapted]
    uses = db.session.execute(
        sa.select(MethodUse.method_id, MethodUse.organisation_id, sa.func.count(MethodUse.id))
        .where(MethodUse.method_id.in_(ids), MethodUse.organisation_id.is_not(None))
        .group_by(MethodUse.method_id, MethodUse.organisation_id)
    ).all()
    made_at = defaultdict(list)
    for m in adapted:
        if m.adaptation is not None and m.adaptation.organisation_id is not None:
            made_at[m.adaptation.organisation_id].append(m)
    project_uses = []
    if viewer is not None:
        project_uses = project_uses_by_organisation(viewer, ids)
    org_ids = {org_id for _, org_id, _ in uses} | set(made_at) | {o for _, o, _ in project_uses}
    if not org_ids:
        return Spread([])
    organisations = {
        o.id: SpreadOrganisation(o)
        for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(org_ids)))
    }
    for method_id, org_id, count in uses:
        entry = organisations[org_id]
        if method_id == method.id:
            entry.members_using += count
        else:
            entry.adaptation_users += count
    for _method_id, org_id, count in project_uses:
        organisations[org_id].projects += count
    for org_id, methods in made_at.items():
        organisations[org_id].adaptations = methods
    by_system: dict[int, SpreadSystem] = {}
    for entry in sorted(organisations.values(), key=lambda e: e.organisation.name):
        system = entry.organisation.system
        by_system.setdefault(system.id, SpreadSystem(system, [])).organisations.append(entry)
    ordered = sorted(by_system.values(), key=lambda s: (-len(s.organisations), s.system.name))
    return Spread(ordered)
