from __future__ import annotations

from dataclasses import asdict

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Optional

from community.core.errors import RuleViolation
from community.directory.models import ORGANISATION_TYPE_LABELS
from community.methods.content import (
    AdaptationContext,
    MethodContent,
    parse_free_tags,
    publish_problems,
)
from community.methods.vocabulary import (
    CARE_SETTING_LABELS,
    IMPACT_COMPONENTS,
    SCALE_LABELS,
    SECTION_KEYS,
)
from community.web.forms import MultiCheckboxField, strip_filter

MARKDOWN_HINT = "You can use Markdown: **bold**, numbered and bulleted lists, links and tables."


def _section(label: str, hint: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=20000, message=f"{label} must be 20,000 characters or fewer")],
        description=f"{hint} {MARKDOWN_HINT}",
    )


class MethodForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[InputRequired("Enter a title"), Length(max=200)],
        description="Name the method so others recognise it, for example: Daily board rounds.",
        filters=[strip_filter],
    )
    summary = TextAreaField(
        "Summary",
        validators=[Length(max=600, message="Summary must be 600 characters or fewer")],
        description="One paragraph in plain words: what the method is and what it helps with.",
    )
    when_to_use = _section(
        "When to use it", "The problems it suits, and when another method would be better."
    )
    how_to = _section("How to do it", "The steps, in order.")
    what_you_need = _section("What you need", "People, time, tools and data.")
    evidence = _section("Evidence and results", "What happened when you used it, with data.")
    pitfalls = _section("Pitfalls", "What went wrong, and how to avoid it.")
    approaches = MultiCheckboxField("Improvement approaches", coerce=int)
    free_tags = StringField(
        "Other tags (optional)",
        description="Separate tags with commas, for example: huddles, discharge.",
        filters=[strip_filter],
    )
    impacts = MultiCheckboxField(
        "NHS IMPACT components it helps with",
        coerce=int,
        choices=[(n, f"{n}. {label}") for n, label in IMPACT_COMPONENTS.items()],
    )
    settings = MultiCheckboxField(
        "Care settings it is written for",
        choices=[(s.value, label) for s, label in CARE_SETTING_LABELS.items()],
    )
    community = SelectField(
        "Community",
        coerce=int,
        description="A method shared in a private community is seen only by its members.",
    )
    co_authors = StringField(
        "Co-authors (optional)",
        description="Usernames of members who wrote it with you, separated by commas. "
        "Co-authors can edit and publish it.",
        filters=[strip_filter],
    )
    note = StringField(
        "Summary of your changes (optional)",
        validators=[Length(max=200, message="Summary of changes must be 200 characters or fewer")],
        description="Shown in the method's history, for example: Added a step for weekends.",
        filters=[strip_filter],
    )
    version = HiddenField()

    def set_choices(self, approaches, communities) -> None:
        self.approaches.choices = [(tag.id, tag.name) for tag in approaches]
        self.community.choices = [(0, "None: every member can see it")] + [
            (c.id, c.name + (" (private)" if c.is_private else "")) for c in communities
        ]

    def content(self) -> MethodContent:
        return MethodContent(
            title=self.title.data or "",
            summary=self.summary.data or "",
            sections={key: getattr(self, key).data or "" for key in SECTION_KEYS},
            approach_ids=list(self.approaches.data or []),
            free_tags=self.free_tags.data or "",
            impacts=list(self.impacts.data or []),
            settings=list(self.settings.data or []),
            community_id=self.community.data or None,
            co_authors=self.co_authors.data or "",
        )

    def check_publishable(self) -> bool:
        """Put every reason it cannot be published yet next to its field."""
        try:
            tags = len(self.approaches.data or []) + len(parse_free_tags(self.free_tags.data))
        except RuleViolation:
            tags = 0
        problems = publish_problems(
            self.title.data,
            self.summary.data,
            {key: getattr(self, key).data for key in SECTION_KEYS},
            tags,
        )
        for name, message in problems:
            field = getattr(self, name)
            if message not in field.errors:
                field.errors = [*field.errors, message]
        return not problems


class AdaptationForm(MethodForm):
    care_setting = SelectField(
        "Care setting you adapted it for",
        choices=[("", "Choose a care setting")]
        + [(s.value, label) for s, label in CARE_SETTING_LABELS.items()],
        validators=[InputRequired("Choose the care setting you adapted it for")],
    )
    population = StringField(
        "Population (optional)",
        validators=[Length(max=300, message="Population must be 300 characters or fewer")],
        description="Who it was for, for example: people over 75 living with frailty at home.",
        filters=[strip_filter],
    )
    organisation_type = SelectField(
        "Type of organisation (optional)",
        choices=[("", "Choose a type")]
        + [(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()],
        validate_choice=False,  # the service names the field if it is not one of these
    )
    scale = RadioField(
        "Scale (optional)",
        choices=[(s.value, label) for s, label in SCALE_LABELS.items()],
        validate_choice=False,
        validators=[Optional()],
    )
    what_changed = TextAreaField(
        "What you changed",
        validators=[InputRequired("Say what you changed"), Length(max=20000)],
        description=f"Compared with the original. {MARKDOWN_HINT}",
    )
    why = TextAreaField(
        "Why you changed it",
        validators=[InputRequired("Say why you changed it"), Length(max=20000)],
        description="What was different about your context.",
    )
    results = TextAreaField(
        "Results (optional)",
        validators=[Length(max=20000)],
        description="What happened, with numbers if you have them. You can add these later.",
    )
    results_url = URLField(
        "Link to measured results (optional)",
        validators=[Length(max=500)],
        description="For example a project page or a published report.",
        filters=[strip_filter],
    )
    # The files of the method being adapted, each kept unless its box is cleared: copied,
    # like its text, to where the adaptation is shared (the same confirmation covers both).
    keep_files = MultiCheckboxField(
        "Start with the files of the method you are adapting", coerce=int
    )
    # Shown only when the method it copies is private (see copied_from_private).
    widen_audience = BooleanField(
        "Share my adaptation beyond the private community anyway",
        description="Only if everyone who could then read it may see the text you copied.",
    )

    def context(self) -> AdaptationContext:
        return AdaptationContext(
            care_setting=self.care_setting.data or "",
            population=self.population.data or "",
            organisation_type=self.organisation_type.data or "",
            scale=self.scale.data or "",
            what_changed=self.what_changed.data or "",
            why=self.why.data or "",
            results=self.results.data or "",
            results_url=self.results_url.data or "",
        )


def form_data(content: MethodContent, context: AdaptationContext | None = None) -> dict:
    """Keyword data that fills a method form (on GET) from content."""
    data = asdict(content)
    sections = data.pop("sections")
    data.update({key: sections.get(key, "") for key in SECTION_KEYS})
    data["approaches"] = data.pop("approach_ids")
    data["community"] = data.pop("community_id") or 0
    if context is not None:
        data.update(asdict(context))
    return data
