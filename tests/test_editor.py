"""The editor's endpoints: the preview and the @mention suggestions (static/js/editor.js)."""

from __future__ import annotations

import pytest
from community_factories import client_as


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


def test_mention_suggestions_match_the_start_of_a_username_or_a_name(
    writer, make_user, organisation
):
    make_user("sam-nurse", name="Samira Khan")
    make_user("jo-sanders", name="Jo Sanders")
    make_user("basam", name="Basam Ali")  # "sa" inside a word: not suggested

    found = client_as(writer).get("/people/mention-candidates?q=@sa").json

    assert [p["username"] for p in found] == ["sam-nurse", "jo-sanders"]
    assert found[0] == {
        "username": "sam-nurse",
        "name": "Samira Khan",
        "organisation": organisation.name,
    }


def test_mention_suggestions_are_bounded_and_take_wildcards_literally(writer, make_user):
    for n in range(12):
        make_user(f"pat-{n:02d}", name=f"Pat Number {n}")
    as_writer = client_as(writer)

    assert len(as_writer.get("/people/mention-candidates?q=pat").json) == 8
    assert as_writer.get("/people/mention-candidates?q=%25%25").json == []
    assert as_writer.get("/people/mention-candidates?q=p").json == []  # two letters at least


def test_mention_suggestions_are_for_signed_in_members_only(client):
    response = client.get("/people/mention-candidates?q=pat")

    assert response.status_code == 302
    assert "/account/sign-in" in response.location
