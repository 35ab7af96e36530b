"""Improvement projects in search.

A project's document is its title; its aim and its problem and context; and,
as tags, its status and its programme (the national programme's name, or
"Local priority"), so ``tag:testing`` or ``tag:GIRFT`` finds projects. It
carries its community, the member who started it, and the organisation that
runs it with that organisation's system.

Who may find it is `visible_projects_clause`, the rule every projects page
uses: a project outside any community by every signed-in member, one in a
community by exactly those who may read that community.

Boost: +0.05 per point of the team's progress score (0.5 to 5), so a project
showing sustained results (5: +0.25) ranks a little above one just starting.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from community.accounts.models import User
from community.core.extensions import db
from community.directory.models import Organisation
from community.projects.models import Project, ProjectStatus, TeamMember
from community.search.hits import Hit
from community.search.index import (
    Document,
    Kind,
    plain_text,
    register_kind,
    remove_document,
    save,
)
from community.search.models import SearchDocument
from community.visibility import visible_projects_clause

KIND = "project"
PROGRESS_BOOST = 0.05  # per point of progress score


def progress_boost(score: float | None) -> float:
    return PROGRESS_BOOST * max(score or 0.0, 0.0)


def _programme(row) -> str:
    return row.national_programme if row.programme_type == "national" else "Local priority"


def _documents(where, limit: int | None = None) -> list[tuple[int, Document | None]]:
    rows = db.session.execute(
        sa.select(
            Project.id,
            Project.title,
            Project.aim,
            Project.problem_html,
            Project.status,
            Project.programme_type,
            Project.national_programme,
            Project.progress_score,
            Project.community_id,
            Project.created_by_id,
            Project.created_at,
            Project.organisation_id,
            Organisation.system_id,
        )  # fmt: skip
        .outerjoin(Organisation, Organisation.id == Project.organisation_id)
        .where(where, Project.deleted_at.is_(None))  # a deleted project is gone from search
        .order_by(Project.id)
        .limit(limit)
    )
    return [
        (row.id, Document(
            KIND, row.id, title=row.title,
            body=" ".join(filter(None, (row.aim, plain_text(row.problem_html)))),
            tags=tuple(filter(None, (ProjectStatus(row.status).label, _programme(row)))),
            dated_at=row.created_at, community_id=row.community_id,
            author_id=row.created_by_id, organisation_id=row.organisation_id,
            system_id=row.system_id, boost=1.0 + progress_boost(row.progress_score),
        ))
        for row in rows
    ]  # fmt: skip


def project_changed(project: Project) -> None:
    """After a project is started, edited (details, status, community), scored or deleted."""
    db.session.flush()
    documents = _documents(Project.id == project.id)
    if not documents:
        remove_document(KIND, project.id)
    for _id, document in documents:
        save(document)


# ------------------------------------------------------------------ who may see them


def _visible(user) -> sa.ColumnElement[bool]:
    return sa.exists().where(Project.id == SearchDocument.object_id, visible_projects_clause(user))


# ------------------------------------------------------------------ result lines


def _leads(ids: list[int]) -> dict[int, list[str]]:
    leads: dict[int, list[str]] = {}
    rows = db.session.execute(
        sa.select(TeamMember.project_id, User.name)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.project_id.in_(ids), TeamMember.is_lead.is_(True))
        .order_by(TeamMember.project_id, TeamMember.added_at, TeamMember.id)
    )
    for project_id, name in rows:
        leads.setdefault(project_id, []).append(name)
    return leads


def _describe(ids: list[int], viewer=None) -> dict[int, Hit]:
    leads = _leads(ids)
    hits = {}
    for project in db.session.scalars(sa.select(Project).where(Project.id.in_(ids))):
        names = leads.get(project.id, [])
        byline = f"Led by {', '.join(names)}" if names else "No lead at present"
        organisation = project.organisation
        places = [(organisation.name, url_for("directory.organisation", slug=organisation.slug))]
        if project.community is not None:
            community = project.community
            places.append((community.name, url_for("communities.home", slug=community.slug)))
        hits[project.id] = Hit(
            label="Project", title=project.title,
            url=url_for("projects.show", project_id=project.id, slug=project.slug),
            dated_at=project.created_at, date_label="Added", places=places,
            byline=f"{byline} · {project.programme_label}",
            badges=[ProjectStatus(project.status).label], tags_label="Status and programme",
        )  # fmt: skip
    return hits


register_kind(
    Kind(
        name=KIND, group="projects", visible=_visible,
        expected=lambda after, limit: _documents(Project.id > after, limit),
        count=lambda: db.session.scalar(
            sa.select(sa.func.count(Project.id)).where(Project.deleted_at.is_(None))
        ),
        describe=_describe,
    )
)  # fmt: skip
