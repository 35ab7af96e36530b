"""The methods a project uses, from the methods library.

Linking a method counts as a use of it: the method's page counts the projects
that use it and its spread shows their organisations, for each reader only
the projects and methods they may see (community/visibility.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.methods.models import Method, MethodStatus
from community.notifications import services as notify
from community.projects.models import Project, ProjectMethod
from community.visibility import (
    can_see_method,
    users_who_can_see_project,
    visible_methods_clause,
    visible_projects_clause,
)

SEARCH_LIMIT = 20


# Lists show a method's title and link only: load none of its classification.
_TITLE_ONLY = lazyload("*")


def linked_methods(user, project: Project) -> list[Method]:
    """The methods `project` uses that `user` may see, by title."""
    return list(
        db.session.scalars(
            sa.select(Method)
            .options(_TITLE_ONLY)
            .join(ProjectMethod, ProjectMethod.method_id == Method.id)
            .where(ProjectMethod.project_id == project.id, visible_methods_clause(user))
            .order_by(Method.title, Method.id)
        )
    )


def find_methods(user, project: Project, words: str) -> list[Method]:
    """Published methods `user` may see whose title has `words`, not yet linked."""
    words = " ".join((words or "").split())[:100]
    if not words:
        return []
    linked = sa.select(ProjectMethod.method_id).where(ProjectMethod.project_id == project.id)
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        db.session.scalars(
            sa.select(Method)
            .options(_TITLE_ONLY)
            .where(
                visible_methods_clause(user),
                Method.status == MethodStatus.PUBLISHED,
                sa.func.lower(Method.title).like(f"%{escaped}%", escape="\\"),
                Method.id.not_in(linked),
            )
            .order_by(Method.use_count.desc(), Method.title)
            .limit(SEARCH_LIMIT)
        )
    )


def link_method(user: User, project: Project, method_id: int | None) -> Method:
    method = db.session.get(Method, method_id) if method_id else None
    if method is None or not can_see_method(user, method):
        raise RuleViolation("Choose a method from the library", "method_id")
    if not method.is_published:
        raise RuleViolation("Only a published method can be linked to a project", "method_id")
    already = db.session.get(ProjectMethod, (project.id, method.id))
    if already is not None:
        raise RuleViolation(f"The project already uses “{method.title}”", "method_id")
    db.session.add(ProjectMethod(project_id=project.id, method_id=method.id, linked_by_id=user.id))
    project.last_activity_at = utcnow()
    authors = users_who_can_see_project(project, method.author_ids() - {user.id})
    notify.method_used_in_project(method, project, user, authors)
    record(
        "project.method_linked", user, project, f"{project.title}: {method.title}"[:300],
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()
    return method


def unlink_method(user: User, project: Project, method_id: int) -> None:
    link = db.session.get(ProjectMethod, (project.id, method_id))
    if link is None:
        raise RuleViolation("The project does not use that method")
    db.session.delete(link)
    record(
        "project.method_unlinked", user, project, f"{project.title}: method {method_id}",
        community_id=project.community_id,
    )  # fmt: skip
    db.session.commit()


# ------------------------------------------------------------------ for the methods library


def projects_using(user, method_ids: list[int], limit: int = 20) -> tuple[list[Project], int]:
    """Projects `user` may see that use any of `method_ids`: the newest few, and how many."""
    if not method_ids:
        return [], 0
    using = sa.select(ProjectMethod.project_id).where(ProjectMethod.method_id.in_(method_ids))
    seen = sa.and_(Project.id.in_(using), visible_projects_clause(user))
    total = db.session.scalar(sa.select(sa.func.count(Project.id)).where(seen))
    if not total:
        return [], 0
    projects = db.session.scalars(
        sa.select(Project).where(seen).order_by(Project.last_activity_at.desc()).limit(limit)
    )
    return list(projects), total


def project_uses_by_organisation(user, method_ids: list[int]) -> list[tuple[int, int, int]]:
    """(method id, organisation id, projects) for the projects `user` may see: for spread.

    Read from the methods' links, each checked against its project: `+ 0` keeps
    SQLite from starting at every project the reader may see (20 000 at full
    scale) and probing its links for each method of a family (1.2 s).
    """
    if not method_ids:
        return []
    rows = db.session.execute(
        sa.select(ProjectMethod.method_id, Project.organisation_id, sa.func.count(Project.id))
        .join(Project, Project.id == ProjectMethod.project_id + 0)
        .where(ProjectMethod.method_id.in_(method_ids), visible_projects_clause(user))
        .group_by(ProjectMethod.method_id, Project.organisation_id)
    )
    return [tuple(row) for row in rows]


def methods_used(user, scope: sa.ColumnElement[bool], limit: int = 10):
    """For a dashboard: the methods the visible projects in `scope` use most, with counts."""
    projects = sa.select(Project.id).where(scope, visible_projects_clause(user))
    counts = (
        sa.select(ProjectMethod.method_id, sa.func.count(ProjectMethod.project_id).label("n"))
        .where(ProjectMethod.project_id.in_(projects))
        .group_by(ProjectMethod.method_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Method, counts.c.n)
        .options(_TITLE_ONLY)
        .join(counts, counts.c.method_id == Method.id)
        .where(visible_methods_clause(user))
        .order_by(counts.c.n.desc(), Method.title)
        .limit(limit)
    )
    return [(method, n) for method, n in rows]
