from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from community.accounts.passwords import MAX_LENGTH
from community.web.forms import MultiCheckboxField, strip_filter

EMAIL_VALIDATORS = [
    InputRequired("Enter your email address"),
    Email("Enter an email address in the correct format, like name@example.nhs.uk",
          check_deliverability=False),
    Length(max=254, message="Email address must be 254 characters or fewer"),
]  # fmt: skip


def new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Enter a password"),
            Length(max=MAX_LENGTH, message=f"Password must be {MAX_LENGTH} characters or fewer"),
        ],
        description="At least 12 characters. A few unrelated words make a strong password.",
    )


class RegisterForm(FlaskForm):
    # DataRequired (not InputRequired) looks at the value after strip_filter: spaces are no name.
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter your full name"), Length(max=100)],
        filters=[strip_filter],
    )
    username = StringField(
        "Username",
        validators=[InputRequired("Enter a username"), Length(max=30)],
        description="Others mention you with it, like @sam-patel. Lower-case letters, numbers "
        "and hyphens.",
        filters=[strip_filter],
    )
    email = EmailField("Work email address", validators=EMAIL_VALIDATORS, filters=[strip_filter])
    organisation = SelectField(
        "Organisation",
        coerce=int,
        validators=[InputRequired("Select your organisation")],
        description="Where you work. If your email address is at your organisation's own "
        "domain, it decides this. Ask an administrator if yours is missing.",
    )
    password = new_password_field("Create a password")
    password_confirm = PasswordField(
        "Confirm password",
        validators=[
            InputRequired("Confirm your password"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, filters=[strip_filter])
    password = PasswordField("Password", validators=[InputRequired("Enter your password")])
    remember = BooleanField("Keep me signed in on this device for 30 days")


class ConfirmForm(FlaskForm):
    """A button that acts on an emailed link (the link itself changes nothing)."""


class RequestResetForm(FlaskForm):
    email = EmailField("Email address", validators=EMAIL_VALIDATORS, filters=[strip_filter])


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password")
    password_confirm = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Confirm your new password"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )
    new_password = new_password_field("New password")
    new_password_confirm = PasswordField(
        "Confirm new password",
        validators=[
            InputRequired("Confirm your new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )


class ChangeEmailForm(FlaskForm):
    new_email = EmailField(
        "New email address",
        validators=[
            InputRequired("Enter your new email address"),
            *EMAIL_VALIDATORS[1:],
        ],
        filters=[strip_filter],
    )
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password")]
    )


class ProfileForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter your full name"), Length(max=100)],
        filters=[strip_filter],
    )
    job_title = StringField(
        "Job title",
        validators=[
            Optional(),
            Length(max=120, message="Job title must be 120 characters or fewer"),
        ],
        filters=[strip_filter],
    )
    organisation = SelectField(
        "Organisation", coerce=int, validators=[InputRequired("Select your organisation")]
    )
    bio = TextAreaField(
        "About you",
        validators=[Length(max=5000, message="About you must be 5,000 characters or fewer")],
        description="What you work on and what you have learned. You can use Markdown.",
    )
    tags = MultiCheckboxField("Improvement approaches and topics you know", coerce=int)
    other_tags = StringField(
        "Other areas of expertise",
        validators=[Length(max=500)],
        description="Separate them with commas, for example: frailty, virtual wards",
        filters=[strip_filter],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password", validators=[InputRequired("Enter your password to delete your account")]
    )


class SingleSignOnAccountForm(FlaskForm):
    """What a first sign-in with NHSmail asks that the provider did not say."""

    username = RegisterForm.username
    # Asked only when the address's domain does not decide it (the service checks it).
    organisation = SelectField(
        "Organisation",
        coerce=int,
        default=0,
        description="Where you work. Ask an administrator if yours is missing.",
    )


class LinkWithPasswordForm(FlaskForm):
    password = PasswordField(
        "Your Improvement Commons password", validators=[InputRequired("Enter your password")]
    )
