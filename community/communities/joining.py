"""Joining a private community: asking to join and the facilitators' decision, and
invitations by email.

Each function checks its own rules, commits once (with its audit entry, emails
and notifications) and raises RuleViolation with a message for people when a
rule is broken, leaving nothing changed.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.communities.models import Community, Invitation, JoinRequest, RequestStatus
from community.communities.services import add_member, facilitators_of, pending_request_of
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.notifications import services as notify
from community.outbox.services import queue_email
from community.visibility import membership
from community.web.urls import external_url


def request_to_join(user: User, community: Community, message: str) -> JoinRequest:
    if membership(user, community) is not None:
        raise RuleViolation("You are already a member of this community")
    if not community.is_private:
        raise RuleViolation("This community is open: you can join it straight away")
    if pending_request_of(user, community) is not None:
        raise RuleViolation("You have already asked to join; a facilitator will decide soon")
    join_request = JoinRequest(community=community, user_id=user.id, message=message.strip())
    db.session.add(join_request)
    db.session.flush()
    notify.join_requested(join_request, facilitators_of(community))
    record("community.join_requested", user, community, user.username, community_id=community.id)
    db.session.commit()
    return join_request


def decide_join_request(facilitator: User, join_request: JoinRequest, approve: bool) -> None:
    if join_request.status != RequestStatus.PENDING:
        raise RuleViolation("This request has already been decided")
    community = join_request.community
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    join_request.decided_by_id = facilitator.id
    join_request.decided_at = utcnow()
    if approve and membership(join_request.user, community) is None:
        add_member(community, join_request.user)
        notify.join_approved(join_request, facilitator)
    action = "community.request_approved" if approve else "community.request_declined"
    record(action, facilitator, community, join_request.user.username, community_id=community.id)
    db.session.commit()


def invite(
    facilitator: User, community: Community, email: str, *, field: str = "email"
) -> Invitation:
    email = email.strip().lower()
    existing = db.session.scalar(sa.select(User).where(User.email == email))
    if existing is not None and membership(existing, community) is not None:
        raise RuleViolation("That person is already a member", field)
    invitation = Invitation(
        community=community, email=email, token=secrets.token_urlsafe(24),
        invited_by_id=facilitator.id,
    )  # fmt: skip
    db.session.add(invitation)
    link = external_url(
        "communities.accept_invitation", slug=community.slug, token=invitation.token
    )
    queue_email(
        email,
        f"You are invited to join {community.name} on Improvement Commons",
        f"{facilitator.name} has invited you to join the improvement community "
        f"{community.name}.\n\nIts purpose: {community.purpose}\n\nTo join, sign in (or create "
        f"an account with this email address) and open:\n\n{link}\n",
    )
    db.session.flush()
    record("community.invited", facilitator, community, email, community_id=community.id)
    db.session.commit()
    return invitation


def invitation_for(community: Community, token: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.community_id == community.id, Invitation.token == token
        )
    )


def accept_invitation(user: User, community: Community, token: str) -> None:
    invitation = invitation_for(community, token)
    if invitation is None or invitation.accepted_at is not None:
        raise RuleViolation("This invitation has been used or is not valid")
    if invitation.email != user.email:
        raise RuleViolation(
            "This invitation was sent to another email address. Sign in with the account "
            "for that address to accept it."
        )
    invitation.accepted_at = utcnow()
    if membership(user, community) is None:
        add_member(community, user)
    record("community.invitation_accepted", user, community, user.username,
           community_id=community.id)  # fmt: skip
    db.session.commit()
