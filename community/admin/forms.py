from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from community.accounts.models import Role
from community.directory.models import ORGANISATION_TYPE_LABELS
from community.web.forms import strip_filter


class SystemForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the system's name"), Length(max=120)],
        description="For example: Greater Manchester Integrated Care System",
        filters=[strip_filter],
    )
    region = StringField(
        "NHS region", validators=[Length(max=60)], filters=[strip_filter],
        description="For example: North West",
    )  # fmt: skip


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the organisation's name"), Length(max=160)],
        filters=[strip_filter],
    )
    type = SelectField(
        "Type of organisation",
        choices=[("", "Select a type")]
        + [(t.value, label) for t, label in ORGANISATION_TYPE_LABELS.items()],
        validators=[InputRequired("Select the type of organisation")],
    )
    system = SelectField(
        "Integrated care system", coerce=int,
        validators=[InputRequired("Select the integrated care system")],
    )  # fmt: skip


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[(r.value, r.label) for r in Role])


class SynonymsForm(FlaskForm):
    synonyms = TextAreaField(
        "Other names",
        description="One a line: acronyms (SPC), other spellings and the phrases people "
        "write (patient falls). A name of one word in lower case (falls) finds this area "
        "when someone asks for it, but is not looked for in posts.",
        render_kw={"rows": 10},
    )


class EmailDomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        validators=[InputRequired("Enter an email domain, like riverside.nhs.uk"),
                    Length(max=253, message="An email domain is 253 characters or fewer")],
        description="The part of the address after @, like riverside.nhs.uk. Its subdomains "
        "count as it.",
        filters=[strip_filter],
    )  # fmt: skip
    organisation = SelectField(
        "Whose addresses are these?", coerce=int,
        description="An organisation's domain places its staff there when they join. A shared "
        "domain (nhs.net) asks them which organisation they work for.",
    )  # fmt: skip
