from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length

from community.communities.models import Visibility
from community.forms import strip_filter

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
    email = EmailField(
        "Email address",
        validators=[
            InputRequired("Enter the email address to invite"),
            Email("Enter an email address in the correct format, like name@example.nhs.uk",
                  check_deliverability=False),
        ],
        filters=[strip_filter],
    )  # fmt: skip


class ActionForm(FlaskForm):
    """CSRF protection for one-button actions."""
