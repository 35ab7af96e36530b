"""The people directory, the expertise finder and member profiles."""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from flask_login import current_user, login_required

from community.directory.services import system_choices
from community.people import lookup as people_lookup
from community.people import services
from community.people.blueprint import bp
from community.search import expertise
from community.web.rate_limits import people_lookup_limit


@bp.route("")
@login_required
def directory():
    """Everyone by name; with ?topic=… the expertise finder, people ranked by evidence."""
    name = (request.args.get("q") or "").strip()[:100]
    topic = (request.args.get("topic") or "").strip()[:200]
    system_id = request.args.get("system", type=int)
    system_id = system_id if system_id and 0 < system_id < 2**31 else None
    page_number = max(request.args.get("page", 1, type=int), 1)
    per_page = current_app.config["PER_PAGE"]
    finding = None
    if topic:
        finding = expertise.find_experts(
            current_user, topic, system_id=system_id, name=name, page=page_number,
            per_page=per_page,
        )  # fmt: skip
        page = finding.page
    else:
        page = services.directory_page(page_number, per_page, name=name, system_id=system_id)
    return render_template(
        "people/directory.html",
        page=page,
        finding=finding,
        name=name,
        topic=topic,
        system_id=system_id,
        systems=system_choices(),
        tags=services.popular_tags(),
    )


@bp.route("/lookup")
@login_required
@people_lookup_limit
def lookup():
    """Up to ten people matching ?q= by name, organisation or username, as JSON.

    The suggestions behind every form that takes a person (static/js/people-lookup.js).
    Only what the people directory shows anyone signed in, and only to confirmed members.
    """
    if not current_user.is_confirmed:
        abort(403)
    found = people_lookup.find_people(request.args.get("q", ""))
    response = jsonify(
        people=[people_lookup.as_suggestion(person) for person in found.people], more=found.more
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<username>")
@login_required
def profile(username: str):
    return render_template("people/profile.html", member=services.get_member_or_404(username))
