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

import sqlalchemy as sa
from sqlalchemy.orm import aliased, lazyload, load_only, selectinload

from community.accounts.models import User
from community.directory.models import Organisation, System
from community.extensions import db
from community.methods.models import Adaptation, Method, MethodAuthor, MethodUse
from community.visibility import visible_methods_clause

MAX_DEPTH = 1000  # a guard only: a parent is fixed when a method is created, so no cycles
MAX_DESCENDANTS = 1000  # the most a lineage page draws


@dataclass
class LineageNode:
    method: Method
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
    def organisation(self) -> Organisation | None:
        """Where this version was made: the adapting organisation, else the lead author's."""
        if self.method.adaptation is not None and self.method.adaptation.organisation:
            return self.method.adaptation.organisation
        lead = self.method.lead_author
        return lead.organisation if lead is not None else None


def _with_details(query: sa.Select) -> sa.Select:
    """Only what a lineage entry shows: a family can be hundreds of methods, and each
    would otherwise bring its full text, tags, impacts and settings, and each
    author their expertise (0.8 s for 400 methods)."""
    return query.options(
        load_only(
            Method.id, Method.title, Method.slug, Method.status, Method.community_id,
            Method.parent_id, Method.published_at,
        ),
        lazyload(Method.tags), lazyload(Method.impact_rows), lazyload(Method.setting_rows),
        selectinload(Method.adaptation).joinedload(Adaptation.organisation),
        selectinload(Method.authors).joinedload(MethodAuthor.user).lazyload(User.expertise),
    )  # fmt: skip


def ancestors(user, method: Method) -> list[LineageNode]:
    """Every method `method` descends from, the original first (two queries)."""
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
        _with_details(
            sa.select(Method, up.c.depth, visible)
            .join(up, Method.id == up.c.id)
            .order_by(up.c.depth.desc())
        )
    ).all()
    return [LineageNode(m, -depth, bool(seen)) for m, depth, seen in rows]


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


def descendants(user, method: Method, limit: int = MAX_DESCENDANTS) -> Descendants:
    """Every adaptation of `method`, at any depth, as a tree (two queries)."""
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
        _with_details(
            sa.select(Method, down.c.depth, visible)
            .join(down, Method.id == down.c.id)
            .order_by(down.c.depth, Method.published_at, Method.id)
            .limit(limit + 1)
        )
    ).all()
    truncated = len(rows) > limit
    nodes = {m.id: LineageNode(m, depth, bool(seen)) for m, depth, seen in rows[:limit]}
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
    adaptations: list[Method] = field(default_factory=list)  # adaptations made here
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
        from community.projects.method_links import project_uses_by_organisation

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
