"""Everything the site holds about a member, as one JSON document they can download.

What they wrote is theirs in full (even posts since hidden or removed). What
others wrote is left out: a reply's thread is given by its address, not its
title, and a co-authored method's or a team's project's title only while they
may read it (or lead it), so leaving a private community never lets its titles
out in an export.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from community.accounts.models import SingleSignOnIdentity, User
from community.audit.models import AuditEvent
from community.audit.services import record
from community.communities.models import Community, Membership
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import HelpfulReaction, Post, Thread
from community.files.services import exported_files, files_archive
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentoringSession,
    MentorOffer,
    Mentorship,
    MentorshipFeedback,
)
from community.methods.models import AuthorRole, Method, MethodAuthor, MethodUse
from community.notifications.models import ThreadWatch
from community.projects.models import Project, TeamMember
from community.visibility import visible_methods_clause, visible_projects_clause

FORMAT = "Improvement Commons member data, version 1"


def _when(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.isoformat() + "Z"  # SQLite hands back naive datetimes, stored in UTC
    return moment.isoformat()


def _rows(query) -> list[dict[str, Any]]:
    return [
        {key: _when(value) if isinstance(value, date) else value for key, value in row.items()}
        for row in db.session.execute(query).mappings()
    ]


def _profile(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "email_confirmed_at": _when(user.email_confirmed_at),
        "job_title": user.job_title,
        "organisation": user.organisation.name if user.organisation else None,
        "about_you_markdown": user.bio_source,
        "expertise": [tag.name for tag in user.expertise],
        "site_role": user.role,
        "joined_at": _when(user.created_at),
        "last_signed_in_at": _when(user.last_sign_in_at),
        "address": f"/people/{user.username}",
        "single_sign_on": [
            {
                "provider": link.issuer,
                "email": link.email,
                "linked_at": _when(link.linked_at),
                "last_used_at": _when(link.last_used_at),
            }
            for link in db.session.scalars(
                sa.select(SingleSignOnIdentity).where(SingleSignOnIdentity.user_id == user.id)
            )
        ],
    }


def _discussions(user_id: int) -> dict[str, Any]:
    threads = _rows(
        sa.select(
            Thread.id,
            Thread.title,
            Thread.created_at,
            Community.name.label("community"),
            Thread.method_id,
            Thread.project_id,
        )  # fmt: skip
        .outerjoin(Community, Community.id == Thread.community_id)
        .where(Thread.author_id == user_id)
        .order_by(Thread.id)
    )
    posts = _rows(
        sa.select(
            Post.id,
            Post.thread_id,
            Post.created_at,
            Post.edited_at,
            Post.body_source.label("body_markdown"),
            Post.deleted_at.label("removed_at"),
            Post.hidden_at,
        )  # fmt: skip
        .where(Post.author_id == user_id)
        .order_by(Post.id)
    )
    for post in posts:
        post["address"] = f"/posts/{post['id']}"
    reactions = _rows(
        sa.select(HelpfulReaction.post_id, HelpfulReaction.created_at.label("marked_at"))
        .where(HelpfulReaction.user_id == user_id)
        .order_by(HelpfulReaction.created_at)
    )
    return {"threads_started": threads, "posts": posts, "marked_helpful": reactions}


def _seen(clause: sa.ColumnElement[bool], title: sa.ColumnElement[str]) -> sa.Label:
    """A title the member may not have written (a co-authored method's, a project
    they are on the team of), given only where `clause` holds: while they may still
    read it, or they lead it. After they leave its private community, what others wrote
    there is not theirs to take away; its id and their own part in it stay."""
    return sa.case((clause, title), else_=sa.null()).label("title")


def _methods(user: User) -> dict[str, Any]:
    user_id = user.id
    authored = _rows(
        sa.select(
            Method.id,
            _seen(
                sa.or_(visible_methods_clause(user), MethodAuthor.role == AuthorRole.LEAD),
                Method.title,
            ),
            Method.status,
            MethodAuthor.role,
            MethodAuthor.added_at,
        )  # fmt: skip
        .join(MethodAuthor, MethodAuthor.method_id == Method.id)
        .where(MethodAuthor.user_id == user_id)
        .order_by(Method.id)
    )
    for method in authored:
        method["address"] = f"/methods/{method['id']}"
    used = _rows(
        sa.select(MethodUse.method_id, MethodUse.created_at.label("used_at"))
        .where(MethodUse.user_id == user_id)
        .order_by(MethodUse.id)
    )
    return {"methods_authored": authored, "methods_used": used}


def _projects(user: User) -> list[dict[str, Any]]:
    user_id = user.id
    projects = _rows(
        sa.select(
            Project.id,
            _seen(sa.or_(visible_projects_clause(user), TeamMember.is_lead), Project.title),
            TeamMember.role.label("team_role"),
            TeamMember.is_lead,
            TeamMember.added_at,
        )  # fmt: skip
        .join(TeamMember, TeamMember.project_id == Project.id)
        .where(TeamMember.user_id == user_id)
        .order_by(Project.id)
    )
    for project in projects:
        project["address"] = f"/projects/{project['id']}"
    return projects


def _mentoring(user_id: int) -> dict[str, Any]:
    offer = db.session.scalar(sa.select(MentorOffer).where(MentorOffer.user_id == user_id))
    return {
        "offer": None
        if offer is None
        else {
            "capacity": offer.capacity,
            "components": [int(c) for c in offer.components],
            "approaches": [tag.name for tag in offer.approaches],
            "formats": [str(f) for f in offer.formats],
            "travel_to": [system.name for system in offer.travel_systems],
            "note": offer.note,
            "paused_at": _when(offer.paused_at),
            "offered_at": _when(offer.created_at),
        },
        "requests_made": _rows(
            sa.select(
                MentoringRequest.id,
                MentoringRequest.title,
                MentoringRequest.aim,
                MentoringRequest.status,
                MentoringRequest.created_at,
            )  # fmt: skip
            .where(MentoringRequest.requester_id == user_id)
            .order_by(MentoringRequest.id)
        ),
        "asks_received": _rows(
            sa.select(
                MentoringAsk.id,
                MentoringAsk.request_id,
                MentoringAsk.status,
                MentoringAsk.created_at,
                MentoringAsk.response.label("your_response"),
                MentoringAsk.responded_at,
            )  # fmt: skip
            .where(MentoringAsk.mentor_id == user_id)
            .order_by(MentoringAsk.id)
        ),
        "mentorships_as_mentor": _rows(
            sa.select(
                Mentorship.id,
                Mentorship.request_id,
                Mentorship.status,
                Mentorship.outcome,
                Mentorship.started_at,
                Mentorship.closed_at,
            )  # fmt: skip
            .where(Mentorship.mentor_id == user_id)
            .order_by(Mentorship.id)
        ),
        "sessions_logged": _rows(
            sa.select(
                MentoringSession.id,
                MentoringSession.mentorship_id,
                MentoringSession.held_on,
                MentoringSession.format,
                MentoringSession.notes,
                MentoringSession.next_steps,
            )  # fmt: skip
            .where(MentoringSession.logged_by_id == user_id)
            .order_by(MentoringSession.id)
        ),
        "feedback_given": _rows(
            sa.select(
                MentorshipFeedback.mentorship_id,
                MentorshipFeedback.rating,
                MentorshipFeedback.comment,
                MentorshipFeedback.created_at,
            )  # fmt: skip
            .where(MentorshipFeedback.author_id == user_id)
            .order_by(MentorshipFeedback.id)
        ),
    }


def _communities_and_notifications(user: User) -> dict[str, Any]:
    memberships = _rows(
        sa.select(
            Community.name,
            Community.slug,
            Membership.role,
            Membership.joined_at,
            Membership.watch_new_threads,
        )  # fmt: skip
        .join(Community, Community.id == Membership.community_id)
        .where(Membership.user_id == user.id)
        .order_by(Community.name)
    )
    watches = _rows(
        sa.select(ThreadWatch.thread_id, ThreadWatch.level)
        .where(ThreadWatch.user_id == user.id)
        .order_by(ThreadWatch.thread_id)
    )
    return {
        "communities": memberships,
        "notification_settings": {"email_me": user.email_notifications, "thread_watches": watches},
    }


def _account_history(user_id: int) -> list[dict[str, Any]]:
    """Sign-ins, failed sign-ins and other changes to the account, newest first."""
    return _rows(
        sa.select(AuditEvent.occurred_at, AuditEvent.action, AuditEvent.ip_address)
        .where(
            AuditEvent.target_type == User.__name__,
            AuditEvent.target_id == user_id,
            AuditEvent.action.startswith("account."),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    )


def member_data(user: User) -> dict[str, Any]:
    """Everything about `user`, in one document (no commit)."""
    return {
        "format": FORMAT,
        "exported_at": _when(utcnow()),
        "profile": _profile(user),
        **_communities_and_notifications(user),
        **_discussions(user.id),
        **_methods(user),
        "projects": _projects(user),
        "mentoring": _mentoring(user.id),
        "files": exported_files(user),
        "account_history": _account_history(user.id),
    }


def export_member_files(user: User):
    """The contents of the files the member attached, as a ZIP archive sent in chunks
    (community/files/services.py `files_archive`), with the download in the audit log."""
    chunks = files_archive(user)
    record("account.files_exported", user, user)
    db.session.commit()
    return chunks


def export_member_data(user: User) -> dict[str, Any]:
    """The member's data, with the export itself recorded in the audit log."""
    data = member_data(user)
    record("account.data_exported", user, user)
    db.session.commit()
    return data
