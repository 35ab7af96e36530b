"""The discussion attached to a method or a project: one thread, shown with the same
pages as a community's thread but at its owner's address.

`add_discussion_routes` puts the five routes on the owner's blueprint
(`<owner>/discussion`, its reply, watch and moderate actions and its flags page),
with the same endpoint names for every owner. The owner says only how to find
its thread from the address (`Attached`); everything else is written once here.
Post-level actions (edit, helpful, flag, hide) and the /posts/<id> permalinks are
the discussions blueprint's, which send readers back to these pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from community.discussions import moderation
from community.discussions import routes as discussions
from community.discussions.forms import ReviewForm
from community.discussions.models import Thread
from community.visibility import can_moderate_thread
from community.web.rate_limits import posting_limit


@dataclass(frozen=True)
class Attached:
    """A method's or project's discussion, found from its address (permission checked)."""

    thread: Thread
    # A 301 to the owner's current address when the link's slug is out of date.
    moved: Response | None
    # The way back to the owner: its list, then its page.
    crumbs: list[tuple[str, str]]
    # The discussion page's own address.
    url: str


def add_discussion_routes(
    bp: Blueprint, owner_id: str, find: Callable[[int, str], Attached]
) -> None:
    """The discussion's routes at /<owner_id>-<slug>/discussion… on `bp`; `find` takes
    the owner's id and the slug in the address, and 404s what the reader may not see."""
    base = f"/<int:{owner_id}>-<slug>/discussion"

    def attached(view_args: dict, slug: str) -> Attached:
        return find(view_args[owner_id], slug)

    def discussion(slug: str, **ids):
        found = attached(ids, slug)
        if found.moved is not None:
            return found.moved
        moderator = can_moderate_thread(current_user, found.thread)
        return discussions.thread_page(
            found.thread,
            request.args.get("page", 1, type=int),
            open_flags=moderation.thread_open_flag_count(found.thread) if moderator else 0,
        )

    def discussion_reply(slug: str, **ids):
        return discussions.reply_page(attached(ids, slug).thread)

    def discussion_watch(slug: str, **ids):
        return discussions.watch_action(attached(ids, slug).thread)

    def discussion_moderate(slug: str, **ids):
        thread = attached(ids, slug).thread
        if not can_moderate_thread(current_user, thread):
            abort(403)
        return discussions.moderate_action(thread)

    def discussion_flags(slug: str, **ids):
        found = attached(ids, slug)
        if not can_moderate_thread(current_user, found.thread):
            abort(403)
        if found.moved is not None:
            return found.moved
        return render_template(
            "communities/moderation.html",
            queue=moderation.thread_flag_queue(found.thread),
            back_crumbs=[*found.crumbs, (found.url, "Discussion")],
            form=ReviewForm(),
        )

    for view in (
        discussion,
        discussion_reply,
        discussion_watch,
        discussion_moderate,
        discussion_flags,
    ):
        # Named for their owner: flask-limiter keys a route's limits by this name, and
        # a traceback says whose discussion it was.
        view.__qualname__ = f"{bp.name}.{view.__name__}"
    bp.add_url_rule(base, view_func=discussion)
    bp.add_url_rule(
        f"{base}/reply", view_func=posting_limit(discussion_reply), methods=["GET", "POST"]
    )
    bp.add_url_rule(f"{base}/watch", view_func=discussion_watch, methods=["POST"])
    bp.add_url_rule(f"{base}/moderate", view_func=discussion_moderate, methods=["POST"])
    bp.add_url_rule(f"{base}/flags", view_func=discussion_flags)
