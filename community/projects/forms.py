from __future__ import annotations

import math
from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import TextInput

from community.people.forms import chosen_field
from community.projects.measures.spc import ChartType, Direction
from community.projects.measures.spc_words import CHART_TYPE_LABELS, DIRECTION_LABELS, format_number
from community.projects.models import PROGRESS_SCALE, Decision, ProgrammeType, ProjectStatus
from community.web.forms import MultiCheckboxField, strip_filter


class DayField(Field):
    """A date typed as 2025-01-31 (what browsers send) or 31/01/2025."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message="Enter a real date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        self.data = None
        if not text:
            return
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                self.data = datetime.strptime(text, pattern).date()
                return
            except ValueError:
                continue
        raise ValueError(self.message)

    def display_value(self):
        return self.data.isoformat() if self.data else ""


class NumberField(Field):
    """A number as people type it (12, 12.5, -3); kept as they typed it when redisplayed."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, message="Enter a number", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(",", "")
        self.data = None
        if not text:
            return
        try:
            value = float(text)
        except ValueError:
            raise ValueError(self.message) from None
        if not math.isfinite(value):
            raise ValueError(self.message)
        self.data = value

    def display_value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data).replace(",", "") if self.data is not None else ""


STATUS_CHOICES = [(s.value, s.label) for s in ProjectStatus]
PROGRAMME_CHOICES = [
    (ProgrammeType.LOCAL.value, "A local priority"),
    (ProgrammeType.NATIONAL.value, "Part of a national programme"),
]
NATIONAL_PROGRAMMES = (
    "NHS IMPACT", "Urgent and emergency care recovery", "Elective recovery",
    "Patient Safety Incident Response Framework", "Core20PLUS5", "Virtual wards",
    "Getting It Right First Time (GIRFT)", "Primary care access recovery",
    "Maternity and neonatal safety", "Mental health crisis care",
)  # fmt: skip


class ProjectForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[InputRequired("Enter the project's title"), Length(max=200)],
        filters=[strip_filter],
    )
    aim = TextAreaField(
        "Aim statement",
        validators=[InputRequired("Enter the aim statement"), Length(max=500)],
        description="What will improve, for whom, by how much and by when. For example: "
        "Increase the share of patients discharged before midday on Ward 7 from 15% to 40% "
        "by March.",
    )
    problem = TextAreaField(
        "Problem and context (optional)",
        validators=[Length(max=20000)],
        description="Why this matters here, what you know so far, and who is affected. You "
        "can use Markdown.",
    )
    organisation_id = SelectField("Organisation running the project", coerce=int)
    community_id = SelectField(
        "Community (optional)",
        coerce=int,
        description="A project in a community is seen only by those who can see the "
        "community. Without one, every member can see it.",
    )
    programme_type = RadioField(
        "National programme or local priority",
        choices=PROGRAMME_CHOICES,
        default=ProgrammeType.LOCAL.value,
        validators=[InputRequired("Say whether this is a national programme or local priority")],
    )
    national_programme = StringField(
        "Name of the national programme",
        validators=[Length(max=120)],
        description="Only if it is part of a national programme, for example NHS IMPACT.",
        filters=[strip_filter],
    )
    status = SelectField("Status", choices=STATUS_CHOICES, default=ProjectStatus.PLANNING.value)
    start_date = DayField(
        "Start date",
        validators=[InputRequired("Enter the date the project started")],
        message="Enter the start date as a real date, like 2025-01-31",
    )


class MeasureForm(FlaskForm):
    chart_type = RadioField(
        "What kind of data will the measure hold?",
        choices=[(t.value, CHART_TYPE_LABELS[t]) for t in ChartType],
        # Left out of a form (an older page, a script), a new measure is XmR and an
        # existing one keeps its type.
        default=ChartType.XMR.value,
        description="This decides the chart and how its limits are worked out. Choose the "
        "Laney P′ or U′ chart when denominators are in the thousands and P or U limits hug the "
        "centre line; you can switch between P and P′ (or U and U′) later.",
    )
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the measure's name"), Length(max=120)],
        description="For example: Patients discharged before midday",
        filters=[strip_filter],
    )
    definition = TextAreaField(
        "Operational definition",
        validators=[InputRequired("Enter the operational definition"), Length(max=5000)],
        description="Exactly what is counted and how, so anyone would get the same number: "
        "the numerator, the denominator, what is included and left out, where the data come "
        "from, and how often.",
    )
    unit = StringField(
        "Unit (optional)",
        validators=[Length(max=40)],
        description="For example: %, days, patients",
        filters=[strip_filter],
    )
    direction = RadioField(
        "Which way is better?",
        choices=[(d.value, DIRECTION_LABELS[d]) for d in Direction],
        validators=[InputRequired("Choose which way is better for this measure")],
    )
    target = NumberField(
        "Target (optional)",
        validators=[Optional()],
        message="Enter the target as a number, like 40 or 12.5",
        description="Leave empty if there is none. With a target, the chart says whether the "
        "process will meet it.",
    )
    screen_outliers = BooleanField(
        "Leave out unusually large moving ranges when computing the limits",
        default=True,
        description="Moving ranges at or above 3.267 times their mean are left out once, so one "
        "unusual jump does not widen the limits (as NHSRplotthedots does by default).",
    )
    fix_after = NumberField(
        "Fix the limits on the first points (optional)",
        validators=[Optional()],
        message="Enter the number of points as a whole number, like 12 or 20",
        description="Leave empty to work the limits out from every point. With a number (12 or "
        "more), the mean and limits come from that many points of each period, and every point "
        "after them is still checked against every rule.",
    )


class PointForm(FlaskForm):
    observed_on = DayField(
        "Date",
        validators=[InputRequired("Enter the date of the value")],
        message="Enter a real date, like 2025-01-31",
    )
    value = NumberField(
        "Value",
        validators=[InputRequired("Enter the value")],
        message="Enter the value as a number, like 42 or 3.5",
    )
    # Shown only for a proportion (its denominator) or a rate (its exposure).
    denominator = NumberField(
        "Denominator",
        validators=[Optional()],
        message="Enter the denominator as a number, like 120",
    )
    note = StringField(
        "Note (optional)",
        validators=[Length(max=200, message="Note must be 200 characters or fewer")],
        description="Anything that explains this value, for example: new rota started",
        filters=[strip_filter],
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file", validators=[FileRequired("Choose a CSV file to import")],
        description="Columns: date, value and (if you like) note. The first row must name "
        "them. Dates like 2025-01-31 or 31/01/2025.",
    )  # fmt: skip


class ConfirmImportForm(FlaskForm):
    """Confirming a previewed import: the signed rows and what to do with dates already there."""

    rows = HiddenField()
    replace = RadioField(
        "Dates that already have a value",
        choices=[
            ("yes", "Replace those values with the file's"),
            ("no", "Keep the values already on the measure (add only the new dates)"),
        ],
        default="yes",
        validators=[InputRequired("Choose what to do with dates that already have a value")],
    )


class RebaselineForm(FlaskForm):
    starts_on = DayField(
        "Date of the first point of the changed process",
        validators=[InputRequired("Enter the date of the first point of the changed process")],
        message="Enter a real date, like 2025-01-31",
        description="It must be the date of one of the measure's points. Limits are worked "
        "out again from that point on.",
    )
    reason = TextAreaField(
        "What changed in the process?",
        validators=[InputRequired("Say what changed in the process"), Length(max=300)],
        description="For example: the discharge lounge opened and the change was adopted.",
    )


class CycleForm(FlaskForm):
    title = StringField(
        "Change being tested",
        validators=[InputRequired("Enter a short name for the change"), Length(max=200)],
        description="A short name, for example: Pharmacist on the morning board round",
        filters=[strip_filter],
    )
    change = TextAreaField(
        "Plan: what change will you test, with whom, when and where?",
        validators=[InputRequired("Enter the change you will test"), Length(max=5000)],
    )
    prediction = TextAreaField(
        "Plan: what do you predict will happen?",
        validators=[InputRequired("Enter what you predict will happen"), Length(max=5000)],
    )
    started_on = DayField(
        "Date the test started",
        validators=[InputRequired("Enter the date the test started")],
        message="Enter the start date as a real date, like 2025-01-31",
    )
    measure_ids = MultiCheckboxField(
        "Measures this change should affect", coerce=int,
        description="The cycle is marked on these measures' charts.",
    )  # fmt: skip
    do_notes = TextAreaField("Do: what happened when you carried out the test?",
                             validators=[Length(max=5000)])  # fmt: skip
    study_notes = TextAreaField(
        "Study: what happened compared with your prediction?", validators=[Length(max=5000)]
    )
    decision = RadioField(
        "Act: what will you do with the change?",
        choices=[("", "Not decided yet")] + [(d.value, d.label) for d in Decision],
        default="",
        validate_choice=True,
    )
    act_notes = TextAreaField("Act: what happens next?", validators=[Length(max=5000)])
    ended_on = DayField(
        "Date the test ended (optional)", validators=[Optional()],
        message="Enter the end date as a real date, like 2025-01-31",
    )  # fmt: skip


class UpdateForm(FlaskForm):
    body = TextAreaField(
        "Update",
        validators=[InputRequired("Write your update"), Length(max=20000)],
        description="What has happened, what you learned, what is next. You can use Markdown.",
    )


class ProgressForm(FlaskForm):
    score = RadioField(
        "Progress score",
        choices=[(score, f"{score:.1f}: {label}") for score, label in PROGRESS_SCALE.items()],
        coerce=float,
        validators=[InputRequired("Choose a progress score")],
    )
    note = StringField(
        "Why this score? (optional)",
        validators=[Length(max=300)],
        filters=[strip_filter],
    )


class TeamMemberForm(FlaskForm):
    username = StringField(
        "Name, organisation or username",
        validators=[
            InputRequired("Enter the name or username of the person to add"),
            Length(max=100, message="Enter 100 characters or fewer"),
        ],
        description="Type part of their name, for example Sam Patel, or their username",
        filters=[strip_filter],
    )
    chosen = chosen_field()
    role = StringField(
        "Role on the team (optional)",
        validators=[Length(max=80)],
        description="For example: Clinical lead, Data analyst, Patient partner",
        filters=[strip_filter],
    )
    is_lead = BooleanField("They can change the project's details, status and team (a lead)")
