"""The directory: integrated care systems, their organisations and members."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import login_required

from community.directory import services
from community.directory.blueprint import bp
from community.directory.models import ORGANISATION_TYPE_LABELS, OrganisationType


@bp.route("/systems")
@login_required
def systems():
    return render_template("directory/systems.html", systems=services.systems_with_counts())


@bp.route("/systems/<slug>")
@login_required
def system(slug: str):
    system = services.get_system_or_404(slug)
    return render_template(
        "directory/system.html", system=system, organisations=services.organisations_in(system)
    )


@bp.route("/organisations")
@login_required
def organisations():
    system_id = request.args.get("system", type=int)
    org_type = request.args.get("type") or None
    if org_type not in {t.value for t in OrganisationType}:
        org_type = None
    page = services.organisations_page(
        request.args.get("page", 1, type=int), current_app.config["PER_PAGE"], system_id, org_type
    )
    return render_template(
        "directory/organisations.html",
        page=page,
        systems=services.system_choices(),
        types=ORGANISATION_TYPE_LABELS,
        system_id=system_id,
        org_type=org_type,
    )


@bp.route("/organisations/<slug>")
@login_required
def organisation(slug: str):
    organisation = services.get_organisation_or_404(slug)
    members = services.members_of(
        organisation, request.args.get("page", 1, type=int), current_app.config["PER_PAGE"]
    )
    return render_template(
        "directory/organisation.html", organisation=organisation, members=members
    )
