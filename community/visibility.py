"""The one rule for what a member may see.

Every page, list, count, feed, notification and search result that shows
community content builds its query from these helpers, so private content
cannot leak through a secondary list that re-implements the check.

* Signed-out visitors see no community content.
* Site administrators see every community (they moderate the platform).
* Anyone else sees active open communities, active private communities they
  belong to, and communities they proposed that are still waiting.
* A private community is either listed or not (its facilitators choose). A
  listed one's name and purpose are shown to everyone signed in, in the
  communities directory and in search alike, so that people can ask to join
  (its threads, members and learning question stay with its members). An
  unlisted one is listed nowhere for those who are not in it: not in the
  directory, not in search. `listed_communities_clause` is that one rule.
* Within a visible thread, removed posts show as a placeholder to everyone,
  and hidden posts show only to the thread's facilitators, administrators
  and their author.
* A method is visible when it is not deleted, its community (if it has one)
  is visible, and it is published or the member is one of its authors. So
  drafts are for their authors only (administrators included), and a method
  in a private community is seen only by that community's members.
* A method's discussion thread is visible exactly when its method is; its
  authors (with site administrators and, for a community's method, that
  community's facilitators) moderate it.
* An improvement project outside any community is seen by everyone signed
  in; a project in a community is seen by exactly those who may see that
  community, and so are its measures, updates, cycles, discussion and
  dashboard counts. Its leads (with site administrators and, for a
  community's project, that community's facilitators) moderate its discussion.
* A post's text is read by those who may see its thread, unless it was removed
  (a placeholder for everyone) or hidden (then its author and the thread's
  moderators only).
* A file is seen by those who may see what it is attached to (a post's files by
  those who may read the post; a method's, a project's and a PDSA cycle's by those who
  may see the method or the project), and removed by who uploaded it, whoever may edit
  what it is attached to, its moderators and site administrators.
* Content copied or moved out of a private community (an adaptation of its
  method, a thread moved elsewhere) reaches a wider audience only by the
  member's explicit choice: `widens_audience` says when to ask.

Each rule has three forms that must agree (tests/communities/test_visibility_rule.py): the
check for one object (`can_see_*`), the SQL filter (`visible_*_clause`) and the
bulk "who may be told" (`users_who_can_see_*`). Mentoring records have theirs in
community/mentoring/visibility.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sqlalchemy as sa
from flask import g, has_app_context
from flask_login import AnonymousUserMixin
from sqlalchemy.orm import lazyload

from community.accounts.models import User
from community.communities.models import (
    Community,
    CommunityStatus,
    MemberRole,
    Membership,
    Visibility,
)
from community.core.extensions import db
from community.discussions.models import Post, Thread
from community.files.models import StoredFile
from community.mentoring import visibility as mentoring_visibility
from community.mentoring.models import MentoringAsk, MentoringRequest
from community.methods.models import Method, MethodAuthor, MethodStatus
from community.projects.measures.models import Measure
from community.projects.models import PDSACycle, Project, TeamMember


def _is_signed_in(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUserMixin) and user.is_authenticated


def _built_once(rule: str, user, build: Callable[[], sa.ClauseElement]):
    """The clause `build` makes for a signed-in `user`, made once per request.

    A page applies the same rule to the same reader several times (its own
    queries, the notifications count in the header, a side panel), and making
    the clause costs more than running it. The clause is only a construct: it
    names the reader's id and reads their memberships when each statement
    runs, so reusing it never reuses an answer. Its shape depends on the id
    and on whether they are an administrator, so those are the key.
    """
    if not has_app_context() or not isinstance(user.id, int):
        return build()  # outside a request, or for a reader given as a parameter
    made = g.setdefault("_visibility_clauses", {})
    key = (rule, user.id, user.is_admin)
    if key not in made:
        made[key] = build()
    return made[key]


def member_community_ids(user: User) -> sa.Select:
    return sa.select(Membership.community_id).where(Membership.user_id == user.id)


def visible_communities_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Community: the communities `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    if user.is_admin:
        return sa.true()
    return sa.or_(
        sa.and_(
            Community.status == CommunityStatus.ACTIVE,
            sa.or_(
                Community.visibility == Visibility.OPEN,
                Community.id.in_(member_community_ids(user)),
            ),
        ),
        sa.and_(Community.status == CommunityStatus.PROPOSED, Community.created_by_id == user.id),
    )


def listed_communities_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Community: the communities `user` finds listed, by name and
    purpose, in the directory and in search: those they may read, and the active private
    communities whose facilitators list them (to be asked to join)."""
    if not _is_signed_in(user):
        return sa.false()
    return sa.or_(
        visible_communities_clause(user),
        sa.and_(
            Community.status == CommunityStatus.ACTIVE,
            Community.visibility == Visibility.PRIVATE,
            Community.listed.is_(True),
        ),
    )


def can_find_community(user, community: Community) -> bool:
    """Whether `user` finds `community` listed (`listed_communities_clause`, for one)."""
    if can_see_community(user, community):
        return True
    return bool(
        _is_signed_in(user) and community.is_active and community.is_private and community.listed
    )


def open_community_clause() -> sa.ColumnElement[bool]:
    """A WHERE clause over Community: the communities every signed-in member may read."""
    return sa.and_(
        Community.status == CommunityStatus.ACTIVE, Community.visibility == Visibility.OPEN
    )


def open_to_every_member(community_id: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """Over anything placed in a community by `community_id`: seen by every signed-in
    member (in no community, or in an active open one). For what is the same for every
    reader, such as evidence of someone's expertise that anyone may be shown."""
    open_communities = sa.select(Community.id).where(open_community_clause())
    return sa.or_(community_id.is_(None), community_id.in_(open_communities))


def visible_community_ids(user) -> sa.Select:
    if not _is_signed_in(user):
        return sa.select(Community.id).where(sa.false())
    return _built_once(
        "communities", user, lambda: sa.select(Community.id).where(visible_communities_clause(user))
    )


def visibility_class(user) -> tuple:
    """Everything the rules above read about `user`, as one value: readers with equal
    values may see exactly the same communities, threads, posts, methods and projects.

    Most members share one class (open content only, no drafts); each member of a
    private community, proposer of a waiting community or author of an unpublished
    method has a class of their own (finer than needed, never coarser). For caching
    what a page shows its readers, never for deciding it.
    """
    if not _is_signed_in(user):
        return ("signed out",)
    rows = db.session.execute(_class_facts(), {"reader": user.id}).all()
    return ("admin" if user.is_admin else "member", tuple(sorted((k, i) for k, i in rows)))


@functools.cache
def _class_facts() -> sa.CompoundSelect:
    """The statement behind `visibility_class`, built once: building it cost more than
    running it (about 1 ms a page)."""
    reader = sa.bindparam("reader", type_=sa.Integer)
    return sa.union_all(
        sa.select(sa.literal("member"), Membership.community_id)
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == reader, Community.visibility != Visibility.OPEN),
        sa.select(sa.literal("proposed"), Community.id).where(
            Community.created_by_id == reader, Community.status != CommunityStatus.ACTIVE
        ),
        sa.select(sa.literal("author"), MethodAuthor.method_id)
        .join(Method, Method.id == MethodAuthor.method_id)
        .where(MethodAuthor.user_id == reader, Method.status != MethodStatus.PUBLISHED),
    )


def membership(user, community: Community) -> Membership | None:
    if not _is_signed_in(user):
        return None
    return db.session.scalar(_membership(), {"user_id": user.id, "community_id": community.id})


@functools.cache
def _membership() -> sa.Select:
    """The statement behind `membership`, built once (most pages run it; building it
    cost more than running it). Its user and community are the ones passed in: not
    joined and loaded again."""
    return (
        sa.select(Membership)
        .options(lazyload("*"))
        .where(
            Membership.user_id == sa.bindparam("user_id"),
            Membership.community_id == sa.bindparam("community_id"),
        )
    )


def can_see_community(user, community: Community, member: Membership | None = None) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_admin:
        return True
    if community.status == CommunityStatus.PROPOSED:
        return community.created_by_id == user.id
    if community.status != CommunityStatus.ACTIVE:
        return False
    if community.visibility == Visibility.OPEN:
        return True
    return (member or membership(user, community)) is not None


def can_facilitate(user, community: Community, member: Membership | None = None) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_admin:
        return True
    member = member or membership(user, community)
    return member is not None and member.role == MemberRole.FACILITATOR


def facilitated_community_ids(user) -> sa.Select:
    return sa.select(Membership.community_id).where(
        Membership.user_id == user.id, Membership.role == MemberRole.FACILITATOR
    )


def users_who_can_see(community: Community, user_ids: set[int]) -> set[int]:
    """Of `user_ids`, those allowed to read `community` (one query)."""
    if not user_ids:
        return set()
    if community.status == CommunityStatus.ACTIVE and community.visibility == Visibility.OPEN:
        return set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids))))
    members = sa.select(Membership.user_id).where(Membership.community_id == community.id)
    clause = User.role == "admin"
    if community.status == CommunityStatus.ACTIVE:
        clause = sa.or_(clause, User.id.in_(members))
    elif community.status == CommunityStatus.PROPOSED and community.created_by_id is not None:
        clause = sa.or_(clause, User.id == community.created_by_id)  # waiting: its proposer
    return set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids), clause)))


def widens_audience(source: Community | None, target: Community | None) -> bool:
    """Whether content read in `source` and copied or moved to `target` would reach
    people who could not read it where it was.

    Content outside any community, or in an open one, is already seen by every
    member. Content in a private community is seen by its members only, so any
    other place (no community, an open one, or another private one whose members
    differ) is wider: finer than needed, never coarser.
    """
    if source is None or not source.is_private:
        return False
    return target is None or target.id != source.id


# ------------------------------------------------------------------ methods


def authored_method_ids(user: User) -> sa.Select:
    return sa.select(MethodAuthor.method_id).where(MethodAuthor.user_id == user.id)


def visible_methods_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Method: the methods `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    return _built_once(
        "methods",
        user,
        lambda: sa.and_(
            Method.status != MethodStatus.DELETED,
            sa.or_(
                Method.community_id.is_(None), Method.community_id.in_(visible_community_ids(user))
            ),
            sa.or_(
                Method.status == MethodStatus.PUBLISHED, Method.id.in_(authored_method_ids(user))
            ),
        ),
    )


def visible_method_ids(user) -> sa.Select:
    return sa.select(Method.id).where(visible_methods_clause(user))


def can_see_method(user, method: Method) -> bool:
    """The same rule as visible_methods_clause, for one method already loaded."""
    if not _is_signed_in(user) or method.is_deleted:
        return False
    if method.community_id is not None and not can_see_community(user, method.community):
        return False
    return method.is_published or method.is_author(user)


def users_who_can_see_method(method: Method, user_ids: set[int]) -> set[int]:
    """Of `user_ids`, those allowed to read `method` (at most two queries)."""
    if not user_ids or method.is_deleted:
        return set()
    allowed = set(user_ids)
    if not method.is_published:
        allowed &= method.author_ids()
    if method.community is not None:
        allowed = users_who_can_see(method.community, allowed)
    elif allowed:
        allowed = set(db.session.scalars(sa.select(User.id).where(User.id.in_(allowed))))
    return allowed


def can_moderate_method_discussion(user, method: Method) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_admin or method.is_author(user):
        return True
    return method.community is not None and can_facilitate(user, method.community)


# ------------------------------------------------------------------ threads


def visible_threads_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Thread: the community, method and project threads `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    # A method's or project's thread is checked against its own method or project
    # (one row by its key), not against a list of every visible one: listing
    # 20 000 methods for each thread made a search over discussions take seconds.
    return _built_once(
        "threads",
        user,
        lambda: sa.or_(
            Thread.community_id.in_(visible_community_ids(user)),
            sa.and_(
                Thread.method_id.is_not(None),
                sa.exists().where(Method.id == Thread.method_id, visible_methods_clause(user)),
            ),
            sa.and_(
                Thread.project_id.is_not(None),
                sa.exists().where(Project.id == Thread.project_id, visible_projects_clause(user)),
            ),
        ),
    )


def can_see_thread(user, thread: Thread) -> bool:
    if thread.method_id is not None:
        return can_see_method(user, thread.method)
    if thread.project_id is not None:
        return can_see_project(user, thread.project)
    return can_see_community(user, thread.community)


def can_moderate_thread(user, thread: Thread, member: Membership | None = None) -> bool:
    """Pin, lock, hide posts and review flags: facilitators, or a method's or project's."""
    if thread.method_id is not None:
        return can_moderate_method_discussion(user, thread.method)
    if thread.project_id is not None:
        return can_moderate_project_discussion(user, thread.project)
    return can_facilitate(user, thread.community, member)


def thread_moderator_ids(thread: Thread) -> set[int]:
    """The bulk form of `can_moderate_thread`: who it lets moderate `thread`, site
    administrators aside. A community's facilitators; a method's authors, or a project's
    leads, and the facilitators of the community it is shared in. Those told of a flag."""
    community_id = thread.community_id
    if thread.method_id is not None:
        ids = set(db.session.scalars(
            sa.select(MethodAuthor.user_id).where(MethodAuthor.method_id == thread.method_id)
        ))  # fmt: skip
        community_id = thread.method.community_id
    elif thread.project_id is not None:
        ids = set(db.session.scalars(
            sa.select(TeamMember.user_id).where(
                TeamMember.project_id == thread.project_id, TeamMember.is_lead.is_(True)
            )
        ))  # fmt: skip
        community_id = thread.project.community_id
    else:
        ids = set()
    if community_id is not None:
        ids |= set(db.session.scalars(
            sa.select(Membership.user_id).where(
                Membership.community_id == community_id, Membership.role == MemberRole.FACILITATOR
            )
        ))  # fmt: skip
    return ids


def users_who_can_see_thread(thread: Thread, user_ids: set[int]) -> set[int]:
    if thread.method_id is not None:
        return users_who_can_see_method(thread.method, user_ids)
    if thread.project_id is not None:
        return users_who_can_see_project(thread.project, user_ids)
    return users_who_can_see(thread.community, user_ids)


def moderated_threads_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Thread: the threads `user` moderates (`can_moderate_thread`)."""
    if not _is_signed_in(user):
        return sa.false()
    if user.is_admin:
        return sa.true()
    facilitated = facilitated_community_ids(user)
    led = sa.select(TeamMember.project_id).where(
        TeamMember.user_id == user.id, TeamMember.is_lead.is_(True)
    )
    return sa.or_(
        Thread.community_id.in_(facilitated),
        sa.exists().where(
            Method.id == Thread.method_id,
            sa.or_(Method.id.in_(authored_method_ids(user)), Method.community_id.in_(facilitated)),
        ),
        sa.exists().where(
            Project.id == Thread.project_id,
            sa.or_(Project.id.in_(led), Project.community_id.in_(facilitated)),
        ),
    )


def users_who_can_moderate_thread(thread: Thread, user_ids: set[int]) -> set[int]:
    """Of `user_ids`, those who moderate `thread` (one query)."""
    if not user_ids:
        return set()
    facilitators = sa.select(Membership.user_id).where(
        Membership.community_id == sa.bindparam("community"),
        Membership.role == MemberRole.FACILITATOR,
    )
    community_id = thread.community_id
    extra: sa.ColumnElement[bool] = sa.false()
    if thread.method_id is not None:
        community_id = thread.method.community_id
        extra = User.id.in_(list(thread.method.author_ids()))
    elif thread.project_id is not None:
        community_id = thread.project.community_id
        extra = User.id.in_(
            sa.select(TeamMember.user_id).where(
                TeamMember.project_id == thread.project_id, TeamMember.is_lead.is_(True)
            )
        )
    clause = sa.or_(User.role == "admin", extra)
    if community_id is not None:
        clause = sa.or_(clause, User.id.in_(facilitators))
    return set(
        db.session.scalars(
            sa.select(User.id).where(User.id.in_(user_ids), clause), {"community": community_id}
        )
    )


# ------------------------------------------------------------------ posts
#
# A post's text is read by those who may see its thread, unless it was removed (a
# placeholder for everyone) or hidden (by a facilitator or by flags: then only its
# author and the thread's moderators read it).


def shown_to_every_reader() -> sa.ColumnElement[bool]:
    """Over Post: neither removed nor hidden, so every reader of its thread reads it.
    For what is drawn once for all readers (feeds, search, evidence of expertise)."""
    return sa.and_(Post.deleted_at.is_(None), Post.hidden_at.is_(None))


def can_read_hidden_post(user, post: Post, thread: Thread) -> bool:
    """A hidden post's text is for its author and the thread's moderators."""
    return post.author_id == getattr(user, "id", None) or can_moderate_thread(user, thread)


def can_see_post(user, post: Post, thread: Thread | None = None) -> bool:
    if post.is_removed:
        return False
    thread = thread or db.session.get(Thread, post.thread_id)
    if not can_see_thread(user, thread):
        return False
    return not post.is_hidden or can_read_hidden_post(user, post, thread)


def visible_posts_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Post: the posts whose text `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    in_view = sa.exists().where(Thread.id == Post.thread_id, visible_threads_clause(user))
    moderated = sa.exists().where(Thread.id == Post.thread_id, moderated_threads_clause(user))
    return sa.and_(
        Post.deleted_at.is_(None),
        in_view,
        sa.or_(Post.hidden_at.is_(None), Post.author_id == user.id, moderated),
    )


def users_who_can_see_post(
    post: Post, user_ids: set[int], thread: Thread | None = None
) -> set[int]:
    """Of `user_ids`, those who may read `post` (at most three queries)."""
    if post.is_removed:
        return set()
    thread = thread or db.session.get(Thread, post.thread_id)
    allowed = users_who_can_see_thread(thread, user_ids)
    if not post.is_hidden or not allowed:
        return allowed
    moderators = users_who_can_moderate_thread(thread, allowed)
    return {uid for uid in allowed if uid == post.author_id or uid in moderators}


# ------------------------------------------------------------------ files
#
# A file is seen by exactly those who may see what it is attached to: a post's files by
# those who may read the post (so none of a removed post's, and a hidden post's only by
# its author and the thread's moderators); a method's by those who may see the method
# (a draft's by its authors); a project's and its PDSA cycles' by those who may see the
# project (none of a deleted project's).


def _file_project(stored: StoredFile) -> Project | None:
    if stored.project_id is not None:
        return db.session.get(Project, stored.project_id)
    cycle = db.session.get(PDSACycle, stored.cycle_id) if stored.cycle_id is not None else None
    return db.session.get(Project, cycle.project_id) if cycle is not None else None


def can_see_file(user, stored: StoredFile) -> bool:
    if not _is_signed_in(user):
        return False
    if stored.post_id is not None:
        post = db.session.get(Post, stored.post_id)
        return post is not None and can_see_post(user, post)
    if stored.method_id is not None:
        method = db.session.get(Method, stored.method_id)
        return method is not None and can_see_method(user, method)
    project = _file_project(stored)
    return project is not None and can_see_project(user, project)


def on_project_team(user, project: Project, *, lead: bool = False) -> bool:
    """Whether `user` is on `project`'s team (with `lead`, one of its leads)."""
    clause = [TeamMember.project_id == project.id, TeamMember.user_id == user.id]
    if lead:
        clause.append(TeamMember.is_lead.is_(True))
    return db.session.scalar(sa.select(TeamMember.id).where(*clause)) is not None


def can_remove_file(user, stored: StoredFile) -> bool:
    """Who uploaded it; the moderators of its post's thread; a method's authors; a
    project's leads, and for a cycle's file its project's team; site administrators."""
    if not can_see_file(user, stored):
        return False
    if stored.uploader_id is not None and stored.uploader_id == user.id:
        return True
    if stored.post_id is not None:
        post = db.session.get(Post, stored.post_id)
        return can_moderate_thread(user, db.session.get(Thread, post.thread_id))
    if user.is_admin:
        return True
    if stored.method_id is not None:
        return db.session.get(Method, stored.method_id).is_author(user)
    return on_project_team(user, _file_project(stored), lead=stored.cycle_id is None)


# ------------------------------------------------------------------ projects


def visible_projects_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Project: the projects `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    # A deleted project is gone for everyone, administrators too.
    if user.is_admin:
        return Project.deleted_at.is_(None)
    return _built_once(
        "projects",
        user,
        lambda: sa.and_(
            Project.deleted_at.is_(None),
            sa.or_(
                Project.community_id.is_(None),
                Project.community_id.in_(visible_community_ids(user)),
            ),
        ),
    )


def can_see_project(user, project: Project) -> bool:
    if not _is_signed_in(user) or project.deleted_at is not None:
        return False
    if project.community_id is None:
        return True
    return can_see_community(user, project.community)


def can_moderate_project_discussion(user, project: Project) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_admin:
        return True
    lead = db.session.scalar(
        sa.select(TeamMember.id).where(
            TeamMember.project_id == project.id,
            TeamMember.user_id == user.id,
            TeamMember.is_lead.is_(True),
        )
    )
    if lead is not None:
        return True
    return project.community is not None and can_facilitate(user, project.community)


def users_who_can_see_project(project: Project, user_ids: set[int]) -> set[int]:
    """Of `user_ids`, those allowed to read `project` (one query)."""
    if project.deleted_at is not None:
        return set()
    if project.community_id is None:
        if not user_ids:
            return set()
        return set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids))))
    return users_who_can_see(project.community, user_ids)


# ------------------------------------------------------------------ measures
#
# A measure, its data points and its charts are seen by exactly those who may see
# its project.


def can_see_measure(user, measure: Measure) -> bool:
    project = db.session.get(Project, measure.project_id)
    return project is not None and can_see_project(user, project)


def visible_measures_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over Measure: the measures `user` may read."""
    if not _is_signed_in(user):
        return sa.false()
    return sa.exists().where(Project.id == Measure.project_id, visible_projects_clause(user))


def users_who_can_see_measure(measure: Measure, user_ids: set[int]) -> set[int]:
    project = db.session.get(Project, measure.project_id)
    return users_who_can_see_project(project, user_ids) if project is not None else set()


# ------------------------------------------------------------------ mentoring requests
#
# The rule itself lives with mentoring (community/mentoring/visibility.py: who may
# see a request describing an organisation's weaknesses); here it is named beside
# the others, with its bulk form, so that every rule is found and tested in one place.

can_see_request = mentoring_visibility.can_see_request
visible_requests_clause = mentoring_visibility.visible_requests_clause


def users_who_can_see_request(request: MentoringRequest, user_ids: set[int]) -> set[int]:
    """Of `user_ids`, those who may see `request` (one query): administrators, its
    requester, members of its organisation and the mentors it was offered to."""
    if not user_ids:
        return set()
    asked = sa.select(MentoringAsk.mentor_id).where(MentoringAsk.request_id == request.id)
    clause = sa.or_(
        User.role == "admin",
        User.id == request.requester_id,
        User.organisation_id == request.organisation_id,
        User.id.in_(asked),
    )
    return set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids), clause)))
