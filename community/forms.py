"""Form helpers shared by every feature."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from community.errors import RuleViolation


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered by the form macros as NHS.UK checkboxes)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_violation(form: FlaskForm, violation: RuleViolation) -> None:
    """Put a service's refusal next to the field it concerns (or at the top)."""
    field = getattr(form, violation.field, None) if violation.field else None
    if field is not None:
        field.errors = [*field.errors, violation.message]
    else:
        form.form_errors.append(violation.message)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
