"""The one rule for who may see a mentoring request and its mentorship.

Requests describe an organisation's weaknesses, so they are not public. A
request (and the mentorship that grows from it) is visible to:

* the member who made it;
* the members of the organisation it is for;
* every mentor it has been offered to (asked), whatever they answered;
* site administrators.

Everyone else gets a 404, as if it did not exist. Pages, lists, counts and
notifications all build on `visible_requests_clause`, so no list re-implements
the check. Acting is narrower than seeing: only the requester manages a
request (asks mentors, withdraws), only the asked mentor answers an ask, and
only the two participants (mentor and requester) work on a mentorship.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import AnonymousUserMixin

from community.core.extensions import db
from community.mentoring.models import MentoringAsk, MentoringRequest, Mentorship


def _is_signed_in(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUserMixin) and user.is_authenticated


def visible_requests_clause(user) -> sa.ColumnElement[bool]:
    """A WHERE clause over MentoringRequest: the requests `user` may see."""
    if not _is_signed_in(user):
        return sa.false()
    if user.is_admin:
        return sa.true()
    asked = sa.select(MentoringAsk.request_id).where(MentoringAsk.mentor_id == user.id)
    clauses = [MentoringRequest.requester_id == user.id, MentoringRequest.id.in_(asked)]
    if user.organisation_id is not None:
        clauses.append(MentoringRequest.organisation_id == user.organisation_id)
    return sa.or_(*clauses)


def visible_request_ids(user) -> sa.Select:
    return sa.select(MentoringRequest.id).where(visible_requests_clause(user))


def can_see_request(user, request: MentoringRequest) -> bool:
    if not _is_signed_in(user):
        return False
    if user.is_admin or request.requester_id == user.id:
        return True
    if user.organisation_id is not None and request.organisation_id == user.organisation_id:
        return True
    return was_asked(user, request)


def was_asked(user, request: MentoringRequest) -> bool:
    return (
        db.session.scalar(
            sa.select(MentoringAsk.id).where(
                MentoringAsk.request_id == request.id, MentoringAsk.mentor_id == user.id
            )
        )
        is not None
    )


def can_manage_request(user, request: MentoringRequest) -> bool:
    return _is_signed_in(user) and request.requester_id == user.id


def is_participant(user, mentorship: Mentorship) -> bool:
    return _is_signed_in(user) and user.id in (
        mentorship.mentor_id,
        mentorship.request.requester_id,
    )


def get_request_or_404(request_id: int, user, *, manage: bool = False) -> MentoringRequest:
    """The request if `user` may see it (404 otherwise); 403 if they may see but not manage."""
    request = db.session.get(MentoringRequest, request_id)
    if request is None or not can_see_request(user, request):
        abort(404)
    if manage and not can_manage_request(user, request):
        abort(403)
    return request


def get_mentorship_or_404(mentorship_id: int, user, *, participate: bool = False) -> Mentorship:
    """The mentorship if `user` may see it; 403 for watchers when taking part is needed."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or not can_see_request(user, mentorship.request):
        abort(404)
    if participate and not is_participant(user, mentorship):
        abort(403)
    return mentorship
