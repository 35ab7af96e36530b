"""An expert's evidence in words: each piece of evidence named, with a link.

Each reader's lines are read here with their own permissions, and each piece
is checked again as it is put in words: a piece they may not see is never named,
and each is said as it is now (still theirs, still a key learning, still
helpful, still listed), so a ranking kept a little while (the panel beside a
thread) never names evidence that has gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import ExpertiseTag, member_expertise
from community.communities.models import Community
from community.core.extensions import db
from community.discussions.models import Post, Thread
from community.methods.models import Method, MethodAuthor, MethodStatus
from community.projects.models import Project, TeamMember
from community.visibility import (
    shown_to_every_reader,
    visible_methods_clause,
    visible_projects_clause,
    visible_threads_clause,
)

if TYPE_CHECKING:
    from community.search.expertise import Expert
    from community.search.topics import Topic


@dataclass(frozen=True)
class EvidenceLine:
    text: str
    url: str | None = None
    link_text: str = ""


def _post_lines(viewer, topic: Topic, items: list[tuple[int, str, int]]) -> dict:
    wanted = {(user, item) for user, _source, item in items}
    # An alias: the visibility clause's own subqueries over communities stay uncorrelated.
    home = sa.orm.aliased(Community)
    rows = db.session.execute(
        sa.select(
            Post.id,
            Post.author_id,
            Post.helpful_count,
            Thread.key_post_id == Post.id,
            Thread.title,
            Thread.community_id,
            home.name,
        )
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(home, home.id == Thread.community_id)
        .where(
            Post.id.in_({item for _user, _source, item in items}),
            # Checked again as they are put in words (the rule, stated once more).
            shown_to_every_reader(),
            visible_threads_clause(viewer),
        )
    )
    lines = {}
    for post_id, author_id, helpful, is_key, title, community_id, community_name in rows:
        # Said as the post is now (a ranking may be a little older than the page).
        if (author_id, post_id) not in wanted or not (is_key or helpful > 0):
            continue
        if is_key:
            text = "Wrote the key learning in"
        else:
            text = (
                f"{helpful} {'person' if helpful == 1 else 'people'} found their reply helpful in"
            )
        where = (
            f"“{title}” ({community_name})"
            if community_id is not None
            else f"the discussion of “{title}”"  # a method's or project's
        )
        lines[post_id] = EvidenceLine(
            text, url_for("discussions.post_permalink", post_id=post_id), where
        )
    return {
        (user, source, item): lines[item]
        for user, source, item in items
        if item in lines and (user, item) in wanted
    }


def _declared_lines(viewer, topic: Topic, items: list[tuple[int, str, int]]) -> dict:
    users = [user for user, _source, _item in items]
    rows = db.session.execute(
        sa.select(member_expertise.c.user_id, ExpertiseTag.name, ExpertiseTag.slug)
        .join(ExpertiseTag, ExpertiseTag.id == member_expertise.c.tag_id)
        .where(member_expertise.c.user_id.in_(users), ExpertiseTag.id.in_(topic.tag_ids))
        .order_by(ExpertiseTag.name)
    )
    first_listed: dict[int, tuple[str, str]] = {}
    for user_id, name, slug in rows:
        first_listed.setdefault(user_id, (name, slug))
    lines = {}
    for user, source, item in items:
        if user in first_listed:  # (only while they still list it)
            name, slug = first_listed[user]
            url = url_for("people.directory", topic=slug)
            lines[(user, source, item)] = EvidenceLine("Lists as expertise:", url, name)
    return lines


def _method_lines(viewer, topic: Topic, items: list[tuple[int, str, int]]) -> dict:
    # Plain columns: a method's sections, authors and tags are not needed to name it.
    # Found by their keys: `status || ''` keeps SQLite from walking every published
    # method for these few (4 ms at full scale).
    rows = db.session.execute(
        sa.select(MethodAuthor.user_id, Method.id, Method.slug, Method.title, Method.parent_id)
        .join(MethodAuthor, MethodAuthor.method_id == Method.id)
        .where(
            Method.id.in_({item for _u, _s, item in items}),
            MethodAuthor.user_id.in_({user for user, _s, _i in items}),
            Method.status + "" == MethodStatus.PUBLISHED,
            visible_methods_clause(viewer),
        )
    )
    methods = {(row.user_id, row.id): row for row in rows}  # (while they are still its author)
    lines = {}
    for key in items:
        method = methods.get((key[0], key[2]))
        if method is not None:
            lines[key] = EvidenceLine(
                "Wrote the adaptation" if method.parent_id else "Wrote the method",
                url_for("methods.method", method_id=method.id, slug=method.slug),
                f"“{method.title}”",
            )
    return lines


def _project_lines(viewer, topic: Topic, items: list[tuple[int, str, int]]) -> dict:
    keys = {(user, item) for user, _s, item in items}
    rows = db.session.execute(
        sa.select(TeamMember.user_id, TeamMember.is_lead, Project.id, Project.title, Project.slug)
        .join(Project, Project.id == TeamMember.project_id)
        .where(
            Project.id.in_({item for _u, _s, item in items}),
            TeamMember.user_id.in_({user for user, _s, _i in items}),
            visible_projects_clause(viewer),
        )
    )
    lines = {}
    for user_id, is_lead, project_id, title, slug in rows:
        if (user_id, project_id) in keys:
            lines[(user_id, "project", project_id)] = EvidenceLine(
                "Leads the project" if is_lead else "On the team of the project",
                url_for("projects.show", project_id=project_id, slug=slug),
                f"“{title}”",
            )
    return lines


def _profile_lines(viewer, topic: Topic, items: list[tuple[int, str, int]]) -> dict:
    return {
        item: EvidenceLine(f"Their profile mentions “{topic.text}”") for item in items
    }  # fmt: skip


DESCRIBERS = {
    "key_learning": _post_lines,
    "helpful_reply": _post_lines,
    "method": _method_lines,
    "project": _project_lines,
    "declared": _declared_lines,
    "profile": _profile_lines,
}


def explain(viewer, topic: Topic, experts: list[Expert], per_person: int) -> None:
    """Fill each expert's evidence lines: their strongest items, in words with links."""
    chosen = {}
    for e in experts:  # their strongest pieces, the newest first among equals
        strongest = sorted(e.items, key=lambda piece: (-piece[0], -piece[1]))[:per_person]
        chosen[e.user_id] = [(e.user_id, source, item) for _points, item, source in strongest]
    items = [item for picked in chosen.values() for item in picked]
    lines: dict = {}
    for source, describe in DESCRIBERS.items():
        mine = [item for item in items if item[1] == source]
        if mine:
            lines.update(describe(viewer, topic, mine))
    for expert in experts:
        expert.lines = [lines[i] for i in chosen[expert.user_id] if i in lines]
