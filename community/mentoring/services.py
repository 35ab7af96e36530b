"""Mentoring's workflow: requests, asks and mentorships, and every change of their state.

The states, and the only moves between them::

    request     open ──(a mentor accepts)──▶ matched ──(mentorship closed)──▶ closed
                open ──(requester withdraws)──▶ withdrawn
    ask         pending ──▶ accepted | declined | withdrawn | expired
    mentorship  active ──(either side closes)──▶ closed

Every function here checks all of its rules before it changes anything. A
broken rule raises RuleViolation with a message for people (naming the form
field when there is one) and leaves the database as it was; otherwise the
function commits once, with its audit entries and notifications. The moves
allowed are in moves.py; what a running mentorship holds (goals, sessions,
feedback) changes in mentorships.py.

An ask still pending after its expiry date counts as expired everywhere (it
cannot be accepted, and no longer takes one of the three places) from the
moment it is due. `flask mentoring expire-asks` (run it daily, or hourly, from
cron) then records the expiry and prompts the requester to ask someone else.
Nothing is written while a page is merely being read.

Capacity is never exceeded: accepting locks the request row and the mentor's
offer row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite every write
transaction holds the single write lock from BEGIN IMMEDIATE) and counts the
mentor's active mentorships inside that transaction, so two acceptances at the
same moment cannot both take the last place.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from community.accounts.models import ExpertiseTag, TagKind, User
from community.audit.services import record
from community.communities.services import require_confirmed
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.mentoring import notify
from community.mentoring.checks import (
    aware,
    checked_rating,
    feedback_side,
    locked,
    require_participant,
    text,
)
from community.mentoring.matching.eligibility import eligible_mentor_ids
from community.mentoring.matching.ranking import Needs
from community.mentoring.models import (
    MentoringAsk,
    MentoringRequest,
    MentoringRequestComponent,
    MentorOffer,
    Mentorship,
    MentorshipFeedback,
)
from community.mentoring.transitions import (
    ASK_MOVES,
    ASK_REFUSALS,
    MENTORSHIP_MOVES,
    MENTORSHIP_REFUSALS,
    REQUEST_MOVES,
    REQUEST_REFUSALS,
    ask_state,
    check_move,
)
from community.mentoring.vocabulary import (
    ANY_FORMAT,
    AskStatus,
    ImpactComponent,
    MeetingFormat,
    MentorshipStatus,
    Outcome,
    RequestStatus,
    Timescale,
)

MAX_PENDING_ASKS = 3


def expiry_days() -> int:
    return int(current_app.config["MENTORING_ASK_EXPIRY_DAYS"])


def live_pending_asks(request: MentoringRequest, now: datetime | None = None) -> int:
    """Asks on `request` still waiting for an answer and not yet due to expire."""
    return db.session.scalar(
        sa.select(sa.func.count(MentoringAsk.id)).where(
            MentoringAsk.request_id == request.id,
            MentoringAsk.status == AskStatus.PENDING,
            MentoringAsk.expires_at > (now or utcnow()),
        )
    )


# ------------------------------------------------------------------ requests


def create_request(
    user: User, *, title: str, aim: str, components: Iterable[int], approach_ids: Iterable[int],
    preferred_format: str, timescale: str,
) -> MentoringRequest:  # fmt: skip
    require_confirmed(user, "ask for mentoring")
    title, aim, chosen, approaches = check_request(
        user, title=title, aim=aim, components=components, approach_ids=approach_ids,
        preferred_format=preferred_format, timescale=timescale,
    )  # fmt: skip
    request = MentoringRequest(
        organisation_id=user.organisation_id, requester_id=user.id, title=title, aim=aim,
        preferred_format=preferred_format, timescale=timescale, status=RequestStatus.OPEN,
        component_rows=[MentoringRequestComponent(component=c) for c in chosen],
        approaches=approaches,
    )  # fmt: skip
    db.session.add(request)
    db.session.flush()
    record("mentoring.request_created", user, request, f"{title} ({user.organisation.name})")
    db.session.commit()
    return request


def check_request(
    user: User, *, title: str, aim: str, components: Iterable[int], approach_ids: Iterable[int],
    preferred_format: str, timescale: str,
) -> tuple[str, str, list[int], list[ExpertiseTag]]:  # fmt: skip
    """Every problem with a request at once (a RuleViolations), saving nothing; or the
    title, aim, components and approaches as they will be saved."""
    problems = Problems()
    if user.organisation_id is None:
        problems.add("Add your organisation to your profile before asking for mentoring")
    checked = {}
    for name, value, required in (
        ("title", title, "Give your request a short title"),
        ("aim", aim, "Say what your organisation wants to achieve"),
    ):
        try:
            checked[name] = text(value, name, required=required)
        except RuleViolation as violation:
            problems.collect(violation)
    try:
        chosen = sorted({int(c) for c in components})
    except (TypeError, ValueError):
        chosen = [-1]  # not a number: not from the list
    if not chosen:
        problems.add("Choose at least one IMPACT component you want help with", "components")
    elif any(c not in ImpactComponent._value2member_map_ for c in chosen):
        problems.add("Choose IMPACT components from the list", "components")
    approaches: list[ExpertiseTag] = []
    try:
        approaches = approach_tags(approach_ids)
    except RuleViolation as violation:
        problems.collect(violation)
    if preferred_format not in {*MeetingFormat, ANY_FORMAT}:
        problems.add("Choose how you would like to meet", "preferred_format")
    if timescale not in set(Timescale):
        problems.add("Choose a timescale", "timescale")
    problems.raise_any()
    return checked["title"], checked["aim"], chosen, approaches


def approach_tags(tag_ids: Iterable[int], field: str = "approaches") -> list[ExpertiseTag]:
    wanted = {int(t) for t in tag_ids}
    if not wanted:
        return []
    tags = list(
        db.session.scalars(
            sa.select(ExpertiseTag).where(
                ExpertiseTag.id.in_(wanted), ExpertiseTag.kind == TagKind.APPROACH
            )
        )
    )
    if len(tags) != len(wanted):
        raise RuleViolation("Choose improvement approaches from the list", field)
    return tags


def _require_requester(user: User, request: MentoringRequest, doing: str) -> None:
    if request.requester_id != user.id:
        raise RuleViolation(f"Only the member who made the request can {doing}")


def can_be_asked(request: MentoringRequest, mentor_id: int) -> bool:
    """Whether this person may be asked to mentor the request now (as `ask_mentors` checks)."""
    eligible = eligible_mentor_ids(Needs.of(request), among_mentors=[mentor_id])
    return db.session.scalar(eligible.limit(1)) is not None


def ask_mentors(
    user: User, request: MentoringRequest, mentor_ids: Iterable[int], message: str
) -> list[MentoringAsk]:
    """Ask up to three suggested mentors at once to take the request on."""
    _require_requester(user, request, "ask mentors")
    request = locked(MentoringRequest, request.id)
    if request.status != RequestStatus.OPEN:
        raise RuleViolation(REQUEST_REFUSALS[request.status])
    chosen = list(dict.fromkeys(int(m) for m in mentor_ids))
    if not chosen:
        raise RuleViolation("Choose at least one mentor to ask", "mentors")
    now = utcnow()
    waiting = live_pending_asks(request, now)
    if waiting + len(chosen) > MAX_PENDING_ASKS:
        room = MAX_PENDING_ASKS - waiting
        raise RuleViolation(
            f"You can ask up to {MAX_PENDING_ASKS} mentors at once. You are waiting for "
            f"{waiting}, so choose {room} or fewer"
            if room > 0
            else f"You are already waiting for {MAX_PENDING_ASKS} mentors to answer. Withdraw "
            "an ask, or wait for an answer, before asking someone else",
            "mentors",
        )
    message = text(message, "message")
    eligible = set(
        db.session.scalars(
            eligible_mentor_ids(Needs.of(request), among_mentors=sorted(set(chosen)))
        )
    )
    if eligible != set(chosen):
        raise RuleViolation(
            "A mentor you chose can no longer be asked (their places may have filled, or they "
            "paused their offer). Choose again from the suggestions",
            "mentors",
        )
    expires = now + timedelta(days=expiry_days())
    asks = []
    for mentor_id in chosen:
        ask = MentoringAsk(
            request=request, mentor_id=mentor_id, message=message, status=AskStatus.PENDING,
            created_at=now, expires_at=expires,
        )  # fmt: skip
        db.session.add(ask)
        asks.append(ask)
    db.session.flush()
    for ask in asks:
        record("mentoring.mentor_asked", user, ask, f"request {request.id}: {ask.mentor.username}")
        notify.asked(ask, user)
    db.session.commit()
    return asks


def withdraw_ask(user: User, ask: MentoringAsk) -> None:
    _require_requester(user, ask.request, "withdraw an ask")
    locked(MentoringRequest, ask.request_id)
    ask = locked(MentoringAsk, ask.id)
    check_move(ASK_MOVES, ASK_REFUSALS, ask_state(ask), AskStatus.WITHDRAWN)
    ask.status = AskStatus.WITHDRAWN
    ask.responded_at = utcnow()
    record("mentoring.ask_withdrawn", user, ask, f"request {ask.request_id}")
    notify.withdrawn([ask], user, "the requester withdrew the ask")
    db.session.commit()


def withdraw_request(user: User, request: MentoringRequest) -> None:
    _require_requester(user, request, "withdraw it")
    request = locked(MentoringRequest, request.id)
    check_move(REQUEST_MOVES, REQUEST_REFUSALS, request.status, RequestStatus.WITHDRAWN)
    now = utcnow()
    live = _close_pending_asks(request, now)
    request.status = RequestStatus.WITHDRAWN
    request.ended_at = now
    record("mentoring.request_withdrawn", user, request, request.title)
    notify.withdrawn(live, user, "it has been withdrawn")
    db.session.commit()


def _close_pending_asks(
    request: MentoringRequest, now: datetime, keep: MentoringAsk | None = None
) -> list[MentoringAsk]:
    """Withdraw every other pending ask; return the ones that had not expired yet."""
    pending = db.session.scalars(
        sa.select(MentoringAsk).where(
            MentoringAsk.request_id == request.id, MentoringAsk.status == AskStatus.PENDING
        )
    )
    live = []
    for ask in pending:
        if keep is not None and ask.id == keep.id:
            continue
        if not ask.is_overdue(now):
            live.append(ask)
        ask.status = AskStatus.EXPIRED if ask.is_overdue(now) else AskStatus.WITHDRAWN
        ask.responded_at = now
    return live


# ------------------------------------------------------------------ answering an ask


def respond(mentor: User, ask: MentoringAsk, *, accept: bool, message: str) -> Mentorship | None:
    """The asked mentor accepts (starting the mentorship) or declines, with a message."""
    if ask.mentor_id != mentor.id:
        raise RuleViolation("This ask was sent to another mentor")
    message = text(message, "message", required="Write a message to the requester")
    request = locked(MentoringRequest, ask.request_id)
    ask = locked(MentoringAsk, ask.id)
    now = utcnow()
    new_state = AskStatus.ACCEPTED if accept else AskStatus.DECLINED
    check_move(ASK_MOVES, ASK_REFUSALS, ask_state(ask, now), new_state)
    if not accept:
        ask.status, ask.response, ask.responded_at = AskStatus.DECLINED, message, now
        record("mentoring.ask_declined", mentor, ask, f"request {request.id}")
        notify.declined(ask, live_pending_asks(request, now))
        db.session.commit()
        return None
    check_move(REQUEST_MOVES, REQUEST_REFUSALS, request.status, RequestStatus.MATCHED)
    _check_capacity(mentor)
    ask.status, ask.response, ask.responded_at = AskStatus.ACCEPTED, message, now
    others = _close_pending_asks(request, now, keep=ask)
    request.status, request.matched_at = RequestStatus.MATCHED, now
    waited = now - aware(request.created_at)
    mentorship = Mentorship(
        request=request, mentor_id=mentor.id, organisation_id=request.organisation_id,
        status=MentorshipStatus.ACTIVE, started_at=now,
        hours_to_match=max(int(waited.total_seconds() // 3600), 0),
    )  # fmt: skip
    db.session.add(mentorship)
    db.session.flush()
    record("mentoring.ask_accepted", mentor, ask, f"request {request.id}")
    record("mentoring.mentorship_started", mentor, mentorship, request.title)
    notify.accepted(ask, mentorship)
    notify.withdrawn(others, None, "another mentor has accepted it")
    db.session.commit()
    return mentorship


def _check_capacity(mentor: User) -> None:
    offer = db.session.execute(
        sa.select(MentorOffer)
        .where(MentorOffer.user_id == mentor.id)
        .with_for_update(of=MentorOffer)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if offer is None:
        raise RuleViolation("Set up your mentoring offer again before accepting")
    active = active_mentorship_count(mentor.id)
    if active >= offer.capacity:
        raise RuleViolation(
            f"You are already mentoring {active} of the {offer.capacity} organisations you "
            "offered to. Close a mentorship or offer more places before accepting another"
        )


def active_mentorship_count(mentor_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Mentorship.id)).where(
            Mentorship.mentor_id == mentor_id, Mentorship.status == MentorshipStatus.ACTIVE
        )
    )


def expire_overdue_asks(now: datetime | None = None, batch_size: int = 200) -> int:
    """Record the expiry of every overdue ask and prompt its requester; returns how many."""
    now = now or utcnow()
    expired = 0
    while True:
        asks = list(
            db.session.scalars(
                sa.select(MentoringAsk)
                .where(MentoringAsk.status == AskStatus.PENDING, MentoringAsk.expires_at <= now)
                .order_by(MentoringAsk.id)
                .limit(batch_size)
                .with_for_update(skip_locked=True, of=MentoringAsk)
            )
        )
        if not asks:
            db.session.rollback()
            return expired
        waiting = _live_pending_by_request({a.request_id for a in asks}, now)
        for ask in asks:
            check_move(ASK_MOVES, ASK_REFUSALS, ask.status, AskStatus.EXPIRED)
            ask.status, ask.responded_at = AskStatus.EXPIRED, now
            record("mentoring.ask_expired", None, ask, f"request {ask.request_id}")
            if ask.request.status == RequestStatus.OPEN:
                notify.expired(ask, waiting.get(ask.request_id, 0))
        db.session.commit()
        expired += len(asks)


def _live_pending_by_request(request_ids: set[int], now: datetime) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(MentoringAsk.request_id, sa.func.count(MentoringAsk.id))
        .where(
            MentoringAsk.request_id.in_(request_ids),
            MentoringAsk.status == AskStatus.PENDING,
            MentoringAsk.expires_at > now,
        )
        .group_by(MentoringAsk.request_id)
    )
    return dict(rows.all())


# ------------------------------------------------------------------ mentorships


def close_mentorship(
    user: User, mentorship: Mentorship, *, outcome: str, rating: int | None, comment: str
) -> None:
    """Either side ends the mentorship with an outcome and their feedback; frees the place."""
    require_participant(user, mentorship, "close the mentorship")
    request = locked(MentoringRequest, mentorship.request_id)
    mentorship = locked(Mentorship, mentorship.id)
    check_move(MENTORSHIP_MOVES, MENTORSHIP_REFUSALS, mentorship.status, MentorshipStatus.CLOSED)
    check_move(REQUEST_MOVES, REQUEST_REFUSALS, request.status, RequestStatus.CLOSED)
    problems = Problems()  # the outcome, rating and comment's problems at once
    if outcome not in set(Outcome):
        problems.add("Choose the outcome", "outcome")
    rating = problems.attempt(lambda: checked_rating(rating))
    comment = problems.attempt(lambda: text(comment, "comment"))
    problems.raise_any()
    now = utcnow()
    mentorship.status, mentorship.outcome = MentorshipStatus.CLOSED, outcome
    mentorship.closed_at, mentorship.closed_by_id = now, user.id
    request.status, request.ended_at = RequestStatus.CLOSED, now
    db.session.add(
        MentorshipFeedback(
            mentorship_id=mentorship.id, side=feedback_side(user, mentorship), author_id=user.id,
            rating=rating, comment=comment,
        )
    )  # fmt: skip
    record("mentoring.mentorship_closed", user, mentorship, Outcome(outcome).label)
    notify.closed(mentorship, user)
    db.session.commit()
