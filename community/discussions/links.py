"""Where a thread and its posts are, and where a thread page's forms lead: a community
thread lives in its community, a method's or project's on its method or project."""

from __future__ import annotations

from flask import url_for

from community.discussions.models import Post, Thread


def thread_url(thread: Thread, page: int | None = None, anchor: str | None = None) -> str:
    """The canonical address of a thread: in its community, or on its method."""
    values = {"page": page} if page and page > 1 else {}
    if thread.method_id is not None:
        return url_for(
            "methods.discussion",
            method_id=thread.method_id,
            slug=thread.method.slug,
            _anchor=anchor,
            **values,
        )
    if thread.project_id is not None:
        return url_for(
            "projects.discussion",
            project_id=thread.project_id,
            slug=thread.project.slug,
            _anchor=anchor,
            **values,
        )
    return url_for(
        "discussions.thread",
        slug=thread.community.slug,
        thread_id=thread.id,
        title_slug=thread.slug,
        _anchor=anchor,
        **values,
    )


def thread_links(thread: Thread) -> dict:
    """Where a thread page's forms and breadcrumbs lead, for either kind of thread."""
    if thread.method_id is not None:
        method = thread.method
        values = {"method_id": method.id, "slug": method.slug}
        return {
            "reply": url_for("methods.discussion_reply", **values),
            "watch": url_for("methods.discussion_watch", **values),
            "moderate": url_for("methods.discussion_moderate", **values),
            "move": None,
            "flags": url_for("methods.discussion_flags", **values),
            "crumbs": [
                (url_for("methods.library"), "Methods"),
                (url_for("methods.method", **values), method.title),
            ],
        }
    if thread.project_id is not None:
        project = thread.project
        values = {"project_id": project.id, "slug": project.slug}
        return {
            "reply": url_for("projects.discussion_reply", **values),
            "watch": url_for("projects.discussion_watch", **values),
            "moderate": url_for("projects.discussion_moderate", **values),
            "move": None,
            "flags": url_for("projects.discussion_flags", **values),
            "crumbs": [
                (url_for("projects.index"), "Projects"),
                (url_for("projects.show", **values), project.title),
            ],
        }
    values = {"slug": thread.community.slug, "thread_id": thread.id}
    return {
        "reply": url_for("discussions.reply", **values),
        "watch": url_for("discussions.watch", **values),
        "moderate": url_for("discussions.moderate", **values),
        "move": url_for("discussions.move", **values),
        "flags": url_for("communities.moderation_queue", slug=thread.community.slug),
        "crumbs": [
            (url_for("communities.directory"), "Communities"),
            (url_for("communities.home", slug=thread.community.slug), thread.community.name),
        ],
    }


def post_url(post: Post, thread: Thread) -> str:
    return thread_url(thread, post.page, f"post-{post.id}")
