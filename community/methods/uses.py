""" "I've used this": a member records that their organisation used a published method,
and the counts the library and search rank by (uses, and organisations using it).

Each function that changes something checks its rules, commits once (with its
notification) and raises RuleViolation with a message for people, leaving
nothing changed.
"""

from __future__ import annotations

import sqlalchemy as sa

from community.accounts.models import User
from community.communities.services import require_confirmed
from community.core.errors import RuleViolation
from community.core.extensions import db
from community.methods.models import Method, MethodUse
from community.methods.services import atomic
from community.notifications import services as notify
from community.search import indexing


def refresh_use_counts(method_ids: list[int]) -> None:
    """After uses are removed other than through `unuse` (e.g. a member deleted their account)."""
    for method_id in method_ids:
        method = db.session.get(Method, method_id)
        _refresh_use_counts(method)
        indexing.method_changed(method)  # its boost counts the uses


def _refresh_use_counts(method: Method) -> None:
    uses = sa.select(sa.func.count(MethodUse.id)).where(MethodUse.method_id == method.id)
    organisations = sa.select(sa.func.count(sa.distinct(MethodUse.organisation_id))).where(
        MethodUse.method_id == method.id
    )
    db.session.execute(
        sa.update(Method)
        .where(Method.id == method.id)
        .values(
            use_count=uses.scalar_subquery(), organisation_count=organisations.scalar_subquery()
        )
    )
    db.session.expire(method, ["use_count", "organisation_count"])


@atomic
def record_use(user: User, method: Method) -> MethodUse:
    """ "I've used this": recorded with the member's organisation."""
    require_confirmed(user, "say you have used a method")
    if not method.is_published:
        raise RuleViolation("You can say you have used a method once it is published")
    existing = db.session.scalar(
        sa.select(MethodUse).where(MethodUse.method_id == method.id, MethodUse.user_id == user.id)
    )
    if existing is not None:
        raise RuleViolation("You have already said you used this method")
    use = MethodUse(method_id=method.id, user_id=user.id, organisation_id=user.organisation_id)
    db.session.add(use)
    db.session.flush()
    _refresh_use_counts(method)
    notify.method_used(method, user, user.organisation)
    indexing.method_changed(method)  # its boost counts the uses
    db.session.commit()
    return use


@atomic
def withdraw_use(user: User, method: Method) -> None:
    existing = db.session.scalar(
        sa.select(MethodUse).where(MethodUse.method_id == method.id, MethodUse.user_id == user.id)
    )
    if existing is None:
        raise RuleViolation("You have not said you used this method")
    db.session.delete(existing)
    db.session.flush()
    _refresh_use_counts(method)
    indexing.method_changed(method)
    db.session.commit()
