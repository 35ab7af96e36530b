"""Turn WTForms fields into the parameters the NHS.UK frontend macros take.

Templates render every field through `templates/macros/forms.html`, which calls
these, so labels, hints, inline errors and the error summary are the same on
every page.
"""

from __future__ import annotations

from wtforms import Field, Form

INPUT_TYPES = {
    "EmailField": "email",
    "PasswordField": "password",
    "IntegerField": "number",
    "DateField": "date",
    "URLField": "url",
    "SearchField": "search",
    "DayField": "date",
    # A plain file input: the NHS.UK enhanced file upload names its button
    # differently from its visible text, which axe reports.
    "FileField": "file",
}
FIELD_KINDS = {
    "TextAreaField": "textarea",
    "SelectField": "select",
    "BooleanField": "checkbox",
    "MultiCheckboxField": "checkboxes",
    "RadioField": "radios",
}


def field_kind(field: Field) -> str:
    return FIELD_KINDS.get(field.type, "input")


def field_params(field: Field, **options) -> dict:
    """Parameters for the NHS.UK macro that draws `field`."""
    params: dict = {"id": field.id, "name": field.name}
    hint = options.pop("hint", None) or field.description
    label = options.pop("label", None) or field.label.text
    if hint:
        params["hint"] = {"text": hint}
    if field.errors:
        params["errorMessage"] = {"text": field.errors[0]}
    kind = field_kind(field)
    if kind == "input":
        params["label"] = {"text": label}
        params["type"] = INPUT_TYPES.get(field.type, "text")
        # A field may say how to show what was typed (a number as entered, say).
        value = field.display_value() if hasattr(field, "display_value") else field.data
        if field.type not in ("PasswordField", "FileField") and value not in (None, ""):
            params["value"] = value
        if field.flags.required:
            params.setdefault("attributes", {})["required"] = "required"
    elif kind == "textarea":
        params["label"] = {"text": label}
        params["value"] = field.data or ""
        params["rows"] = options.pop("rows", 6)
    elif kind == "select":
        params["label"] = {"text": label}
        params["items"] = [
            {"value": value, "text": text, "selected": field.data == value}
            for value, text in field.choices
        ]
    elif kind == "checkbox":
        params["idPrefix"] = field.id
        params.pop("id")
        params["items"] = [{"value": "y", "text": label, "checked": bool(field.data)}]
    elif kind == "radios":
        params["idPrefix"] = field.id
        params.pop("id")
        params["fieldset"] = {"legend": {"text": label, "size": "s"}}
        params["items"] = [
            {"value": value, "text": text, "checked": field.data == value}
            for value, text in field.choices
        ]
    elif kind == "checkboxes":
        params["idPrefix"] = field.id
        params.pop("id")
        params["fieldset"] = {"legend": {"text": label, "size": "s"}}
        chosen = set(field.data or [])
        params["items"] = [
            {"value": value, "text": text, "checked": value in chosen}
            for value, text in field.choices
        ]
    params.update(options)
    return params


def error_summary_items(form: Form) -> list[dict]:
    """Every error on the form, each linking to its field."""
    fields = [f for f in form if f.type not in ("CSRFTokenField", "HiddenField")]
    first_id = fields[0].id if fields else ""
    items = [{"text": message, "href": f"#{first_id}"} for message in form.form_errors]
    for field in fields:
        for message in field.errors:
            items.append({"text": message, "href": f"#{field.id}"})
    csrf = getattr(form, "csrf_token", None)
    if csrf is not None and csrf.errors:
        items.insert(
            0, {"text": "This form had expired. Please try again.", "href": f"#{first_id}"}
        )
    return items


def register_form_rendering(app) -> None:
    app.jinja_env.globals.update(
        field_kind=field_kind, field_params=field_params, error_summary_items=error_summary_items
    )
