"""Form helpers shared by every feature."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from community.core.errors import RuleViolation


class ActionForm(FlaskForm):
    """CSRF protection for one-button actions."""


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered by the form macros as NHS.UK checkboxes)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_violation(form: FlaskForm, violation: RuleViolation) -> None:
    """Put a service's refusal next to the field it concerns (or at the top); every one
    of several (a RuleViolations), so the error summary lists them all at once. A field
    that already has the form's own error keeps just that one."""
    for each in getattr(violation, "violations", [violation]):
        field = getattr(form, each.field, None) if each.field else None
        if field is not None:
            if not field.errors:
                field.errors = [*field.errors, each.message]
        elif each.message not in form.form_errors:
            form.form_errors.append(each.message)


def also_check(form: FlaskForm, check: Callable[[], object]) -> None:
    """For a submitted form that failed its own validation: run the service's checks
    too, so every problem is shown at once rather than the service's on the next submit.
    `check` must save nothing."""
    try:
        check()
    except RuleViolation as violation:
        show_violation(form, violation)


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value
