"""The people directory and member profiles."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from community.directory.services import system_choices
from community.people import services

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.route("")
@login_required
def directory():
    name = (request.args.get("q") or "").strip()[:100]
    topic = services.tag_by_slug(request.args.get("topic"))
    system_id = request.args.get("system", type=int)
    page = services.directory_page(
        request.args.get("page", 1, type=int),
        current_app.config["PER_PAGE"],
        name=name,
        topic=topic,
        system_id=system_id,
    )
    return render_template(
        "people/directory.html",
        page=page,
        name=name,
        topic=topic,
        system_id=system_id,
        systems=system_choices(),
        tags=services.popular_tags(),
    )


@bp.route("/<username>")
@login_required
def profile(username: str):
    return render_template("people/profile.html", member=services.get_member_or_404(username))
