"""A project's discussion: the same thread pages as a community's, at the project's address.

/projects/<id>-<slug>/discussion shows the thread; replying, following and
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
from community.projects.addresses import load_project, project_url
from community.projects.blueprint import bp
from community.projects.project_threads import thread_of
from community.visibility import can_moderate_thread
from community.web.rate_limits import posting_limit


@bp.route("/<int:project_id>-<slug>/discussion")
def discussion(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    if moved:
        return moved
    thread = thread_of(access.project)
    moderator = can_moderate_thread(current_user, thread)
    return discussions.thread_page(
        thread,
        request.args.get("page", 1, type=int),
        open_flags=moderation.thread_open_flag_count(thread) if moderator else 0,
    )


@bp.route("/<int:project_id>-<slug>/discussion/reply", methods=["GET", "POST"])
@posting_limit
def discussion_reply(project_id: int, slug: str):
    access, _ = load_project(project_id, slug)
    return discussions.reply_page(thread_of(access.project))


@bp.route("/<int:project_id>-<slug>/discussion/watch", methods=["POST"])
def discussion_watch(project_id: int, slug: str):
    access, _ = load_project(project_id, slug)
    return discussions.watch_action(thread_of(access.project))


@bp.route("/<int:project_id>-<slug>/discussion/moderate", methods=["POST"])
def discussion_moderate(project_id: int, slug: str):
    access, _ = load_project(project_id, slug)
    thread = thread_of(access.project)
    if not can_moderate_thread(current_user, thread):
        abort(403)
    return discussions.moderate_action(thread)


@bp.route("/<int:project_id>-<slug>/discussion/flags")
def discussion_flags(project_id: int, slug: str):
    access, moved = load_project(project_id, slug)
    thread = thread_of(access.project)
    if not can_moderate_thread(current_user, thread):
        abort(403)
    if moved:
        return moved
    project = access.project
    return render_template(
        "communities/moderation.html",
        queue=moderation.thread_flag_queue(thread),
        back_crumbs=[
            (url_for("projects.index"), "Projects"),
            (project_url(project), project.title),
            (project_url(project, "projects.discussion"), "Discussion"),
        ],
        form=ReviewForm(),
    )
