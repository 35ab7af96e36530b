"""What the project and measure pages share: loading a project at its canonical
address, one-button actions, and paging through a list held in memory."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from community.projects import services
from community.web.moved import to_current_slug


def load_project(project_id: int, slug: str, *, record_work: bool = False, lead: bool = False):
    """(access, None), or (access, a 301 to the canonical address) when a GET has an old slug.

    Permission comes first, so someone who may not see a project never learns its title.
    """
    access = services.get_project_or_404(
        project_id, current_user, record_work=record_work, lead=lead
    )
    return access, to_current_slug(slug, access.project.slug)


def project_url(project, endpoint: str = "projects.show", **values) -> str:
    return url_for(endpoint, project_id=project.id, slug=project.slug, **values)


def project_crumbs(project) -> list[tuple[str, str]]:
    """The breadcrumbs of a page about a project: the list, then the project."""
    return [(url_for("projects.index"), "Projects"), (project_url(project), project.title)]
