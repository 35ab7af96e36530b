"""The board summary of measures, for a project (/projects/<id>-<slug>/summary), an
organisation, a community and a system (/…/<slug>/summary), each with a CSV download."""

from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import current_user, login_required

from community.communities.services import get_community_or_404
from community.core.slugs import slugify
from community.directory.services import get_organisation_or_404, get_system_or_404
from community.projects.addresses import load_project, project_crumbs, project_url
from community.projects.blueprint import bp as projects_bp
from community.projects.blueprint import dashboards_bp as bp
from community.projects.measures import board
from community.projects.measures.charts import sparkline
from community.projects.models import Project
from community.web.paging import page_number


def _page(place: str, scope, crumbs, csv_url: str, here: str):
    filters = board.BoardFilters.of(request.args)
    rows, pagination = board.board_page(current_user, scope, filters, page_number())
    return render_template(
        "projects/board.html", place=place, rows=rows, page=pagination, filters=filters,
        crumbs=crumbs, csv_url=csv_url, here=here, sorts=board.SORTS,
        variation_filters=board.VARIATION_FILTERS, assurance_filters=board.ASSURANCE_FILTERS,
        sparkline=sparkline,
    )  # fmt: skip


def _csv(place: str, scope):
    filters = board.BoardFilters.of(request.args)
    filename = f"{slugify(place)[:60] or 'measures'}-board-summary.csv"
    return Response(
        board.board_csv(current_user, scope, filters),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _query_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("sort", "variation", "assurance")}


@projects_bp.route("/<int:project_id>-<slug>/summary")
@login_required
def project_summary(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    project = access.project
    return _page(
        project.title, Project.id == project.id, project_crumbs(project),
        project_url(project, "projects.project_summary_csv", **_query_args()),
        project_url(project, "projects.project_summary"),
    )  # fmt: skip


@projects_bp.route("/<int:project_id>-<slug>/summary.csv")
@login_required
def project_summary_csv(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    return _csv(access.project.title, Project.id == access.project.id)


@bp.route("/organisations/<slug>/summary")
@login_required
def organisation_summary(slug: str):
    organisation = get_organisation_or_404(slug)
    system = organisation.system
    crumbs = [
        (url_for("directory.systems"), "Integrated care systems"),
        (url_for("directory.system", slug=system.slug), system.name),
        (url_for("directory.organisation", slug=organisation.slug), organisation.name),
    ]
    return _page(
        organisation.name, Project.organisation_id == organisation.id, crumbs,
        url_for("dashboards.organisation_summary_csv", slug=slug, **_query_args()),
        url_for("dashboards.organisation_summary", slug=slug),
    )  # fmt: skip


@bp.route("/organisations/<slug>/summary.csv")
@login_required
def organisation_summary_csv(slug: str):
    organisation = get_organisation_or_404(slug)
    return _csv(organisation.name, Project.organisation_id == organisation.id)


@bp.route("/systems/<slug>/summary")
@login_required
def system_summary(slug: str):
    system = get_system_or_404(slug)
    crumbs = [(url_for("directory.systems"), "Integrated care systems"),
              (url_for("directory.system", slug=system.slug), system.name)]  # fmt: skip
    return _page(
        system.name, Project.system_id == system.id, crumbs,
        url_for("dashboards.system_summary_csv", slug=slug, **_query_args()),
        url_for("dashboards.system_summary", slug=slug),
    )  # fmt: skip


@bp.route("/systems/<slug>/summary.csv")
@login_required
def system_summary_csv(slug: str):
    system = get_system_or_404(slug)
    return _csv(system.name, Project.system_id == system.id)


@bp.route("/communities/<slug>/summary")
@login_required
def community_summary(slug: str):
    community = get_community_or_404(slug, current_user)
    crumbs = [(url_for("communities.directory"), "Communities"),
              (url_for("communities.home", slug=community.slug), community.name)]  # fmt: skip
    return _page(
        community.name, Project.community_id == community.id, crumbs,
        url_for("dashboards.community_summary_csv", slug=slug, **_query_args()),
        url_for("dashboards.community_summary", slug=slug),
    )  # fmt: skip


@bp.route("/communities/<slug>/summary.csv")
@login_required
def community_summary_csv(slug: str):
    community = get_community_or_404(slug, current_user)
    return _csv(community.name, Project.community_id == community.id)
