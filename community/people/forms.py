"""Choosing a person in a form by name, organisation or username.

A form that takes a person has a text field (what was typed) and a `chosen`
radio field, drawn only when the text matched several people. Without
JavaScript that is the whole journey; with it, static/js/people-lookup.js
offers suggestions as you type and fills `chosen` for the person picked.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField

from community.accounts.models import User
from community.people import lookup


def chosen_field() -> RadioField:
    return RadioField("Which person do you mean?", choices=[], validate_choice=False)


def choose_person(form: FlaskForm, text_field: str) -> User | None:
    """The person the form names, or None with the reason shown on the form."""
    typed = getattr(form, text_field)
    found = lookup.resolve(typed.data or "", form.chosen.data)
    if found.person is not None:
        return found.person
    if not found.people:
        typed.errors = [
            *typed.errors,
            f"No one matches “{found.text}”. Check the spelling, or try their username or "
            "the name of their organisation",
        ]
        return None
    form.chosen.choices = [(p.username, lookup.label(p)) for p in found.people]
    form.chosen.data = None
    count = f"More than {lookup.MOST}" if found.more else str(len(found.people))
    more = ", or type more of their name" if found.more else ""
    form.chosen.errors = [f"{count} people match “{found.text}”. Choose one{more}"]
    return None
