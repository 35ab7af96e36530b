"""Register, confirm, sign in and out, reset, and the member's own settings."""

from __future__ import annotations

import json

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from community.accounts import deletion, services, single_sign_on
from community.accounts.blueprint import bp
from community.accounts.export import export_member_data, export_member_files
from community.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmForm,
    DeleteAccountForm,
    ProfileForm,
    RegisterForm,
    RequestResetForm,
    ResetPasswordForm,
    SignInForm,
)
from community.core.errors import RuleViolation
from community.core.extensions import limiter
from community.core.timefmt import utcnow
from community.directory.services import organisation_choices
from community.web.forms import also_check, show_violation
from community.web.rate_limits import configured
from community.web.security import safe_next_url


def _account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _failed_sign_in(response) -> bool:
    # Only a refused attempt (the form shown again) counts towards the limit.
    return response.status_code == 200


def _start_session(user, remember: bool) -> None:
    # A fresh session at sign-in, so nothing from before it (fixation) carries over.
    session.clear()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(
    configured("REGISTER_LIMIT_PER_ADDRESS"),
    methods=["POST"],
    deduct_when=lambda r: r.status_code == 302,
)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    form.organisation.choices = [(0, "Select your organisation")] + organisation_choices()
    if form.validate_on_submit():
        try:
            user = services.register(
                name=form.name.data,
                username=form.username.data,
                email=form.email.data,
                password=form.password.data,
                organisation_id=form.organisation.data,
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            _start_session(user, remember=False)
            flash(
                f"Your account is ready. We have sent a link to {user.email}: open it to "
                "confirm your address, then you can post.",
                "success",
            )
            return redirect(url_for("accounts.settings"))
    elif form.is_submitted():
        also_check(form, lambda: services.check_registration(
            username=form.username.data, email=form.email.data, password=form.password.data,
            organisation_id=form.organisation.data,
        ))  # fmt: skip
    return render_template("accounts/register.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    configured("SIGN_IN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_failed_sign_in
)
@limiter.limit(
    configured("SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_account_key,
    deduct_when=_failed_sign_in,
)  # fmt: skip
def sign_in():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(next_url or url_for("main.index"))
        form.form_errors.append("Enter a correct email address and password")
        form.email.errors = [*form.email.errors, "Check your email address"]
        form.password.errors = [*form.password.errors, "Check your password"]
    return render_template("accounts/sign_in.html", form=form, next_url=next_url)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    # A session that began at NHSmail ends here; the provider's own is offered to end too.
    provider_sign_out = single_sign_on.provider_sign_out_url()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    if provider_sign_out:
        return render_template("accounts/signed_out.html", provider_sign_out=provider_sign_out)
    return redirect(url_for("main.index"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = services.confirm_email(token)
        except RuleViolation as violation:
            return render_template("accounts/link_invalid.html", message=violation.message), 400
        flash("Your email address is confirmed. You can now post and comment.", "success")
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("accounts.settings"))
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/confirm.html", form=form)


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_confirmation():
    services.resend_confirmation(current_user)
    flash(f"We have sent a new confirmation link to {current_user.email}.", "success")
    return redirect(url_for("accounts.settings"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    form = RequestResetForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except RuleViolation as violation:
        return render_template("accounts/link_invalid.html", message=violation.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            logout_user()
            _start_session(user, remember=False)
            flash("Your password has been changed and you are signed in.", "success")
            return redirect(url_for("main.index"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/settings")
@login_required
def settings():
    return render_template("accounts/settings.html")


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    form.organisation.choices = [(0, "Select your organisation")] + organisation_choices()
    vocabulary = services.expertise_vocabulary()
    form.tags.choices = [(tag.id, tag.name) for tag in vocabulary]
    if request.method == "GET":
        form.organisation.data = current_user.organisation_id or 0
        form.bio.data = current_user.bio_source
        form.tags.data = [tag.id for tag in current_user.expertise]
        vocabulary_ids = {tag.id for tag in vocabulary}
        form.other_tags.data = ", ".join(
            tag.name for tag in current_user.expertise if tag.id not in vocabulary_ids
        )
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                name=form.name.data,
                job_title=form.job_title.data or "",
                organisation_id=form.organisation.data,
                bio=form.bio.data or "",
                tag_ids=form.tags.data or [],
                other_tags=form.other_tags.data or "",
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash("Your profile has been saved.", "success")
            return redirect(url_for("people.profile", username=current_user.username))
    elif form.is_submitted():
        also_check(form, lambda: services.check_profile(
            organisation_id=form.organisation.data, other_tags=form.other_tags.data or "",
        ))  # fmt: skip
    return render_template("accounts/profile_form.html", form=form, vocabulary=vocabulary)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            # The session token changed: sign this session in again with the new one.
            _start_session(current_user._get_current_object(), remember=False)
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("accounts.settings"))
    elif form.is_submitted():
        also_check(form, lambda: services.check_password_change(
            current_user, form.current_password.data, form.new_password.data
        ))  # fmt: skip
    return render_template("accounts/change_password.html", form=form)


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            services.request_email_change(
                current_user, form.current_password.data, form.new_email.data
            )
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            flash(
                f"We have sent a link to {form.new_email.data}. Your address changes when you "
                "open it.",
                "success",
            )
            return redirect(url_for("accounts.settings"))
    elif form.is_submitted():
        also_check(form, lambda: services.check_email_change(
            current_user, form.current_password.data, form.new_email.data
        ))  # fmt: skip
    return render_template("accounts/change_email.html", form=form)


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_email_change(token)
        except RuleViolation as violation:
            return render_template("accounts/link_invalid.html", message=violation.message), 400
        flash("Your email address has been changed.", "success")
        return redirect(
            url_for("accounts.settings" if current_user.is_authenticated else "accounts.sign_in")
        )
    return render_template("accounts/confirm_email_change.html", form=form)


@bp.route("/settings/data")
@login_required
def your_data():
    return render_template("accounts/your_data.html", form=ConfirmForm())


@bp.route("/settings/data/export", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def export_data():
    """Download everything about the member as JSON; a POST, because it is audited."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.your_data"))
    data = export_member_data(current_user)
    filename = f"improvement-commons-{current_user.username}-{utcnow():%Y-%m-%d}.json"
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/settings/data/files", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def export_files():
    """Download the files the member attached, as one ZIP archive; a POST, as it is audited."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.your_data"))
    chunks = export_member_files(current_user)
    filename = f"improvement-commons-{current_user.username}-files-{utcnow():%Y-%m-%d}.zip"
    return Response(
        chunks,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            deletion.delete_account(current_user._get_current_object(), form.password.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            logout_user()
            session.clear()
            flash("Your account has been deleted. Thank you for what you shared.", "success")
            return redirect(url_for("main.index"))
    return render_template(
        "accounts/delete_account.html", form=form, handovers=deletion.handovers_needed(current_user)
    )
