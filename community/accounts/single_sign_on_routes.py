"""Sign in with NHSmail: the way to the provider and back, a first sign-in's account,
linking an existing account safely, and unlinking in settings.

Every page here but unlinking answers 404 while single sign-on is not configured.
"""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user

from community.accounts import single_sign_on as sso
from community.accounts.blueprint import single_sign_on_bp as bp
from community.accounts.forms import ConfirmForm, LinkWithPasswordForm, SingleSignOnAccountForm
from community.accounts.models import User
from community.accounts.services import user_by_email
from community.core.errors import RuleViolation
from community.core.extensions import limiter
from community.directory.services import organisation_choices
from community.web.actions import Confirmation, confirm_then_act
from community.web.forms import ActionForm, also_check, show_violation
from community.web.rate_limits import configured
from community.web.urls import external_url


@bp.app_context_processor
def single_sign_on_helpers() -> dict:
    return {
        "single_sign_on_configured": sso.configured,
        "single_sign_on_button": sso.provider_name,
        "single_sign_on_link": sso.linked_identity,
    }


@bp.before_request
def require_configuration():
    if request.endpoint != "single_sign_on.unlink" and not sso.configured():
        abort(404)


def _start_session(user: User) -> None:
    # A fresh session, as signing in with a password starts (no fixation), marked as
    # begun at the provider so that signing out can offer the provider's sign-out.
    session.clear()
    login_user(user)
    session[sso.CAME_BY_SINGLE_SIGN_ON] = True


def _refused(refusal: sso.SignInRefused, user: User | None = None):
    sso.audit_refusal(refusal, user)
    return render_template("accounts/single_sign_on_problem.html", message=refusal.message), 400


@bp.route("/sso/start")
def start():
    try:
        return sso.redirect_to_provider(external_url("single_sign_on.callback"))
    except sso.SignInRefused as refusal:
        return _refused(refusal)


@bp.route("/sso/callback")
def callback():
    try:
        identity = sso.identity_from_callback()
    except sso.SignInRefused as refusal:
        return _refused(refusal)
    if current_user.is_authenticated:
        try:
            sso.link_signed_in_member(current_user._get_current_object(), identity)
        except RuleViolation as violation:
            flash(violation.message, "error")
        else:
            session[sso.CAME_BY_SINGLE_SIGN_ON] = True
            flash(f"Your account is linked: you can now {sso.provider_name()}.", "success")
        return redirect(url_for("accounts.settings"))
    user = sso.sign_in_existing(identity)
    if user is not None:
        _start_session(user)
        flash(f"Signed in as {user.name}.", "success")
        return redirect(url_for("main.index"))
    # Linking an account that already exists makes no account, so the allow-list (which
    # governs making them) is asked only about a new one.
    if user_by_email(identity.email) is None:
        try:
            sso.decision_for(identity)
        except sso.SignInRefused as refusal:
            return _refused(refusal)
    session.clear()
    sso.keep_pending(identity)
    if user_by_email(identity.email) is not None:
        return redirect(url_for("single_sign_on.link"))
    return redirect(url_for("single_sign_on.new_account"))


def _pending_or_start_again():
    identity = sso.pending()
    if identity is None:
        flash(f"Start again: {sso.provider_name()}.", "info")
    return identity


@bp.route("/sso/new-account", methods=["GET", "POST"])
def new_account():
    identity = _pending_or_start_again()
    if identity is None or current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    try:
        decision = sso.decision_for(identity)
    except sso.SignInRefused as refusal:
        return _refused(refusal)
    form = SingleSignOnAccountForm()
    form.organisation.choices = [(0, "Select your organisation")] + organisation_choices()
    if request.method == "GET":
        form.username.data = sso.suggested_username(identity)
    if form.validate_on_submit():
        chosen = 0 if decision.places else form.organisation.data
        try:
            user = sso.make_account(identity, username=form.username.data, organisation_id=chosen)
        except sso.SignInRefused as refusal:
            sso.forget_pending()
            return _refused(refusal)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            _start_session(user)
            flash(f"Welcome, {user.name}: your account is ready.", "success")
            return redirect(url_for("accounts.edit_profile"))
    elif form.is_submitted():
        also_check(form, lambda: sso.check_new_account(
            identity, username=form.username.data,
            organisation_id=0 if decision.places else form.organisation.data,
        ))  # fmt: skip
    return render_template(
        "accounts/single_sign_on_new_account.html",
        form=form, identity=identity, decision=decision,
    )  # fmt: skip


def _pending_key() -> str:
    identity = sso.pending()
    return "link:" + (identity.email if identity else request.remote_addr or "")


@bp.route("/sso/link", methods=["GET", "POST"])
@limiter.limit(
    configured("SIGN_IN_LIMIT_PER_ACCOUNT"), methods=["POST"], key_func=_pending_key,
    deduct_when=lambda response: response.status_code == 200,
)  # fmt: skip
def link():
    """An account already has the address: prove it is yours before it is linked."""
    identity = _pending_or_start_again()
    if identity is None or current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    user = user_by_email(identity.email)
    if user is None:
        return redirect(url_for("single_sign_on.new_account"))
    form = LinkWithPasswordForm()
    email_form = ActionForm(prefix="by_email")
    if request.method == "POST" and request.form.get("by_email") == "yes":
        if email_form.validate_on_submit():
            try:
                sso.email_link_confirmation(user, identity)
            except RuleViolation as violation:
                flash(violation.message, "error")
            else:
                sso.forget_pending()
                return render_template("accounts/single_sign_on_link_sent.html", email=user.email)
    elif form.validate_on_submit():
        try:
            sso.link_with_password(user, identity, form.password.data)
        except RuleViolation as violation:
            show_violation(form, violation)
        else:
            _start_session(user)
            flash(f"Signed in as {user.name}. You can now {sso.provider_name()}.", "success")
            return redirect(url_for("main.index"))
    return render_template(
        "accounts/single_sign_on_link.html",
        form=form, email_form=email_form, identity=identity, user=user,
    )  # fmt: skip


@bp.route("/sso/link/<token>", methods=["GET", "POST"])
def confirm_link(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user = sso.link_from_email(token)
        except RuleViolation as violation:
            return render_template("accounts/link_invalid.html", message=violation.message), 400
        _start_session(user)
        flash(f"Signed in as {user.name}. You can now {sso.provider_name()}.", "success")
        return redirect(url_for("main.index"))
    return render_template("accounts/single_sign_on_confirm_link.html", form=form)


@bp.route("/settings/sso", methods=["GET", "POST"])
@login_required
def unlink():
    settings = url_for("accounts.settings")
    link = sso.linked_identity(current_user)
    if link is None:
        abort(404)
    name = sso.provider_name().removeprefix("Sign in with ").strip() or "single sign-on"
    confirmation = Confirmation(
        question=f"Unlink {name}?",
        consequences=[
            f"You will no longer be able to sign in to Improvement Commons with {name} "
            f"({link.email}).",
            f"You will sign in with your email address ({current_user.email}) and password.",
        ],
        button=f"Unlink {name}",
        cancel=settings,
        cancel_text="Go back to your settings",
        undoable=True,
        crumbs=[(settings, "Settings")],
    )
    return confirm_then_act(
        confirmation,
        lambda: sso.unlink(current_user._get_current_object()),
        f"{name} is unlinked. Sign in with your email address and password from now on.",
        settings,
    )
