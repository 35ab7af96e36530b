"""The editor's endpoints: the preview, and where its @mention suggestions come from
(static/js/editor.js)."""

from __future__ import annotations

import pytest
from factories import client_as, make_community


@pytest.fixture
def writer(make_user):
    return make_user("wren-writer", name="Wren Writer")


def test_the_preview_renders_markdown_as_the_post_will_be_and_sanitised(writer, make_user):
    make_user("ash-author", name="Ash Author")
    body = "## Plan\n\n- one\n  - nested\n\n**bold** @ash-author <script>alert(1)</script>"

    response = client_as(writer).post("/posts/preview", data={"body": body})

    assert response.status_code == 200 and response.is_json
    html = response.json["html"]
    assert "<h2>Plan</h2>" in html
    assert "<li>one<ul>\n<li>nested</li>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="/people/ash-author"' in html
    assert "<script" not in html


def test_the_preview_needs_a_csrf_token(app, monkeypatch, writer):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)

    response = client_as(writer).post("/posts/preview", data={"body": "Hi"})

    assert response.status_code == 400


def test_previews_are_limited_per_member(app, monkeypatch, writer, make_user):
    monkeypatch.setitem(app.config, "PREVIEW_LIMIT_PER_MEMBER", "2 per minute")
    as_writer = client_as(writer)

    assert as_writer.post("/posts/preview", data={"body": "a"}).status_code == 200
    assert as_writer.post("/posts/preview", data={"body": "b"}).status_code == 200
    assert as_writer.post("/posts/preview", data={"body": "c"}).status_code == 429
    other = client_as(make_user("olu-other", name="Olu Other"))
    assert other.post("/posts/preview", data={"body": "d"}).status_code == 200


def test_mention_suggestions_come_from_the_one_people_lookup(writer, make_user, organisation):
    """The editor asks the lookup every form that takes a person uses (its bounds, rate
    limit and sign-in rule are tested in test_people_lookup.py)."""
    make_user("sam-nurse", name="Samira Khan")
    community = make_community(writer, "Ward huddles")
    page = client_as(writer).get(f"/communities/{community.slug}/threads/new")
    assert 'data-mention-url="/people/lookup"' in page.get_data(as_text=True)

    found = client_as(writer).get("/people/lookup?q=@sa").json["people"]

    assert found[0]["username"] == "sam-nurse" and found[0]["name"] == "Samira Khan"
