"""Writing to and reading the audit log. Callers commit with their own change."""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_request_context, request

from community.accounts.models import User
from community.audit.models import AuditEvent
from community.audit.vocabulary import ACTIONS, action_words
from community.core.extensions import db


def record(
    action: str,
    actor: User | None,
    target: object | None = None,
    summary: str = "",
    community_id: int | None = None,
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"Name the audit action {action!r} in community/audit/vocabulary.py")
    # Routes pass `current_user`, a proxy: the entry names what it stands for.
    if hasattr(target, "_get_current_object"):
        target = target._get_current_object()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        summary=summary[:300],
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
        community_id=community_id,
    )
    db.session.add(event)
    return event


def recent_events(
    page: int, per_page: int, action: str | None = None, community_id: int | None = None
):
    query = sa.select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if community_id is not None:
        query = query.where(AuditEvent.community_id == community_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def actions_logged() -> list[tuple[str, str]]:
    """Each action the log holds, with its words, for filtering by."""
    codes = db.session.scalars(sa.select(AuditEvent.action).distinct().order_by("action"))
    return [(code, action_words(code)) for code in codes]
