"""Form fields drawn by the NHS.UK macros, remembered by their parameters."""

from __future__ import annotations

import pytest
from flask import get_template_attribute
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from community.caching import store
from community.discussions.forms import WatchForm
from community.web.form_rendering import (
    _frozen,
    component,
    field_params,
    filled,
    filter_select,
)


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        store("component_html").clear()
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
    assert len(store("component_html")) == 0


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


def test_a_filter_select_is_the_select_macro_with_any_first_and_the_choice_selected(
    request_context,
):
    choices = [(1, "Riverside"), (2, "Hillside & Vale")]

    drawn = filter_select("Community", "community", choices, 2, "Any community")

    assert drawn == drawn_directly("select", {
        "label": {"text": "Community"}, "id": "community", "name": "community",
        "items": [{"value": "", "text": "Any community"},
                  {"value": 1, "text": "Riverside", "selected": False},
                  {"value": 2, "text": "Hillside & Vale", "selected": True}],
    })  # fmt: skip
    assert filter_select("Community", "community", choices, 2, "Any community") is drawn
    assert "Hillside &amp; Vale" in drawn
    assert 'value="2" selected' in " ".join(drawn.split())


def test_a_filter_select_is_drawn_afresh_for_what_would_draw_differently(request_context):
    plain = filter_select("Type", "type", [("a", "<b>A</b>")], "", "Any")
    marked = filter_select("Type", "type", [("a", Markup("<b>A</b>"))], "", "Any")
    one = filter_select("Type", "type", [(1, "One")], 1, "Any")
    true = filter_select("Type", "type", [(True, "One")], True, "Any")
    other = filter_select("Type", "type", [(1, "One")], None, "Any")

    assert "&lt;b&gt;A" in plain and "<b>A</b>" in marked
    assert 'value="1"' in one and 'value="True"' in true
    assert "selected" in one and "selected" not in other.replace('"nhsuk-select"', "")


# Text as members type it: markup characters, quotes, accents, spaces, stand-in look-alikes.
member_text = st.text(
    alphabet=st.sampled_from(list("ab <>&\"'=/?#%é\u00a0\ue020\ue0210123456789")), max_size=30
)


@settings(max_examples=60, deadline=None)
@given(value=member_text)
def test_filled_text_draws_exactly_what_the_macro_would(app, value):
    """A search box's words and a pager's addresses are drawn into a kept component: the
    result is the macro's own drawing of that text, whatever the text."""
    with app.test_request_context():
        search_box = {"label": {"text": "Search"}, "id": "q", "name": "q", "type": "search"}
        assert component("input", search_box | {"value": filled(value)}) == drawn_directly(
            "input", search_box | {"value": value}
        )
        pages = {
            "previous": {"href": "/things?page=1"},
            "next": {"href": f"/things?q={value}&page=3"},
            "items": [{"number": 1, "href": "/things?page=1"},
                      {"number": 2, "href": f"/things?q={value}&page=2", "current": True},
                      {"number": 3, "href": f"/things?q={value}&page=3"}],
        }  # fmt: skip
        filled_pages = pages | {
            "next": {"href": filled(pages["next"]["href"])},
            "items": [item | {"href": filled(item["href"])} for item in pages["items"]],
        }
        assert component("pagination", filled_pages) == drawn_directly("pagination", pages)


def test_filled_text_keeps_one_drawing_for_every_value(request_context):
    params = {"label": {"text": "Name"}, "id": "q", "name": "q"}

    first = component("input", params | {"value": filled("Ann")})
    second = component("input", params | {"value": filled('<script>"Bo"')})

    assert 'value="Ann"' in first and 'value="&lt;script&gt;&#34;Bo&#34;"' in second
    assert len(store("component_html")) == 1


def test_a_stand_in_the_macro_does_not_print_as_it_is_is_never_kept(request_context):
    """A macro that changes or drops filled text: drawn afresh, never a stand-in shown."""
    params = {"text": "Save", "classes": "x"}  # the button has no "note" to print

    drawn = component("button", params | {"note": filled("anything")})

    assert drawn == drawn_directly("button", params | {"note": "anything"})
    assert "\ue020" not in drawn
    assert len(store("component_html")) == 0
