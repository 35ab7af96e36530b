"""The member's notifications and how they are emailed."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from community.core.errors import RuleViolation
from community.notifications import digests, inbox
from community.notifications.blueprint import bp
from community.notifications.models import EmailFrequency
from community.web.actions import require_action_form
from community.web.forms import ActionForm


class EmailSettingsForm(FlaskForm):
    frequency = RadioField(
        "Email me about notifications",
        choices=[
            (EmailFrequency.IMMEDIATE.value, "As they happen"),
            (EmailFrequency.DAILY.value, "In a daily summary"),
            (EmailFrequency.WEEKLY.value, "In a weekly summary, on Mondays"),
            (EmailFrequency.NONE.value, "Never: I will look in the app"),
        ],
        validators=[InputRequired("Choose how often we email you")],
    )


@bp.route("/notifications")
@login_required
def index():
    unread_only = request.args.get("show") == "unread"
    page = inbox.notifications_page(
        current_user, request.args.get("page", 1, type=int), current_app.config["PER_PAGE"],
        unread_only,
    )  # fmt: skip
    return render_template(
        "notifications/index.html",
        page=page,
        unread_only=unread_only,
        link_for=inbox.link_for,
        action_form=ActionForm(),
    )


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    require_action_form()
    notification = inbox.mark_read(current_user, notification_id)
    if notification is None:
        abort(404)
    return redirect(inbox.link_for(notification))


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def read_all():
    require_action_form()
    count = inbox.mark_all_read(current_user)
    flash(f"{count} notification{'s' if count != 1 else ''} marked as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/settings/notifications", methods=["GET", "POST"])
@login_required
def settings():
    form = EmailSettingsForm(
        frequency=current_user.email_notifications if request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            inbox.set_email_frequency(current_user, form.frequency.data)
        except RuleViolation as violation:
            form.frequency.errors = [violation.message]
        else:
            flash("Your email settings have been saved.", "success")
            return redirect(url_for("accounts.settings"))
    return render_template(
        "notifications/settings.html", form=form, digest_time=digests.send_time_label()
    )
