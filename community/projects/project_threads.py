"""Each project's discussion: one thread, opened with the project, followed by its team.

The thread uses the discussions machinery (posts, replies, reactions, flags,
watches, notifications); community/visibility.py lets exactly those who can
see the project read it, and its leads moderate it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from community.core.errors import RuleViolation
from community.core.extensions import db
from community.discussions import services as discussions
from community.discussions.models import Thread
from community.projects.models import Project
from community.search import indexing


def find_thread(project: Project) -> Thread | None:
    return db.session.scalar(sa.select(Thread).where(Thread.project_id == project.id))


def thread_of(project: Project) -> Thread:
    thread = find_thread(project)
    if thread is None:  # every project gets one when it starts
        abort(404)
    return thread


def open_discussion(project: Project, lead_id: int) -> Thread:
    """The project's thread, with no posts yet; called inside the starting transaction."""
    thread = Thread(
        project_id=project.id, community_id=None, method_id=None, author_id=lead_id,
        title=project.title, slug=project.slug, post_count=0,
    )  # fmt: skip
    db.session.add(thread)
    db.session.flush()
    discussions.follow(thread, [lead_id])
    return thread


def retitle(project: Project) -> None:
    """The discussion takes the project's title, in search too once it has a post."""
    db.session.execute(
        sa.update(Thread)
        .where(Thread.project_id == project.id)
        .values(title=project.title, slug=project.slug)
    )
    thread = find_thread(project)
    if thread is not None and thread.post_count:
        indexing.thread_changed(thread)


def check_discussion_stays_private(project: Project, new_community_id: int | None) -> None:
    """Members who discussed a project in a private community wrote for that community only."""
    current = project.community
    if current is None or not current.is_private or new_community_id == current.id:
        return
    if thread_of(project).post_count:
        raise RuleViolation(
            f"People have discussed this project in {current.name}, a private community, so "
            "it stays there: their posts were written for its members only",
            "community_id",
        )
