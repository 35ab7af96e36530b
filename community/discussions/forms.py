from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.discussions.models import FLAG_REASON_LABELS
from community.notifications.models import WatchLevel
from community.web.forms import strip_filter

BODY_HINT = (
    "You can use Markdown: **bold**, lists, links and tables. Mention people with @username."
)


class ThreadForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[InputRequired("Enter a title"), Length(max=200)],
        filters=[strip_filter],
    )
    body = TextAreaField(
        "Your post",
        validators=[InputRequired("Write your post"), Length(max=20000)],
        description=BODY_HINT,
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Your reply",
        validators=[InputRequired("Write your reply"), Length(max=20000)],
        description=BODY_HINT,
    )
    reply_to = HiddenField()


class EditPostForm(FlaskForm):
    body = TextAreaField(
        "Post",
        validators=[InputRequired("Write your post"), Length(max=20000)],
        description=BODY_HINT,
    )


class FlagForm(FlaskForm):
    reason = RadioField(
        "Why are you flagging this post?",
        choices=[(r.value, label) for r, label in FLAG_REASON_LABELS.items()],
        validators=[InputRequired("Choose why you are flagging this post")],
    )
    note = TextAreaField(
        "Anything the facilitators should know (optional)",
        validators=[Length(max=500, message="Note must be 500 characters or fewer")],
    )


class MoveForm(FlaskForm):
    community = SelectField("Move to", coerce=int, validators=[InputRequired("Choose a community")])
    # Shown only when the thread is in a private community (see visibility.widens_audience).
    widen_audience = BooleanField("Move it anyway")


class WatchForm(FlaskForm):
    level = RadioField(
        "Notify me about",
        choices=[
            (WatchLevel.WATCHING.value, "Every reply"),
            (WatchLevel.NORMAL.value, "Replies to me and mentions"),
            (WatchLevel.MUTED.value, "Nothing (muted)"),
        ],
        validators=[InputRequired("Choose how closely to follow this thread")],
    )


class ReviewForm(FlaskForm):
    decision = RadioField(
        "Decision",
        choices=[
            ("keep", "Keep the post: the flags were not justified"),
            ("hide", "Hide the post"),
            ("warn", "Hide the post and warn its author"),
        ],
        validators=[InputRequired("Choose what to do with this post")],
    )
    message = StringField(
        "Message to the author (for a warning)",
        validators=[Length(max=250)],
        filters=[strip_filter],
    )
