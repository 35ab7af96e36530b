"""Methods: writing, publishing, revising, using and adapting them.

Each function that changes something checks its rules, commits once (with its
audit entry and notifications) and raises RuleViolation with a message for
people, leaving nothing changed. The form content and its rules are in
content.py; the library and other lists in queries.py; "I've used this" in
uses.py; the lineage and spread in lineage.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import sqlalchemy as sa
from flask import abort

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community
from community.communities.services import require_confirmed
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions import services as discussions
from community.discussions.models import Thread
from community.files import services as files
from community.methods.content import (
    AdaptationContext,
    MethodContent,
    apply_content,
    apply_context,
    check_content,
    check_context,
    check_copied_audience,
    check_publishable,
    co_authors_for,
    community_for,
    copied_from_private,
    normalise,
    parse_free_tags,
    publish_problems,
    tags_for,
)
from community.methods.models import (
    Adaptation,
    AuthorRole,
    Method,
    MethodAuthor,
    MethodStatus,
)
from community.methods.revisions import keep_revision, latest_revision
from community.methods.snapshots import revision_snapshot, snapshot
from community.notifications import services as notify
from community.search import indexing
from community.visibility import can_see_method


class EditConflict(RuleViolation):
    """Someone saved the method after the editor opened it: nothing was saved.

    `current` is the saved content (as a revision snapshot) and `version` the
    version the next save must start from.
    """

    def __init__(self, current: dict[str, str], version: int):
        super().__init__(
            "Someone else saved changes to this method while you were editing it. Your "
            "changes have not been saved: compare them with the saved version below, then "
            "save again to replace it."
        )
        self.current = current
        self.version = version


# ------------------------------------------------------------------ finding


def get_method_or_404(
    method_id: int, user, *, edit: bool = False, manage: bool = False, delete: bool = False
) -> Method:
    """The method if `user` may see it; 403 if they may see it but not do what is asked.

    edit: its authors. manage (unpublish): its authors and site administrators.
    delete: its lead author and site administrators.
    """
    method = db.session.get(Method, method_id)
    if method is None or not can_see_method(user, method):
        abort(404)
    if edit and not method.is_author(user):
        abort(403)
    if manage and not (method.is_author(user) or user.is_admin):
        abort(403)
    if delete and not (method.is_lead_author(user) or user.is_admin):
        abort(403)
    return method


def parent_of(method: Method) -> Method | None:
    """The method `method` was adapted from, if it is an adaptation."""
    return db.session.get(Method, method.parent_id) if method.parent_id is not None else None


def thread_of(method: Method) -> Thread:
    thread = db.session.scalar(sa.select(Thread).where(Thread.method_id == method.id))
    if thread is None:  # every method gets one when it is created
        abort(404)
    return thread


# ------------------------------------------------------------------ writing


def atomic(service):
    """A refusal leaves nothing behind: roll back whatever the service had added."""

    @functools.wraps(service)
    def run(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except RuleViolation:
            db.session.rollback()
            raise

    return run


def _set_co_authors(method: Method, people: list[User]) -> set[int]:
    """Make `people` the co-authors; returns the ids of those newly added."""
    wanted = {u.id for u in people}
    for author in list(method.authors):
        if author.role == AuthorRole.CO_AUTHOR and author.user_id not in wanted:
            method.authors.remove(author)
    present = method.author_ids()
    added = set()
    for person in people:
        if person.id not in present:
            method.authors.append(
                MethodAuthor(user_id=person.id, user=person, role=AuthorRole.CO_AUTHOR)
            )
            added.add(person.id)
    return added


def _count_adaptation(method: Method, change: int) -> None:
    if method.parent_id is not None:
        db.session.execute(
            sa.update(Method)
            .where(Method.id == method.parent_id)
            .values(adaptation_count=Method.adaptation_count + change)
        )


def _publish(user: User, method: Method, note: str) -> None:
    """Publish inside the caller's transaction: revision, counters, notifications, audit."""
    check_publishable(method)
    first_time = method.first_published_at is None
    now = utcnow()
    method.status = MethodStatus.PUBLISHED
    method.published_at = now
    method.first_published_at = method.first_published_at or now
    db.session.flush()
    latest = latest_revision(method)
    if latest is None or revision_snapshot(latest) != snapshot(method):
        keep_revision(
            method, user, note or ("First published" if first_time else "Published again")
        )
    _count_adaptation(method, +1)
    if first_time and method.parent_id is not None:
        parent = db.session.get(Method, method.parent_id)
        notify.method_adapted(method, parent, user)
    record("method.published", user, method, method.title[:200], community_id=method.community_id)


def check_method(
    user: User,
    content: MethodContent,
    *,
    context: AdaptationContext | None = None,
    current_community_id: int | None = None,
    publish: bool = False,
) -> None:
    """Every problem with a method's (or, with `context`, an adaptation's) details at
    once (a RuleViolations): the checks `create_method` and `update_method` make, saving
    nothing, so a form shows them all in one submit."""
    problems = Problems()
    content = normalise(content)
    checks = [
        lambda: check_content(content),
        lambda: community_for(user, content.community_id, current_community_id),
        lambda: parse_free_tags(content.free_tags),
    ]
    if context is not None:
        checks.append(lambda: check_context(context))
    for check in checks:
        problems.attempt(check)
    if publish:
        try:
            tag_count = len(content.approach_ids) + len(parse_free_tags(content.free_tags))
        except RuleViolation:
            tag_count = 0
        for name, message in publish_problems(
            content.title, content.summary, content.sections, tag_count
        ):
            problems.add(message, name)
    problems.raise_any()


@atomic
def create_method(
    user: User,
    content: MethodContent,
    *,
    publish: bool = False,
    parent: Method | None = None,
    context: AdaptationContext | None = None,
    widen_audience: bool = False,
    keep_files: Sequence[int] = (),
) -> Method:
    """Start a method (or, with `parent` and `context`, an adaptation); a draft unless `publish`.

    An adaptation of a method in a private community copies its text, so it stays
    in that community unless `widen_audience` says the author chose a wider one. It
    starts with copies of the parent's files named by `keep_files` (those the author
    may see): they go where its text goes, under the same rule.
    """
    require_confirmed(user, "write a method")
    content = normalise(content)
    if parent is not None:
        if not can_see_method(user, parent):
            abort(404)
        if not parent.is_published:
            raise RuleViolation("Only a published method can be adapted")
        context = context or AdaptationContext()
    source = copied_from_private(parent)  # an adaptation may always stay where that is
    check_method(
        user, content, context=context, current_community_id=source.id if source else None,
        publish=publish,
    )  # fmt: skip
    if context is not None:
        context = check_context(context)
    community = community_for(user, content.community_id, source.id if source else None)
    check_copied_audience(parent, community, widen_audience)
    co_authors = co_authors_for(user, content.co_authors, user.id, community)
    tags = tags_for(content)
    if publish:
        problems = publish_problems(content.title, content.summary, content.sections, len(tags))
        if problems:
            raise RuleViolation(problems[0][1], problems[0][0])
    kept_files = files.files_to_copy(user, parent, keep_files) if parent and keep_files else []
    if kept_files:
        files.check_copies(user, files.files_per_item(), kept_files, "keep_files")
    now = utcnow()
    method = Method(
        status=MethodStatus.DRAFT,
        community=community,
        community_id=community.id if community else None,
        parent_id=parent.id if parent else None,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
        version=1,
        use_count=0,
        organisation_count=0,
        adaptation_count=0,
    )
    apply_content(method, content, tags)
    method.authors = [MethodAuthor(user_id=user.id, user=user, role=AuthorRole.LEAD, added_at=now)]
    added = _set_co_authors(method, co_authors)
    if parent is not None:
        adaptation = Adaptation(organisation_id=user.organisation_id)
        apply_context(adaptation, context)
        method.adaptation = adaptation
    db.session.add(method)
    db.session.flush()
    thread = Thread(
        method_id=method.id, community_id=None, author_id=user.id, title=method.title,
        slug=method.slug, post_count=0,
    )  # fmt: skip
    db.session.add(thread)
    db.session.flush()
    discussions.follow(thread, method.author_ids())
    copied = files.copy_files_into(user, method, kept_files)
    try:
        if publish:
            db.session.flush()
            _publish(user, method, "")
        if added:
            notify.method_co_author_added(method, added, user)
        indexing.method_changed(method)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        files.delete_bytes(copied)
        raise
    return method


def _check_discussion_stays_private(method: Method, community: Community | None) -> None:
    """Members who discussed a method in a private community wrote for that community only."""
    current = method.community
    if current is None or not current.is_private or community is current:
        return
    if thread_of(method).post_count:
        raise RuleViolation(
            f"People have discussed this method in {current.name}, a private community, so "
            "it stays there: their posts were written for its members only",
            "community",
        )


@atomic
def update_method(
    user: User,
    method: Method,
    content: MethodContent,
    *,
    base_version: int,
    note: str = "",
    context: AdaptationContext | None = None,
    publish: bool = False,
    widen_audience: bool = False,
) -> bool:
    """Save an author's edit; returns False when nothing changed.

    Refuses (EditConflict) when the method was saved by someone else since
    `base_version`, the version the editor's form started from. The row is
    locked while it is checked, so two saves cannot both pass the check.
    """
    require_confirmed(user, "edit a method")
    if not method.is_author(user):
        raise RuleViolation("Only the method's authors can edit it")
    content = normalise(content)
    check_method(
        user, content,
        context=(context or AdaptationContext()) if method.adaptation is not None else None,
        current_community_id=method.community_id,
    )  # fmt: skip
    # Lock the method's row (PostgreSQL; SQLite writers are already serialised),
    # then read it afresh: a co-author's save that landed first is seen here.
    db.session.execute(
        sa.select(Method.id).where(Method.id == method.id).with_for_update()
    ).scalar_one()
    db.session.refresh(method)
    if method.version != base_version:
        current, version = snapshot(method), method.version
        db.session.rollback()
        raise EditConflict(current, version)
    if method.adaptation is not None:
        context = check_context(context or AdaptationContext())
    community = community_for(user, content.community_id, method.community_id)
    _check_discussion_stays_private(method, community)
    check_copied_audience(
        parent_of(method),
        community,
        widen_audience,
        staying=(community.id if community else None) == method.community_id,
    )
    lead = method.lead_author
    co_authors = co_authors_for(user, content.co_authors, lead.id if lead else user.id, community)
    tags = tags_for(content)
    before = snapshot(method)
    authors_before = method.author_ids()
    community_before = method.community_id
    apply_content(method, content, tags)
    if method.adaptation is not None:
        apply_context(method.adaptation, context)
    method.community = community
    method.community_id = community.id if community else None
    added = _set_co_authors(method, co_authors)
    changed_text = snapshot(method) != before
    changed = (
        changed_text
        or method.author_ids() != authors_before
        or method.community_id != community_before
    )
    if not changed and not publish:
        db.session.rollback()
        return False
    if changed:
        method.version += 1
        method.updated_at = utcnow()
        thread = thread_of(method)
        if thread.title != method.title:
            thread.title, thread.slug = method.title, method.slug
            if thread.post_count:  # a discussion is in search once it has a post
                indexing.thread_changed(thread)
        discussions.follow(thread, added)
    if publish and not method.is_published:
        _publish(user, method, note)
    elif changed_text and method.is_published:
        keep_revision(method, user, note)
    if added:
        notify.method_co_author_added(method, added, user)
    indexing.method_changed(method)
    db.session.commit()
    return True


@atomic
def publish(user: User, method: Method) -> None:
    require_confirmed(user, "publish a method")
    if not method.is_author(user):
        raise RuleViolation("Only the method's authors can publish it")
    if method.is_published:
        raise RuleViolation("This method is already published")
    _publish(user, method, "")
    indexing.method_changed(method)
    db.session.commit()


@atomic
def unpublish(user: User, method: Method) -> None:
    """Back to a draft: only its authors see it; its adaptations keep their pages."""
    if not (method.is_author(user) or user.is_admin):
        raise RuleViolation("Only the method's authors can unpublish it")
    if not method.is_published:
        raise RuleViolation("This method is not published")
    method.status = MethodStatus.DRAFT
    _count_adaptation(method, -1)
    record("method.unpublished", user, method, method.title[:200], community_id=method.community_id)
    indexing.method_changed(method)
    db.session.commit()


@atomic
def delete_method(user: User, method: Method) -> None:
    """Delete for everyone. The row stays so that its adaptations' lineage stays whole."""
    if not (method.is_lead_author(user) or user.is_admin):
        raise RuleViolation("Only the method's lead author can delete it")
    if method.is_deleted:
        return
    if method.is_published:
        _count_adaptation(method, -1)
    method.status = MethodStatus.DELETED
    method.deleted_at = utcnow()
    record("method.deleted", user, method, method.title[:200], community_id=method.community_id)
    indexing.method_changed(method)  # out of the index: nobody may find it now
    db.session.commit()
