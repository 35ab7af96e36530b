"""Who hears about each step of mentoring, in the app and by email.

Every function is called inside the service's transaction and goes through the
shared notification service, so members' email preferences (immediate, daily
digest, never) apply as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable

from community.accounts.models import User
from community.mentoring.models import MentoringAsk, MentoringRequest, Mentorship
from community.mentoring.vocabulary import Outcome
from community.notifications import services as notifications
from community.notifications.models import NotificationKind as Kind


def _excerpt(text: str, length: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _for_request(
    request: MentoringRequest, recipients: Iterable[int | None], kind: str, text: str,
    actor: User | None, email_body: str = "",
) -> None:  # fmt: skip
    notifications._create(
        {uid: kind for uid in recipients if uid and (actor is None or uid != actor.id)},
        actor=actor,
        community_id=None,
        texts={kind: text},
        email_body=email_body,
        mentoring_request=request,
    )


def _for_mentorship(
    mentorship: Mentorship, recipients: Iterable[int | None], kind: str, text: str,
    actor: User | None, email_body: str = "",
) -> None:  # fmt: skip
    notifications._create(
        {uid: kind for uid in recipients if uid and (actor is None or uid != actor.id)},
        actor=actor,
        community_id=None,
        texts={kind: text},
        email_body=email_body,
        mentoring_request=mentorship.request,
        mentorship=mentorship,
    )


def asked(ask: MentoringAsk, requester: User) -> None:
    request = ask.request
    body = f"What they want to achieve:\n{_excerpt(request.aim)}\n\n"
    if ask.message:
        body += f"Their message to you:\n{_excerpt(ask.message)}\n\n"
    body += "Accept or decline on the request's page:\n"
    _for_request(
        request, [ask.mentor_id], Kind.MENTOR_ASKED,
        f"{requester.name} asked you to mentor {request.organisation.name}: “{request.title}”",
        requester, body,
    )  # fmt: skip


def accepted(ask: MentoringAsk, mentorship: Mentorship) -> None:
    request = ask.request
    body = f"{ask.mentor.name}'s message:\n{_excerpt(ask.response)}\n\n" if ask.response else ""
    _for_mentorship(
        mentorship, [request.requester_id], Kind.ASK_ACCEPTED,
        f"{ask.mentor.name} accepted your request “{request.title}”: your mentorship has started",
        ask.mentor, body + "Agree your goals and log your sessions here:\n",
    )  # fmt: skip


def declined(ask: MentoringAsk, still_waiting: int) -> None:
    request = ask.request
    prompt = "" if still_waiting else ": ask another mentor"
    body = f"{ask.mentor.name}'s message:\n{_excerpt(ask.response)}\n\n" if ask.response else ""
    _for_request(
        request, [request.requester_id], Kind.ASK_DECLINED,
        f"{ask.mentor.name} declined your request “{request.title}”{prompt}",
        ask.mentor, body + "See your other suggested mentors:\n",
    )  # fmt: skip


def withdrawn(asks: list[MentoringAsk], actor: User | None, reason: str) -> None:
    for ask in asks:
        _for_request(
            ask.request, [ask.mentor_id], Kind.ASK_WITHDRAWN,
            f"The request “{ask.request.title}” from {ask.request.organisation.name} no longer "
            f"needs your answer: {reason}",
            actor,
        )  # fmt: skip


def expired(ask: MentoringAsk, still_waiting: int) -> None:
    request = ask.request
    prompt = "" if still_waiting else ". Ask another mentor"
    _for_request(
        request, [request.requester_id], Kind.ASK_EXPIRED,
        f"{ask.mentor.name} did not answer your request “{request.title}” in time{prompt}",
        None, "See your other suggested mentors:\n",
    )  # fmt: skip


def mentorship_updated(mentorship: Mentorship, actor: User, what: str) -> None:
    _for_mentorship(
        mentorship, _participants(mentorship), Kind.MENTORSHIP_UPDATE,
        f"{actor.name} {what} in the mentorship “{mentorship.request.title}”",
        actor,
    )  # fmt: skip


def closed(mentorship: Mentorship, actor: User) -> None:
    outcome = Outcome(mentorship.outcome).label.lower()
    _for_mentorship(
        mentorship, _participants(mentorship), Kind.MENTORSHIP_CLOSED,
        f"{actor.name} closed the mentorship “{mentorship.request.title}” ({outcome}): "
        "add your feedback",
        actor, "Add your feedback:\n",
    )  # fmt: skip


def asked_mentor_left(request: MentoringRequest, still_waiting: int) -> None:
    """A mentor who had not answered deleted their account. They are not named."""
    prompt = "" if still_waiting else ": ask another mentor"
    _for_request(
        request, [request.requester_id], Kind.ASK_DECLINED,
        f"A mentor you asked about “{request.title}” has left Improvement Commons{prompt}",
        None, "See your other suggested mentors:\n",
    )  # fmt: skip


def mentor_left(mentorship: Mentorship) -> None:
    """The mentor deleted their account, which closed the mentorship. They are not named."""
    request = mentorship.request
    _for_mentorship(
        mentorship, [request.requester_id], Kind.MENTORSHIP_CLOSED,
        f"Your mentor has left Improvement Commons, so the mentorship “{request.title}” has "
        "closed: make a new request to find another mentor",
        None, "The mentorship's goals and session log stay on its page:\n",
    )  # fmt: skip


def feedback_given(mentorship: Mentorship, actor: User) -> None:
    _for_mentorship(
        mentorship, _participants(mentorship), Kind.MENTORING_FEEDBACK,
        f"{actor.name} left feedback on the mentorship “{mentorship.request.title}”",
        actor,
    )  # fmt: skip


def _participants(mentorship: Mentorship) -> list[int | None]:
    return [mentorship.mentor_id, mentorship.request.requester_id]
