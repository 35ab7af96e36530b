"""Results dashboards at /systems/<slug>/dashboard, /organisations/<slug>/dashboard
and /communities/<slug>/dashboard."""

from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user, login_required

from community.communities.services import get_community_or_404
from community.directory.services import get_organisation_or_404, get_system_or_404
from community.projects import dashboards
from community.projects.blueprint import dashboards_bp as bp
from community.projects.measures.spc_words import VARIATION_LABELS


@bp.route("/systems/<slug>/dashboard")
@login_required
def system(slug: str):
    system = get_system_or_404(slug)
    return render_template(
        "projects/dashboard.html",
        place=system.name,
        board=dashboards.for_system(current_user, system),
        crumbs=[(url_for("directory.systems"), "Integrated care systems"),
                (url_for("directory.system", slug=system.slug), system.name)],
        projects_url=url_for("projects.index", system=system.id),
        summary_url=url_for("dashboards.system_summary", slug=system.slug),
        new_project_url=url_for("projects.new"),
        variation_labels=VARIATION_LABELS,
    )  # fmt: skip


@bp.route("/organisations/<slug>/dashboard")
@login_required
def organisation(slug: str):
    organisation = get_organisation_or_404(slug)
    system = organisation.system
    return render_template(
        "projects/dashboard.html",
        place=organisation.name,
        board=dashboards.for_organisation(current_user, organisation),
        crumbs=[(url_for("directory.systems"), "Integrated care systems"),
                (url_for("directory.system", slug=system.slug), system.name),
                (url_for("directory.organisation", slug=organisation.slug), organisation.name)],
        projects_url=url_for("projects.index", system=system.id, organisation=organisation.id),
        summary_url=url_for("dashboards.organisation_summary", slug=organisation.slug),
        new_project_url=url_for("projects.new"),
        variation_labels=VARIATION_LABELS,
    )  # fmt: skip


@bp.route("/communities/<slug>/dashboard")
@login_required
def community(slug: str):
    community = get_community_or_404(slug, current_user)
    return render_template(
        "projects/dashboard.html",
        place=community.name,
        board=dashboards.for_community(current_user, community),
        crumbs=[(url_for("communities.directory"), "Communities"),
                (url_for("communities.home", slug=community.slug), community.name)],
        projects_url=None,
        summary_url=url_for("dashboards.community_summary", slug=community.slug),
        new_project_url=url_for("projects.new", community=community.id),
        variation_labels=VARIATION_LABELS,
    )  # fmt: skip
