"""The search page: /search?q=…&type=… with filters, tabs and pages."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from community.directory.services import system_choices
from community.search import services
from community.search.blueprint import bp
from community.search.index import GROUPS

PER_PAGE = 20
MAX_ID = 2**31 - 1


def _id(args, name: str) -> int | None:
    """A positive id from the address; anything else (words, huge numbers) is no filter."""
    value = args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def filters_from(args) -> services.Filters:
    """The filters in the address, each ignored if it is not one we offer."""
    group = args.get("type")
    sort = args.get("sort")
    since = args.get("since")
    return services.Filters(
        group=group if group in GROUPS else None,
        community_id=_id(args, "community"),
        system_id=_id(args, "system"),
        organisation_id=_id(args, "organisation"),
        since=since if since in services.SINCE else None,
        sort=sort if sort in services.SORTS else "relevance",
    )


@bp.route("/search")
@login_required
def index():
    text = request.args.get("q", "")
    filters = filters_from(request.args)
    page = min(max(request.args.get("page", 1, type=int), 1), services.MAX_PAGE + 1)
    results = services.search(current_user, text, filters, page, PER_PAGE)
    return render_template(
        "search/results.html",
        text=services.read_query(text).raw,
        results=results,
        filters=filters,
        groups=list(GROUPS.values()),
        communities=services.community_choices(current_user),
        systems=system_choices(),
        organisations=services.organisation_choices(filters.system_id),
        since_choices=services.SINCE_LABELS,
    )
