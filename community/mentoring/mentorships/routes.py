"""Mentorship pages: goals and their progress, the session log, closing and feedback."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from community.core.errors import RuleViolation
from community.core.extensions import db
from community.core.timefmt import nhs_date, to_uk, utcnow
from community.mentoring import queries, services
from community.mentoring.blueprint import bp
from community.mentoring.forms import (
    CloseForm,
    FeedbackForm,
    GoalForm,
    GoalProgressForm,
    SessionForm,
)
from community.mentoring.mentorships import progress
from community.mentoring.models import Mentorship, MentorshipGoal
from community.mentoring.visibility import get_mentorship_or_404, is_participant
from community.mentoring.vocabulary import FeedbackSide
from community.web.forms import also_check, show_violation
from community.web.paging import page_number

SESSIONS_PER_PAGE = 10


def _side_of(mentorship: Mentorship) -> str | None:
    if not is_participant(current_user, mentorship):
        return None
    if current_user.id == mentorship.mentor_id:
        return FeedbackSide.MENTOR
    return FeedbackSide.ORGANISATION


def _render_mentorship(mentorship: Mentorship, goal_form: GoalForm | None = None):
    side = _side_of(mentorship)
    feedback = queries.feedback_of(mentorship)
    return render_template(
        "mentoring/mentorship.html",
        mentorship=mentorship,
        goals=queries.goals_of(mentorship),
        sessions=queries.sessions_page(mentorship, page_number(), SESSIONS_PER_PAGE),
        feedback=feedback,
        participant=side is not None,
        can_give_feedback=side is not None and not mentorship.is_active and side not in feedback,
        goal_form=goal_form or GoalForm(),
        max_goals=progress.MAX_GOALS,
    )


@bp.route("/mentoring/mentorships/<int:mentorship_id>")
def mentorship(mentorship_id: int):
    return _render_mentorship(get_mentorship_or_404(mentorship_id, current_user))


@bp.route("/mentoring/mentorships/<int:mentorship_id>/goals", methods=["POST"])
def add_goal(mentorship_id: int):
    mentorship = get_mentorship_or_404(mentorship_id, current_user, participate=True)
    form = GoalForm()
    if form.validate_on_submit():
        try:
            progress.add_goal(current_user, mentorship, form.goal.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The goal has been added.", "success")
            return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id) + "#goals")
    return _render_mentorship(mentorship, form)


def _goal_or_404(mentorship: Mentorship, goal_id: int) -> MentorshipGoal:
    goal = db.session.get(MentorshipGoal, goal_id)
    if goal is None or goal.mentorship_id != mentorship.id:
        abort(404)
    return goal


@bp.route("/mentoring/mentorships/<int:mentorship_id>/goals/<int:goal_id>", methods=["GET", "POST"])
def update_goal(mentorship_id: int, goal_id: int):
    mentorship = get_mentorship_or_404(mentorship_id, current_user, participate=True)
    goal = _goal_or_404(mentorship, goal_id)
    form = GoalProgressForm(obj=goal)
    if form.validate_on_submit():
        try:
            progress.update_goal(
                current_user, goal, form.progress.data, form.progress_note.data or ""
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The goal's progress has been saved.", "success")
            return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id) + "#goals")
    return render_template("mentoring/goal_form.html", form=form, mentorship=mentorship, goal=goal)


def _session_answers(form: SessionForm) -> dict:
    return {
        "held_on": form.held_on.data, "meeting_format": form.meeting_format.data or "",
        "notes": form.notes.data or "", "next_steps": form.next_steps.data or "",
    }  # fmt: skip


@bp.route("/mentoring/mentorships/<int:mentorship_id>/sessions/new", methods=["GET", "POST"])
def log_session(mentorship_id: int):
    mentorship = get_mentorship_or_404(mentorship_id, current_user, participate=True)
    form = SessionForm()
    if not form.is_submitted():
        form.held_on.data = to_uk(utcnow()).date()
    if form.validate_on_submit():
        try:
            progress.log_session(current_user, mentorship, **_session_answers(form))
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The session has been added to the log.", "success")
            return redirect(
                url_for("mentoring.mentorship", mentorship_id=mentorship.id) + "#sessions"
            )
    elif form.is_submitted():
        also_check(form, lambda: progress.check_session(mentorship, **_session_answers(form)))
    return render_template("mentoring/session_form.html", form=form, mentorship=mentorship)


def _show_outcome(mentorship: Mentorship, message: str):
    """A form that was already used (in another tab, or by the other side) leads to
    what came of it, on the mentorship's page, instead of being shown again to refuse."""
    flash(message, "info")
    return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id) + "#outcome")


def _closed_words(mentorship: Mentorship) -> str:
    return (
        f"This mentorship closed on {nhs_date(mentorship.closed_at)} with the outcome: "
        f"{mentorship.outcome_label.lower()}."
    )


@bp.route("/mentoring/mentorships/<int:mentorship_id>/close", methods=["GET", "POST"])
def close(mentorship_id: int):
    mentorship = get_mentorship_or_404(mentorship_id, current_user, participate=True)
    if not mentorship.is_active:
        return _show_outcome(mentorship, _closed_words(mentorship))
    form = CloseForm()
    if form.validate_on_submit():
        try:
            services.close_mentorship(
                current_user, mentorship, outcome=form.outcome.data, rating=form.rating.data,
                comment=form.comment.data or "",
            )  # fmt: skip
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("The mentorship is closed. Thank you for your feedback.", "success")
            return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id))
    return render_template("mentoring/close_form.html", form=form, mentorship=mentorship)


@bp.route("/mentoring/mentorships/<int:mentorship_id>/feedback", methods=["GET", "POST"])
def feedback(mentorship_id: int):
    mentorship = get_mentorship_or_404(mentorship_id, current_user, participate=True)
    if mentorship.is_active:
        return _show_outcome(
            mentorship, "You can give your feedback once the mentorship has closed."
        )
    if _side_of(mentorship) in queries.feedback_of(mentorship):
        return _show_outcome(
            mentorship, f"{_closed_words(mentorship)} You have given your feedback: it is below."
        )
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            progress.give_feedback(
                current_user, mentorship, rating=form.rating.data, comment=form.comment.data or ""
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Thank you for your feedback.", "success")
            return redirect(url_for("mentoring.mentorship", mentorship_id=mentorship.id))
    return render_template("mentoring/feedback_form.html", form=form, mentorship=mentorship)
