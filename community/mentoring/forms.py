"""Mentoring forms. Choices that come from the database are filled in by the routes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.mentoring.offers import MAX_CAPACITY
from community.mentoring.vocabulary import (
    ANY_FORMAT,
    FORMAT_LABELS,
    OUTCOME_LABELS,
    SCORE_LABELS,
    TIMESCALE_LABELS,
    GoalProgress,
    ImpactComponent,
)
from community.people.forms import chosen_field
from community.web.forms import MultiCheckboxField, strip_filter

COMPONENT_CHOICES = [(c.value, c.label) for c in ImpactComponent]
FORMAT_CHOICES = [(f.value, label) for f, label in FORMAT_LABELS.items()]
RATING_CHOICES = [
    (5, "5 – excellent"), (4, "4 – good"), (3, "3 – adequate"), (2, "2 – poor"),
    (1, "1 – very poor"),
]  # fmt: skip


class DayField(DateField):
    """A date input; left empty it is "missing" (InputRequired's message), not "invalid"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type = "DateField"  # drawn as a date input by the form macros

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            super().process_formdata([valuelist[0].strip()])
        else:
            self.data = None


def _radios(label: str, choices, message: str, coerce=str, **kwargs) -> RadioField:
    return RadioField(
        label, choices=choices, coerce=coerce, invalid_choice_message=message, **kwargs
    )


class MentorOfferForm(FlaskForm):
    components = MultiCheckboxField("NHS IMPACT components you can help with", coerce=int,
                                    choices=COMPONENT_CHOICES)  # fmt: skip
    approaches = MultiCheckboxField("Improvement approaches you can mentor in", coerce=int)
    formats = MultiCheckboxField("How you can meet", choices=FORMAT_CHOICES)
    capacity = SelectField(
        "How many organisations you can mentor at once",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, MAX_CAPACITY + 1)],
        description="We will not suggest you, or let anyone ask you, once your places are full.",
    )
    travel_systems = MultiCheckboxField(
        "Integrated care systems you can travel to for in-person meetings",
        coerce=int,
        description="Your own system is included; choose any others.",
    )
    note = TextAreaField(
        "Note for organisations (optional)",
        validators=[Length(max=1000, message="Note must be 1,000 characters or fewer")],
        description="For example, what you have done, or when you are available.",
    )


def _assessment_form_class() -> type[FlaskForm]:
    fields = {}
    for component in ImpactComponent:
        fields[f"score_{component.value}"] = _radios(
            f"{component.value}. {component.label}",
            [(score, f"{score} – {label}") for score, label in SCORE_LABELS.items()],
            f"Choose a score from 1 to 5 for {component.label.lower()}",
            coerce=int,
        )
        fields[f"evidence_{component.value}"] = TextAreaField(
            f"Evidence for {component.short.lower()} (optional)",
            validators=[Length(max=2000, message="Evidence must be 2,000 characters or fewer")],
            description="What makes you give this score: examples, data, plans.",
        )
    return type("AssessmentForm", (FlaskForm,), fields)


AssessmentForm = _assessment_form_class()


class MentoringRequestForm(FlaskForm):
    title = StringField(
        "Short title",
        validators=[InputRequired("Give your request a short title"), Length(max=150)],
        description="For example: Build a QI faculty for our community services.",
        filters=[strip_filter],
    )
    components = MultiCheckboxField(
        "NHS IMPACT components you want help with", coerce=int, choices=COMPONENT_CHOICES
    )
    approaches = MultiCheckboxField("Improvement approaches you want to learn (optional)",
                                    coerce=int)  # fmt: skip
    aim = TextAreaField(
        "What your organisation wants to achieve",
        validators=[InputRequired("Say what your organisation wants to achieve"),
                    Length(max=5000, message="Must be 5,000 characters or fewer")],
        description="Where you are now, where you want to be, and what help would make the "
        "difference.",
    )  # fmt: skip
    preferred_format = _radios(
        "How you would like to meet",
        [*FORMAT_CHOICES, (ANY_FORMAT, "No preference")],
        "Choose how you would like to meet",
        default=ANY_FORMAT,
    )
    timescale = _radios(
        "Timescale", [(t.value, label) for t, label in TIMESCALE_LABELS.items()],
        "Choose a timescale",
    )  # fmt: skip


class AskMentorsForm(FlaskForm):
    mentors = MultiCheckboxField(
        "Mentors to ask (up to 3 at once)", coerce=int, validate_choice=False
    )
    person = StringField(
        "Or ask a mentor you know by name (optional)",
        validators=[Length(max=100, message="Enter 100 characters or fewer")],
        description="Their name, organisation or username. They must offer mentoring in the "
        "areas you asked for and have a free place.",
        filters=[strip_filter],
    )
    chosen = chosen_field()
    message = TextAreaField(
        "Message to the mentors (optional)",
        validators=[Length(max=1000, message="Message must be 1,000 characters or fewer")],
        description="Introduce yourself and say why you would like their help.",
    )


class RespondForm(FlaskForm):
    decision = _radios(
        "Your answer",
        [("accept", "Accept: start the mentorship"), ("decline", "Decline")],
        "Choose whether you accept or decline",
    )
    message = TextAreaField(
        "Message to the requester",
        validators=[InputRequired("Write a message to the requester"),
                    Length(max=1000, message="Message must be 1,000 characters or fewer")],
        description="If you accept, suggest how to start. If you decline, a reason helps.",
    )  # fmt: skip


class GoalForm(FlaskForm):
    goal = StringField(
        "New goal",
        validators=[InputRequired("Describe the goal"),
                    Length(max=300, message="Goal must be 300 characters or fewer")],
        description="Something you both agree the mentorship should achieve.",
        filters=[strip_filter],
    )  # fmt: skip


class GoalProgressForm(FlaskForm):
    progress = _radios(
        "Progress", [(g.value, g.label) for g in GoalProgress], "Choose the goal's progress"
    )
    progress_note = TextAreaField(
        "Note (optional)",
        validators=[Length(max=500, message="Note must be 500 characters or fewer")],
    )


class SessionForm(FlaskForm):
    held_on = DayField(
        "Date of the session",
        validators=[InputRequired("Enter the date of the session")],
        invalid_value_message="Enter the date of the session as a real date, like 2026-11-26",
    )
    meeting_format = _radios("How you met", FORMAT_CHOICES, "Choose how you met")
    notes = TextAreaField(
        "What you covered",
        validators=[InputRequired("Write notes on what you covered"),
                    Length(max=5000, message="Notes must be 5,000 characters or fewer")],
    )  # fmt: skip
    next_steps = TextAreaField(
        "Agreed next steps (optional)",
        validators=[Length(max=2000, message="Next steps must be 2,000 characters or fewer")],
    )


class FeedbackForm(FlaskForm):
    rating = _radios(
        "Your rating of the mentorship", RATING_CHOICES, "Choose a rating from 1 to 5", coerce=int
    )
    comment = TextAreaField(
        "Comment (optional)",
        validators=[Length(max=2000, message="Comment must be 2,000 characters or fewer")],
        description="What worked and what could have been better.",
    )


class CloseForm(FeedbackForm):
    outcome = _radios(
        "Outcome", [(o.value, label) for o, label in OUTCOME_LABELS.items()], "Choose the outcome"
    )
