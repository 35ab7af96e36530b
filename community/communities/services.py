"""Communities: proposing, approving, joining, leaving and facilitating (asking to join a
private community, and invitations, are in joining.py).

Each function checks its own rules, commits once (with its audit entry, emails
and notifications) and raises RuleViolation with a message for people when a
rule is broken, leaving nothing changed.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app

from community.accounts.models import Role, User
from community.audit.services import record
from community.communities.models import (
    Community,
    CommunityStatus,
    JoinRequest,
    MemberRole,
    Membership,
    RequestStatus,
    Visibility,
)
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.slugs import slugify
from community.core.timefmt import utcnow
from community.search import indexing
from community.visibility import (
    can_facilitate,
    can_find_community,
    can_see_community,
    listed_communities_clause,
    membership,
)


def require_confirmed(user: User, doing: str = "post") -> None:
    if not user.is_confirmed:
        raise RuleViolation(
            f"Confirm your email address before you {doing}. We sent you a link; you can ask "
            "for another from your settings."
        )


# ------------------------------------------------------------------ finding


def get_community_or_404(slug: str, user, *, facilitate: bool = False) -> Community:
    """The community at `slug` if `user` may see it (and facilitate it, if asked)."""
    community = db.session.scalar(sa.select(Community).where(Community.slug == slug))
    if community is None or not can_see_community(user, community):
        abort(404)
    if facilitate and not can_facilitate(user, community):
        abort(403)
    return community


def get_listed_community_or_404(slug: str, user) -> Community:
    """A community `user` may see, or a listed private one they may ask to join."""
    community = db.session.scalar(sa.select(Community).where(Community.slug == slug))
    if community is None:
        abort(404)
    if can_find_community(user, community):
        return community
    abort(404)


def directory_page(user, page: int, per_page: int, *, name: str = "", mine: bool = False):
    """Communities for the directory: the visible ones plus listed private ones (the
    same rule as search: `listed_communities_clause`)."""
    query = sa.select(Community).where(listed_communities_clause(user))
    if mine:
        query = query.where(
            Community.id.in_(
                sa.select(Membership.community_id).where(Membership.user_id == user.id)
            )
        )
    if name:
        query = query.where(sa.func.lower(Community.name).like(f"%{name.lower()}%"))
    query = query.order_by(Community.last_activity_at.desc().nulls_last(), Community.name)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def memberships_of(user, community_ids: list[int]) -> dict[int, Membership]:
    if not community_ids:
        return {}
    rows = db.session.scalars(
        sa.select(Membership)
        # The reader and the communities are on the page already: not joined again.
        .options(sa.orm.lazyload(Membership.user), sa.orm.lazyload(Membership.community))
        .where(Membership.user_id == user.id, Membership.community_id.in_(community_ids))
    )
    return {m.community_id: m for m in rows}


def members_page(community: Community, page: int, per_page: int):
    query = (
        sa.select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.community_id == community.id)
        # "facilitator" sorts before "member": facilitators first.
        .order_by(Membership.role, User.name, User.id)
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def facilitators_of(community: Community) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .options(sa.orm.lazyload(User.expertise))  # named and linked, not described
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.community_id == community.id,
                Membership.role == MemberRole.FACILITATOR,
            )
            .order_by(User.name)
        )
    )


def pending_requests(community: Community) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            sa.select(JoinRequest)
            .where(
                JoinRequest.community_id == community.id,
                JoinRequest.status == RequestStatus.PENDING,
            )
            .order_by(JoinRequest.created_at)
            .limit(200)
        )
    )


def pending_request_of(user, community: Community) -> JoinRequest | None:
    return db.session.scalar(
        sa.select(JoinRequest).where(
            JoinRequest.community_id == community.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    )


def proposed_communities() -> list[Community]:
    return list(
        db.session.scalars(
            sa.select(Community)
            .where(Community.status == CommunityStatus.PROPOSED)
            .order_by(Community.created_at)
        )
    )


# ------------------------------------------------------------------ changing


def add_member(community: Community, user: User, role: str = MemberRole.MEMBER) -> Membership:
    member = Membership(community=community, user=user, role=role)
    db.session.add(member)
    community.member_count += 1
    return member


def _unique_slug(name: str, exclude_id: int | None = None) -> str:
    slug = slugify(name)
    if not slug:
        raise RuleViolation("Name must contain letters or numbers", "name")
    clash = db.session.scalar(
        sa.select(Community.id).where(
            sa.or_(Community.slug == slug, sa.func.lower(Community.name) == name.lower()),
            Community.id != (exclude_id or 0),
        )
    )
    if clash is not None:
        raise RuleViolation("There is already a community with this name", "name")
    return slug


def _checked(name: str, visibility: str, exclude_id: int | None = None) -> str:
    """Every problem with a community's name and visibility at once (a
    RuleViolations), or the name's slug."""
    problems = Problems()
    slug = ""
    try:
        slug = _unique_slug(name.strip(), exclude_id)
    except RuleViolation as violation:
        problems.collect(violation)
    if visibility not in {v.value for v in Visibility}:
        problems.add("Choose who can see the community", "visibility")
    problems.raise_any()
    return slug


def check_details(name: str, visibility: str, community: Community | None = None) -> None:
    """The checks `propose_community` and `update_community` make, saving nothing."""
    _checked(name or "", visibility or "", community.id if community else None)


def propose_community(
    user: User, *, name: str, purpose: str, learning_question: str, visibility: str, listed: bool
) -> Community:
    require_confirmed(user, "propose a community")
    name = name.strip()
    slug = _checked(name, visibility)
    needs_approval = current_app.config["COMMUNITY_APPROVAL_REQUIRED"] and not user.is_admin
    community = Community(
        name=name,
        slug=slug,
        purpose=purpose.strip(),
        learning_question=learning_question.strip(),
        visibility=visibility,
        listed=listed and visibility == Visibility.PRIVATE,
        status=CommunityStatus.PROPOSED if needs_approval else CommunityStatus.ACTIVE,
        created_by_id=user.id,
        last_activity_at=utcnow(),
        member_count=0,
        thread_count=0,
    )
    db.session.add(community)
    add_member(community, user, MemberRole.FACILITATOR)
    db.session.flush()
    indexing.community_changed(community)
    record("community.proposed", user, community, name, community_id=community.id)
    db.session.commit()
    return community


def decide_proposal(admin: User, community: Community, approve: bool) -> None:
    if community.status != CommunityStatus.PROPOSED:
        raise RuleViolation("This community has already been decided")
    community.status = CommunityStatus.ACTIVE if approve else CommunityStatus.DECLINED
    indexing.community_changed(community)
    action = "community.approved" if approve else "community.declined"
    record(action, admin, community, community.name, community_id=community.id)
    db.session.commit()


def update_community(
    facilitator: User,
    community: Community,
    *,
    name: str,
    purpose: str,
    learning_question: str,
    visibility: str,
    listed: bool,
) -> None:
    name = name.strip()
    slug = _checked(name, visibility, community.id)
    changes = []
    if community.visibility != visibility:
        changes.append(f"visibility {community.visibility} to {visibility}")
    community.name, community.slug = name, slug
    community.purpose, community.learning_question = purpose.strip(), learning_question.strip()
    community.visibility = visibility
    community.listed = listed and visibility == Visibility.PRIVATE
    indexing.community_changed(community)
    record(
        "community.updated", facilitator, community, "; ".join(changes) or "details",
        community_id=community.id,
    )  # fmt: skip
    db.session.commit()


def join(user: User, community: Community) -> Membership:
    if membership(user, community) is not None:
        raise RuleViolation("You are already a member of this community")
    if community.is_private:
        raise RuleViolation("This community is private: ask to join and a facilitator will decide")
    if not community.is_active:
        raise RuleViolation("This community is not open yet")
    member = add_member(community, user)
    record("community.joined", user, community, user.username, community_id=community.id)
    db.session.commit()
    return member


def _other_facilitators(community: Community, user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Membership.id)).where(
            Membership.community_id == community.id,
            Membership.role == MemberRole.FACILITATOR,
            Membership.user_id != user.id,
        )
    )


def leave(user: User, community: Community) -> None:
    member = membership(user, community)
    if member is None:
        raise RuleViolation("You are not a member of this community")
    if member.is_facilitator and _other_facilitators(community, user) == 0:
        raise RuleViolation(
            "You are the only facilitator: appoint another facilitator before you leave"
        )
    db.session.delete(member)
    community.member_count -= 1
    record("community.left", user, community, user.username, community_id=community.id)
    db.session.commit()


def remove_member(facilitator: User, community: Community, user: User) -> None:
    member = membership(user, community)
    if member is None:
        raise RuleViolation("That person is not a member")
    if user.id == facilitator.id:
        raise RuleViolation("To leave the community yourself, use Leave")
    if member.is_facilitator and facilitator.role != Role.ADMIN:
        raise RuleViolation("Remove their facilitator role before removing them")
    if member.is_facilitator and _other_facilitators(community, user) == 0:
        raise RuleViolation("A community needs at least one facilitator: appoint another first")
    db.session.delete(member)
    community.member_count -= 1
    record("community.member_removed", facilitator, community, user.username,
           community_id=community.id)  # fmt: skip
    db.session.commit()


def set_facilitator(facilitator: User, community: Community, user: User, appoint: bool) -> None:
    member = membership(user, community)
    if member is None:
        raise RuleViolation("Only members can be facilitators")
    if not appoint and not member.is_facilitator:
        raise RuleViolation(f"{user.name} is not a facilitator")
    if not appoint and _other_facilitators(community, user) == 0:
        raise RuleViolation("A community needs at least one facilitator")
    member.role = MemberRole.FACILITATOR if appoint else MemberRole.MEMBER
    action = "community.facilitator_appointed" if appoint else "community.facilitator_removed"
    record(action, facilitator, community, user.username, community_id=community.id)
    db.session.commit()


def set_watch_new_threads(user: User, community: Community, watch: bool) -> None:
    member = membership(user, community)
    if member is None:
        raise RuleViolation("Join the community to follow its new threads")
    member.watch_new_threads = watch
    db.session.commit()
