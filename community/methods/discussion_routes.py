"""A method's discussion: the same thread pages as a community's, at the method's address.

/methods/<id>-<slug>/discussion shows the thread; replying, following and
moderating post here too. Post-level actions (edit, helpful, flag, hide) and
the /posts/<id> permalinks are the discussions blueprint's, which send readers
back to these pages.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user

from community.discussions import moderation
from community.discussions import routes as discussions
from community.discussions.forms import ReviewForm
from community.methods import services
from community.methods.blueprint import bp
from community.methods.routes import _canonical, method_url
from community.visibility import can_moderate_thread
from community.web.rate_limits import posting_limit


def _method_and_thread(method_id: int):
    method = services.get_method_or_404(method_id, current_user)
    return method, services.thread_of(method)


@bp.route("/<int:method_id>-<slug>/discussion")
def discussion(method_id: int, slug: str):
    method, thread = _method_and_thread(method_id)
    if (moved := _canonical(method, slug)) is not None:
        return moved
    moderator = can_moderate_thread(current_user, thread)
    return discussions.thread_page(
        thread,
        request.args.get("page", 1, type=int),
        open_flags=moderation.thread_open_flag_count(thread) if moderator else 0,
    )


@bp.route("/<int:method_id>-<slug>/discussion/reply", methods=["GET", "POST"])
@posting_limit
def discussion_reply(method_id: int, slug: str):
    _, thread = _method_and_thread(method_id)
    return discussions.reply_page(thread)


@bp.route("/<int:method_id>-<slug>/discussion/watch", methods=["POST"])
def discussion_watch(method_id: int, slug: str):
    _, thread = _method_and_thread(method_id)
    return discussions.watch_action(thread)


@bp.route("/<int:method_id>-<slug>/discussion/moderate", methods=["POST"])
def discussion_moderate(method_id: int, slug: str):
    _, thread = _method_and_thread(method_id)
    if not can_moderate_thread(current_user, thread):
        abort(403)
    return discussions.moderate_action(thread)


@bp.route("/<int:method_id>-<slug>/discussion/flags")
def discussion_flags(method_id: int, slug: str):
    method, thread = _method_and_thread(method_id)
    if not can_moderate_thread(current_user, thread):
        abort(403)
    if (moved := _canonical(method, slug)) is not None:
        return moved
    return render_template(
        "communities/moderation.html",
        queue=moderation.thread_flag_queue(thread),
        back_crumbs=[
            (url_for("methods.library"), "Methods"),
            (method_url(method), method.title),
            (method_url(method, "methods.discussion"), "Discussion"),
        ],
        form=ReviewForm(),
    )
