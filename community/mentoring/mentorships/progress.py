"""Working in a running mentorship: agreed goals and their progress, the session log,
and the feedback each side gives once it has closed.

These change what a mentorship holds, not its state: opening and closing it
are moves of the workflow in services.py, which this module relies on for the
rule that only a running mentorship can be worked in.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from community.accounts.models import User
from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import is_in_the_future, to_uk, utcnow
from community.mentoring import notify
from community.mentoring.checks import (
    checked_rating,
    feedback_side,
    locked,
    require_participant,
    text,
)
from community.mentoring.models import (
    MentoringSession,
    Mentorship,
    MentorshipFeedback,
    MentorshipGoal,
)
from community.mentoring.transitions import MENTORSHIP_REFUSALS
from community.mentoring.vocabulary import GoalProgress, MeetingFormat, MentorshipStatus

MAX_GOALS = 10


def _running(user: User, mentorship: Mentorship, doing: str) -> Mentorship:
    """The mentorship, locked, if `user` takes part in it and it is still running."""
    require_participant(user, mentorship, doing)
    mentorship = locked(Mentorship, mentorship.id)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise RuleViolation(MENTORSHIP_REFUSALS[mentorship.status])
    return mentorship


def add_goal(user: User, mentorship: Mentorship, description: str) -> MentorshipGoal:
    mentorship = _running(user, mentorship, "agree goals")
    description = text(description, "goal", required="Describe the goal")
    count = db.session.scalar(
        sa.select(sa.func.count(MentorshipGoal.id)).where(
            MentorshipGoal.mentorship_id == mentorship.id
        )
    )
    if count >= MAX_GOALS:
        raise RuleViolation(f"A mentorship can have up to {MAX_GOALS} goals", "goal")
    goal = MentorshipGoal(
        mentorship_id=mentorship.id, description=description, progress=GoalProgress.NOT_STARTED
    )
    db.session.add(goal)
    db.session.flush()
    record("mentoring.goal_added", user, goal, description[:200])
    notify.mentorship_updated(mentorship, user, "added a goal")
    db.session.commit()
    return goal


def update_goal(user: User, goal: MentorshipGoal, progress: str, note: str) -> None:
    mentorship = _running(user, db.session.get(Mentorship, goal.mentorship_id), "update goals")
    problems = Problems()  # the progress and the note's problems at once
    if progress not in set(GoalProgress):
        problems.add("Choose the goal's progress", "progress")
    try:
        note = text(note, "progress_note")
    except RuleViolation as violation:
        problems.collect(violation)
    problems.raise_any()
    goal.progress, goal.progress_note, goal.updated_at = progress, note, utcnow()
    record("mentoring.goal_updated", user, goal, f"{GoalProgress(progress).label}")
    notify.mentorship_updated(
        mentorship, user, f"marked a goal “{GoalProgress(progress).label.lower()}”"
    )
    db.session.commit()


def _checked_session(
    mentorship: Mentorship, held_on: date | None, meeting_format: str, notes: str,
    next_steps: str,
) -> tuple[str, str]:  # fmt: skip
    """Every problem with a session at once (a RuleViolations), or its notes and next steps."""
    problems = Problems()
    if held_on is None:
        problems.add("Enter the date of the session", "held_on")
    elif is_in_the_future(held_on):
        problems.add("The date of the session must be today or in the past", "held_on")
    else:
        started = to_uk(mentorship.started_at).date()
        if held_on < started:
            problems.add(
                f"The date must be on or after the mentorship started "
                f"({started.day} {started:%B %Y})",
                "held_on",
            )
    if meeting_format not in set(MeetingFormat):
        problems.add("Choose how you met", "meeting_format")
    for check in (
        lambda: text(notes, "notes", required="Write notes on what you covered"),
        lambda: text(next_steps, "next_steps"),
    ):
        try:
            check()
        except RuleViolation as violation:
            problems.collect(violation)
    problems.raise_any()
    return text(notes, "notes"), text(next_steps, "next_steps")


def check_session(
    mentorship: Mentorship, *, held_on: date | None, meeting_format: str, notes: str,
    next_steps: str,
) -> None:  # fmt: skip
    """The checks `log_session` makes of what was entered, saving nothing."""
    _checked_session(mentorship, held_on, meeting_format, notes, next_steps)


def log_session(
    user: User, mentorship: Mentorship, *, held_on: date | None, meeting_format: str,
    notes: str, next_steps: str,
) -> MentoringSession:  # fmt: skip
    mentorship = _running(user, mentorship, "log sessions")
    notes, next_steps = _checked_session(mentorship, held_on, meeting_format, notes, next_steps)
    session = MentoringSession(
        mentorship_id=mentorship.id, held_on=held_on, format=meeting_format, notes=notes,
        next_steps=next_steps, logged_by_id=user.id,
    )  # fmt: skip
    db.session.add(session)
    db.session.flush()
    record("mentoring.session_logged", user, session, f"mentorship {mentorship.id}")
    notify.mentorship_updated(mentorship, user, "logged a session")
    db.session.commit()
    return session


def feedback_given(mentorship: Mentorship, side: str) -> MentorshipFeedback | None:
    return db.session.scalar(
        sa.select(MentorshipFeedback).where(
            MentorshipFeedback.mentorship_id == mentorship.id, MentorshipFeedback.side == side
        )
    )


def give_feedback(user: User, mentorship: Mentorship, *, rating: int | None, comment: str) -> None:
    """The side that did not close the mentorship adds its rating and comment afterwards."""
    require_participant(user, mentorship, "give feedback")
    mentorship = locked(Mentorship, mentorship.id)
    if mentorship.status != MentorshipStatus.CLOSED:
        raise RuleViolation("You can give feedback once the mentorship has been closed")
    side = feedback_side(user, mentorship)
    if feedback_given(mentorship, side) is not None:
        raise RuleViolation("Feedback from your side has already been given")
    problems = Problems()  # the rating and the comment's problems at once
    rating = problems.attempt(lambda: checked_rating(rating))
    comment = problems.attempt(lambda: text(comment, "comment"))
    problems.raise_any()
    db.session.add(
        MentorshipFeedback(
            mentorship_id=mentorship.id, side=side, author_id=user.id, rating=rating,
            comment=comment,
        )
    )  # fmt: skip
    record("mentoring.feedback_given", user, mentorship, f"{side}: {rating}/5")
    notify.feedback_given(mentorship, user)
    db.session.commit()
