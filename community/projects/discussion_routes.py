"""A project's discussion at /projects/<id>-<slug>/discussion: the pages are
`community.discussions.attached`'s; this module says how a project's address finds
its thread."""

from __future__ import annotations

from community.discussions.attached import Attached, add_discussion_routes
from community.projects.addresses import load_project, project_crumbs, project_url
from community.projects.blueprint import bp
from community.projects.project_threads import thread_of


def _project_discussion(project_id: int, slug: str) -> Attached:
    access, moved = load_project(project_id, slug)
    project = access.project
    return Attached(
        thread=thread_of(project),
        moved=moved,
        crumbs=project_crumbs(project),
        url=project_url(project, "projects.discussion"),
    )


add_discussion_routes(bp, "project_id", _project_discussion)
