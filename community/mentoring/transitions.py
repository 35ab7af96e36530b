"""The only moves between mentoring's states (see services.py), and the message for each
refused one.

    request     open ──(a mentor accepts)──▶ matched ──(mentorship closed)──▶ closed
                open ──(requester withdraws)──▶ withdrawn
    ask         pending ──▶ accepted | declined | withdrawn | expired
    mentorship  active ──(either side closes)──▶ closed
"""

from __future__ import annotations

from datetime import datetime

from community.core.errors import RuleViolation
from community.mentoring.models import MentoringAsk
from community.mentoring.vocabulary import AskStatus, MentorshipStatus, RequestStatus

REQUEST_MOVES = {
    RequestStatus.OPEN: {RequestStatus.MATCHED, RequestStatus.WITHDRAWN},
    RequestStatus.MATCHED: {RequestStatus.CLOSED},
}
ASK_MOVES = {
    AskStatus.PENDING: {
        AskStatus.ACCEPTED, AskStatus.DECLINED, AskStatus.WITHDRAWN, AskStatus.EXPIRED,
    },
}  # fmt: skip
MENTORSHIP_MOVES = {MentorshipStatus.ACTIVE: {MentorshipStatus.CLOSED}}

REQUEST_REFUSALS = {
    RequestStatus.OPEN: "This request is still looking for a mentor",
    RequestStatus.MATCHED: "This request already has a mentor",
    RequestStatus.CLOSED: "This request's mentorship has ended",
    RequestStatus.WITHDRAWN: "This request has been withdrawn",
}
ASK_REFUSALS = {
    AskStatus.ACCEPTED: "This ask has already been accepted",
    AskStatus.DECLINED: "This ask has already been declined",
    AskStatus.WITHDRAWN: "This ask has been withdrawn: the request no longer needs your answer",
    AskStatus.EXPIRED: "This ask expired before it was answered",
}
MENTORSHIP_REFUSALS = {
    MentorshipStatus.ACTIVE: "This mentorship is still running",
    MentorshipStatus.CLOSED: "This mentorship has been closed",
}


def check_move(moves: dict, refusals: dict, current: str, new: str) -> None:
    if new not in moves.get(current, set()):
        raise RuleViolation(refusals.get(current, "That change is not possible now"))


def ask_state(ask: MentoringAsk, now: datetime | None = None) -> str:
    """The ask's status as people should see it: pending past its expiry is expired."""
    return AskStatus.EXPIRED if ask.is_overdue(now) else ask.status
