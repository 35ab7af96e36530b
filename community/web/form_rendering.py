"""Turn WTForms fields into the parameters the NHS.UK frontend macros take.

Templates render every field through `templates/macros/forms.html`, which calls
these, so labels, hints, inline errors and the error summary are the same on
every page.

The NHS.UK macros are slow (a radio group takes milliseconds) and read nothing
but their parameters, so `component` keeps what each one made for a given set
of parameters: the parameters are the key, so a field that changes (its value,
its error, which radio is checked) is drawn afresh.

Text that differs on nearly every request (the words in a search box, the
addresses of a list's pages, which carry its filters) would make every drawing
new. A template marks such text `filled(…)`: the component is kept drawn with a
stand-in there, and the text, escaped, replaces the stand-in each time. Only for
text a macro prints as it is, as input values and link addresses: a stand-in the
macro changed or dropped means the drawing is not kept (drawn afresh each time).
"""

from __future__ import annotations

import re

from flask import get_template_attribute
from markupsafe import Markup, escape
from wtforms import Field, Form

from community.caching import store
from community.caching.pages import CSRF_STAND_IN

COMPONENTS = {
    name: (f"nhsuk/components/{name}/macro.jinja", macro)
    for name, macro in [
        ("input", "input"),
        ("textarea", "textarea"),
        ("select", "select"),
        ("checkboxes", "checkboxes"),
        ("radios", "radios"),
        ("button", "button"),
        ("pagination", "pagination"),
        ("tag", "tag"),
        ("breadcrumb", "breadcrumb"),
        ("header", "header"),
        ("footer", "footer"),
    ]
}

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


class _Uncacheable(Exception):
    pass


class Filled(str):
    """Text drawn into a kept component afresh each time (see the module's docstring)."""


def filled(text):
    """Mark `text` (an input's value, a link's address) as drawn into a kept component
    afresh: the component is kept once for every value. Empty text stays as it is."""
    if not isinstance(text, str) or isinstance(text, Markup) or not text:
        return text
    return Filled(text)


# A stand-in is private-use characters around a number: no macro's own text holds them,
# and text that does is never kept (`_frozen`).
_STAND_IN_START, _STAND_IN_END = "\ue020", "\ue021"
_STAND_IN = re.compile(f"{_STAND_IN_START}([0-9]+){_STAND_IN_END}")


def _frozen(value, fills: list[str] | None = None):
    """`value` as a key: dicts and lists as tuples, marked-safe text apart from plain text,
    each `Filled` text a numbered place (appended to `fills`)."""
    if isinstance(value, dict):
        return ("dict", *((k, _frozen(v, fills)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", *(_frozen(v, fills) for v in value))
    if isinstance(value, Filled):
        if fills is None:
            raise _Uncacheable
        fills.append(str(value))
        return ("filled", len(fills) - 1)
    if isinstance(value, str) and _STAND_IN_START in value:
        raise _Uncacheable  # (it could read as a stand-in)
    if isinstance(value, Markup):  # the macros treat it as HTML, plain text as text
        return ("markup", str(value))
    if value is None or type(value) in (str, int, float, bool):
        return (type(value).__name__, value)  # True and 1 print differently
    raise _Uncacheable


def _with_stand_ins(value, numbers):
    """`value` with each `Filled` text replaced by its stand-in, numbered as `_frozen`
    numbers them (the same walk)."""
    if isinstance(value, dict):
        return {k: _with_stand_ins(v, numbers) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_with_stand_ins(v, numbers) for v in value]
    if isinstance(value, Filled):
        return f"{_STAND_IN_START}{next(numbers)}{_STAND_IN_END}"
    return value


def _drawn_with_stand_ins(macro, params: dict, count: int) -> str | None:
    """The macro's HTML with stand-ins for the filled text, or None when the macro did
    not print each of them as it was (then the drawing cannot be kept)."""
    html = str(macro(_with_stand_ins(params, iter(range(count)))))
    found = {int(number) for number in _STAND_IN.findall(html)}
    return html if found == set(range(count)) else None


def component(name: str, params: dict) -> Markup:
    """The HTML of the NHS.UK `name` macro for `params`, made once per set of parameters
    (and filled text drawn in afresh)."""
    macro = get_template_attribute(*COMPONENTS[name])
    fills: list[str] = []
    try:
        key = (name, _frozen(params, fills))
    except _Uncacheable:
        return Markup(macro(params))  # noqa: S704  (the macro's own HTML)
    cache = store("component_html")
    html = cache.get(key)
    if html is None:
        drawn = _drawn_with_stand_ins(macro, params, len(fills)) if fills else macro(params)
        if drawn is None:
            return Markup(macro(params))  # noqa: S704  (the macro's own HTML)
        html = Markup(drawn)  # noqa: S704  (the macro's own HTML)
        cache.put(key, html)
    if not fills:
        return html
    drawn_in = _STAND_IN.sub(lambda found: str(escape(fills[int(found[1])])), html)
    return Markup(drawn_in)  # noqa: S704  (the macro's HTML, with escaped text drawn in)


def filter_select(label: str, name: str, choices, selected, any_text: str) -> Markup:
    """An NHS.UK select of a list's filter: "any" (`any_text`, the value "") first, then
    each (value, text) of `choices`, `selected` chosen. Made once per set of choices:
    the key is the choices themselves, not a parameter dict built from them (the search
    page's 300 communities cost milliseconds to build and freeze)."""
    choices = tuple((value, text) for value, text in choices)
    # What the macro would draw differently from equal values is in the key as well:
    # True and 1 print differently, marked-safe text is drawn as HTML and plain text escaped.
    kinds = tuple((type(v).__name__, isinstance(t, Markup)) for v, t in choices)
    key = ("filter_select", label, name, choices, kinds, selected, type(selected).__name__,
           any_text)  # fmt: skip
    cache = store("component_html")
    html = cache.get(key)
    if html is None:
        items = [{"value": "", "text": any_text}]
        items += [{"value": v, "text": t, "selected": v == selected} for v, t in choices]
        params = {"label": {"text": label}, "id": name, "name": name, "items": items}
        html = Markup(get_template_attribute(*COMPONENTS["select"])(params))  # noqa: S704
        cache.put(key, html)
    return html


def register_form_rendering(app) -> None:
    app.jinja_env.globals.update(
        field_kind=field_kind,
        field_params=field_params,
        error_summary_items=error_summary_items,
        component=component,
        filled=filled,
        filter_select=filter_select,
        csrf_stand_in=CSRF_STAND_IN,
    )
