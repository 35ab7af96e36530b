"""Form fields drawn by the NHS.UK macros, remembered by their parameters."""

from __future__ import annotations

import pytest
from flask import get_template_attribute
from markupsafe import Markup

from community.discussions.forms import WatchForm
from community.web.form_rendering import _frozen, component, field_params


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        app.extensions.pop("component_html", None)
        yield app


def drawn_directly(name: str, params: dict) -> str:
    return get_template_attribute(f"nhsuk/components/{name}/macro.jinja", name)(params)


def test_a_remembered_field_is_what_the_macro_draws(request_context):
    params = field_params(WatchForm(level="normal").level)

    first, again = component("radios", params), component("radios", params)

    assert first == drawn_directly("radios", params)
    assert again is first  # the second time from the cache
    assert 'value="normal" checked' in " ".join(first.split())


def test_a_changed_field_is_drawn_afresh(request_context):
    normal = component("radios", field_params(WatchForm(level="normal").level))
    muted = component("radios", field_params(WatchForm(level="muted").level))
    error = WatchForm(level="muted").level
    error.errors = ["Choose how closely to follow this thread"]

    with_error = component("radios", field_params(error))

    assert 'value="muted" checked' in " ".join(muted.split())
    assert 'value="normal" checked' not in " ".join(muted.split())
    assert normal != muted
    assert "Choose how closely to follow this thread" in with_error


def test_the_key_tells_apart_what_a_macro_may_treat_differently():
    # The macros test `is escaped` to choose HTML over text, and print True and 1 differently.
    assert _frozen({"html": Markup("<b>Save</b>")}) != _frozen({"html": "<b>Save</b>"})
    assert _frozen({"checked": True}) != _frozen({"checked": 1})
    assert _frozen({"items": [{"value": "a"}]}) == _frozen({"items": ({"value": "a"},)})


def test_parameters_that_cannot_be_a_key_are_drawn_every_time(request_context):
    class Label:
        def __str__(self) -> str:
            return "Body"

    params = {"name": "b", "id": "b", "label": {"text": Label()}}

    assert component("textarea", params) == drawn_directly("textarea", params)
    assert len(request_context.extensions.get("component_html") or ()) == 0


def test_template_globals_compare_as_sets_and_stay_live(app):
    """Each `{% from … import … %}` compares two templates' global names: as sets, not
    a ChainMap's key-at-a-time view, and a global added after loading still shows."""
    template = app.jinja_env.get_template("nhsuk/components/button/macro.jinja")
    names = template.globals.keys()
    assert isinstance(names, set) and "url_for" in names
    app.jinja_env.globals["late_global_for_this_test"] = "late"
    try:
        assert template.globals["late_global_for_this_test"] == "late"
        assert "late_global_for_this_test" in set(template.globals.keys())
    finally:
        del app.jinja_env.globals["late_global_for_this_test"]
