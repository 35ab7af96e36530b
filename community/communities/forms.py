from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.communities.models import Visibility
from community.people.forms import chosen_field
from community.web.forms import strip_filter

VISIBILITY_CHOICES = [
    (Visibility.OPEN.value, "Open: anyone signed in can read it and join"),
    (Visibility.PRIVATE.value, "Private: only members see it; people ask to join or are invited"),
]  # fmt: skip


class CommunityForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter a name for the community"), Length(max=120)],
        filters=[strip_filter],
    )
    purpose = StringField(
        "Purpose",
        validators=[InputRequired("Say what the community is for"), Length(max=300)],
        description="One sentence, for example: Reduce delays in discharging frail patients.",
        filters=[strip_filter],
    )
    learning_question = TextAreaField(
        "Learning question",
        validators=[InputRequired("Enter the question the community is trying to answer"),
                    Length(max=500)],
        description="What you are trying to learn together, for example: What helps wards "
        "discharge patients before midday?",
    )  # fmt: skip
    visibility = RadioField(
        "Who can see it",
        choices=VISIBILITY_CHOICES,
        default=Visibility.OPEN.value,
        validators=[InputRequired("Choose who can see the community")],
    )
    listed = BooleanField(
        "List a private community's name in the directory so people can ask to join"
    )


class JoinRequestForm(FlaskForm):
    message = TextAreaField(
        "Message to the facilitators (optional)",
        validators=[Length(max=1000, message="Message must be 1,000 characters or fewer")],
        description="Say who you are and why you would like to join.",
    )


class InviteForm(FlaskForm):
    person = StringField(
        "Name, username or email address",
        validators=[
            InputRequired("Enter the name, username or email address of the person to invite"),
            Length(max=254, message="Enter 254 characters or fewer"),
        ],
        description="Someone already on Improvement Commons by name (for example Sam Patel) "
        "or username; anyone else by their email address",
        filters=[strip_filter],
    )
    chosen = chosen_field()

    def email_address(self) -> str | None:
        """The email address typed, if it is one; a name or username gives None."""
        typed = (self.person.data or "").strip()
        if "@" not in typed.lstrip("@"):
            return None
        try:
            validate_email(typed, check_deliverability=False)
        except EmailNotValidError:
            self.person.errors = [
                *self.person.errors,
                "Enter an email address in the correct format, like name@example.nhs.uk",
            ]
            return ""
        return typed
