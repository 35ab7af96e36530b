"""What the project and measure pages share: loading a project at its canonical
address, one-button actions, and paging through a list held in memory."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination

from community.errors import RuleViolation
from community.projects import services
from community.projects.forms import ActionForm


def load_project(project_id: int, slug: str, *, record_work: bool = False, lead: bool = False):
    """(access, None), or (access, a 301 to the canonical address) when a GET has an old slug.

    Permission comes first, so someone who may not see a project never learns its title.
    """
    access = services.get_project_or_404(
        project_id, current_user, record_work=record_work, lead=lead
    )
    if request.method == "GET" and slug != access.project.slug:
        values = {**(request.view_args or {}), "slug": access.project.slug}
        return access, redirect(url_for(request.endpoint, **values, **request.args), 301)
    return access, None


def project_url(project, endpoint: str = "projects.show", **values) -> str:
    return url_for(endpoint, project_id=project.id, slug=project.slug, **values)


def page_number() -> int:
    return max(request.args.get("page", 1, type=int), 1)


def act(action, success: str, target: str):
    """Run a one-button action: check CSRF, call the service, flash, redirect."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action()
    except RuleViolation as violation:
        flash(violation.message, "error")
    else:
        flash(success, "success")
    return redirect(target)


class ListPage(Pagination):
    """A page of a list already in memory, with the same interface as db.paginate()."""

    def __init__(self, items: list, page: int, per_page: int):
        super().__init__(page=page, per_page=per_page, error_out=False, all_items=items)

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._query_args["all_items"][start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["all_items"])
