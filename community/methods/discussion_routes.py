"""A method's discussion at /methods/<id>-<slug>/discussion: the pages are
`community.discussions.attached`'s; this module says how a method's address finds
its thread."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user

from community.discussions.attached import Attached, add_discussion_routes
from community.methods import services
from community.methods.blueprint import bp
from community.methods.routes import method_url
from community.web.moved import to_current_slug


def _method_discussion(method_id: int, slug: str) -> Attached:
    method = services.get_method_or_404(method_id, current_user)
    return Attached(
        thread=services.thread_of(method),
        moved=to_current_slug(slug, method.slug),
        crumbs=[(url_for("methods.library"), "Methods"), (method_url(method), method.title)],
        url=method_url(method, "methods.discussion"),
    )


add_discussion_routes(bp, "method_id", _method_discussion)
