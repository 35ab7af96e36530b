"""Deleting an account: what the member wrote stays, who they were goes.

Their threads, posts, methods, project updates and session notes stay where
others rely on them, shown as by "a former member" (every author column is
ON DELETE SET NULL). Everything that says who they were goes, in the same
transaction as the users row: name, email, profile, expertise, sign-in
sessions (the session token lives in that row), memberships, watches,
reactions, notifications to them, their mentoring offer, their entry in the
search index, email waiting for them, and their name, address and IP
address in audit entries about them. Their username is retired (kept as a
digest) so that no newcomer inherits their old @mentions. Draft methods only
they wrote, which no one else could ever see, are deleted. Counters that counted them (members of
a community, helpful marks, uses of a method) are brought down with them.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import RetiredUsername, User
from community.audit.models import AuditEvent
from community.audit.services import record
from community.communities.models import Community, Invitation, MemberRole, Membership
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import HelpfulReaction, Post
from community.files import services as files
from community.mentoring import notify as mentoring_notify
from community.mentoring.models import MentoringAsk, MentoringRequest, Mentorship
from community.mentoring.services import live_pending_asks
from community.mentoring.vocabulary import AskStatus, MentorshipStatus, Outcome, RequestStatus
from community.methods.models import Method, MethodAuthor, MethodStatus, MethodUse
from community.methods.uses import refresh_use_counts
from community.notifications.models import Notification
from community.outbox.models import OutboxMessage
from community.projects.models import Project, TeamMember
from community.search import indexing
from community.search.index import follow_author, remove_document
from community.search.kinds.people import KIND as PERSON

FORMER_MEMBER = "a former member"


def _only_facilitator_of(user: User) -> list[str]:
    """Communities that would be left with members but no facilitator."""
    others = sa.orm.aliased(Membership)
    other_facilitators = (
        sa.select(sa.func.count(others.id))
        .where(
            others.community_id == Membership.community_id,
            others.role == MemberRole.FACILITATOR,
            others.user_id != user.id,
        )
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Community.name)
            .join(Membership, Membership.community_id == Community.id)
            .where(
                Membership.user_id == user.id,
                Membership.role == MemberRole.FACILITATOR,
                other_facilitators == 0,
                Community.member_count > 1,
            )
            .order_by(Community.name)
        )
    )


def _only_lead_of(user: User) -> list[str]:
    """Projects that would be left with a team but no lead."""
    others = sa.orm.aliased(TeamMember)
    other_leads = (
        sa.select(sa.func.count(others.id))
        .where(
            others.project_id == TeamMember.project_id,
            others.is_lead.is_(True),
            others.user_id != user.id,
        )
        .scalar_subquery()
    )
    team_size = (
        sa.select(sa.func.count(others.id))
        .where(others.project_id == TeamMember.project_id)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Project.title)
            .join(TeamMember, TeamMember.project_id == Project.id)
            .where(
                TeamMember.user_id == user.id,
                TeamMember.is_lead.is_(True),
                other_leads == 0,
                team_size > 1,
            )
            .order_by(Project.title)
        )
    )


def handovers_needed(user: User) -> list[str]:
    """What the member must hand over before their account can go, in words."""
    needed = [f"Appoint another facilitator of {name}" for name in _only_facilitator_of(user)]
    needed += [f"Make someone else a lead of the project {title}" for title in _only_lead_of(user)]
    return needed


def _leave_communities(user: User) -> None:
    community_ids = list(
        db.session.scalars(sa.select(Membership.community_id).where(Membership.user_id == user.id))
    )
    if community_ids:
        db.session.execute(
            sa.update(Community)
            .where(Community.id.in_(community_ids))
            .values(member_count=Community.member_count - 1)
        )
        db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(sa.delete(Invitation).where(Invitation.email == user.email))


def _take_back_helpful_marks(user: User) -> None:
    post_ids = list(
        db.session.scalars(
            sa.select(HelpfulReaction.post_id).where(HelpfulReaction.user_id == user.id)
        )
    )
    if not post_ids:
        return
    db.session.execute(sa.delete(HelpfulReaction).where(HelpfulReaction.user_id == user.id))
    db.session.execute(
        sa.update(Post)
        .where(Post.id.in_(post_ids))
        .values(helpful_count=Post.helpful_count - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    for post in db.session.scalars(sa.select(Post).where(Post.id.in_(post_ids))):
        indexing.post_changed(post)  # a helpful mark lifts a post in search


def _forget_method_uses(user: User) -> None:
    method_ids = list(
        db.session.scalars(sa.select(MethodUse.method_id).where(MethodUse.user_id == user.id))
    )
    db.session.execute(sa.delete(MethodUse).where(MethodUse.user_id == user.id))
    refresh_use_counts(method_ids)


def _end_mentoring(user: User) -> None:
    """Their offer goes with them; mentorships they were mentoring close, and the org is told."""
    now = utcnow()
    running = db.session.scalars(
        sa.select(Mentorship).where(
            Mentorship.mentor_id == user.id, Mentorship.status == MentorshipStatus.ACTIVE
        )
    ).all()
    for mentorship in running:
        mentorship.status, mentorship.outcome = MentorshipStatus.CLOSED, Outcome.WITHDRAWN
        mentorship.closed_at = now
        request = db.session.get(MentoringRequest, mentorship.request_id)
        request.status, request.ended_at = RequestStatus.CLOSED, now
        mentoring_notify.mentor_left(mentorship)
    # Asks they had not answered go with them (ON DELETE CASCADE), as do their offer and
    # evidence rows; whoever asked is told, and prompted to ask someone else if no one is left.
    waiting = db.session.scalars(
        sa.select(MentoringAsk).where(
            MentoringAsk.mentor_id == user.id,
            MentoringAsk.status == AskStatus.PENDING,
            MentoringAsk.expires_at > now,
        )
    ).all()
    for ask in waiting:
        request = db.session.get(MentoringRequest, ask.request_id)
        mentoring_notify.asked_mentor_left(request, live_pending_asks(request, now) - 1)


def _forget_in_notifications(user: User) -> None:
    """Notifications they caused name them in their text: name them no more."""
    caused = Notification.actor_id == user.id
    name = user.name
    db.session.execute(
        sa.update(Notification)
        .where(caused, sa.func.substr(Notification.text, 1, len(name)) == name)
        .values(text="A former member" + sa.func.substr(Notification.text, len(name) + 1))
    )
    db.session.execute(
        sa.update(Notification)
        .where(caused)
        .values(text=sa.func.replace(Notification.text, name, FORMER_MEMBER))
    )


def _forget_in_audit_log(user: User) -> None:
    """Keep what happened and when; drop who it was (name, addresses) from the entries."""
    about_them = sa.or_(
        AuditEvent.actor_id == user.id,
        sa.and_(AuditEvent.target_type == User.__name__, AuditEvent.target_id == user.id),
    )
    db.session.execute(sa.update(AuditEvent).where(about_them).values(summary="", ip_address=""))
    # Elsewhere they appear by address (invitations, failed sign-ins) or by username alone.
    db.session.execute(
        sa.update(AuditEvent)
        .where(AuditEvent.summary.contains(user.email, autoescape=True))
        .values(summary=sa.func.replace(AuditEvent.summary, user.email, "[deleted address]"))
    )
    db.session.execute(
        sa.update(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.summary == user.username,
                AuditEvent.summary.endswith(f": {user.username}", autoescape=True),
            )
        )
        .values(summary=sa.func.replace(AuditEvent.summary, user.username, FORMER_MEMBER))
    )


def _delete_lone_drafts(user: User) -> None:
    """Drafts only they could see would be seen by no one: they go as deleted methods."""
    others = sa.orm.aliased(MethodAuthor)
    lone = db.session.scalars(
        sa.select(Method)
        .join(MethodAuthor, MethodAuthor.method_id == Method.id)
        .where(
            MethodAuthor.user_id == user.id,
            Method.status == MethodStatus.DRAFT,
            ~sa.exists().where(others.method_id == Method.id, others.user_id != user.id),
        )
    ).all()
    for method in lone:
        method.status, method.deleted_at = MethodStatus.DELETED, utcnow()
        indexing.method_changed(method)


def delete_account(user: User, password: str) -> None:
    """Delete the member's account, after they have given their password again."""
    if not user.check_password(password):
        raise RuleViolation("Your password is not correct", "password")
    needed = handovers_needed(user)
    if needed:
        raise RuleViolation(f"Before you delete your account: {'; '.join(needed)}")
    user_id = user.id
    _leave_communities(user)
    _take_back_helpful_marks(user)
    _forget_method_uses(user)
    _delete_lone_drafts(user)
    _end_mentoring(user)
    _forget_in_notifications(user)
    lone_files = files.take_away_lone_files(user)
    # What they wrote stays findable, by no one: it no longer carries their place.
    follow_author(user_id, None, None)
    remove_document(PERSON, user_id)
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    _forget_in_audit_log(user)
    db.session.add(RetiredUsername(digest=RetiredUsername.digest_of(user.username)))
    db.session.delete(user)
    db.session.flush()
    record("account.deleted", None, summary=f"member {user_id} deleted their account")
    db.session.commit()
    files.delete_bytes(lone_files)
