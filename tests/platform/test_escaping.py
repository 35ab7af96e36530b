"""No page shows markup as text: every GET row of the permission table, as every role it
answers with a page, is searched for escaped tags (`&lt;a `, `&lt;/`) in its visible text.

A template that joins strings into HTML (`'<a href="' ~ url ~ '">' ~ (name | e)`) has its
own tags escaped as soon as one part is markup (Jinja then escapes every other part), and
the page shows `<a href=…>` instead of a link. Text inside <textarea>, <pre> and <code> is
meant to be read as typed, so it is left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import RequestPerContextClient, sign_in_as
from test_access_control import ROLES, ROWS, Row, build_world, world  # noqa: F401

from community.core.extensions import limiter

LITERAL = re.compile(r"<(textarea|pre|code|script|style)\b.*?</\1\s*>", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
# An escaped opening or closing tag (`&lt;a `, `&lt;/dd&gt;`, `&lt;br&gt;`), or text
# escaped twice (`&amp;lt;`, `&amp;#39;`), left in what a reader sees.
ESCAPED_MARKUP = re.compile(
    r"&lt;(?:/|[a-z][a-z0-9-]*(?:\s|&gt;|/))|&amp;(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I
)

PAGE_ROWS = [r for r in ROWS if r.method == "GET" and 200 in r.expect.values()]


def escaped_markup(html: str) -> list[str]:
    """Each escaped tag in the page's visible text, with a little of what surrounds it."""
    text = " ".join(TAG.sub(" ", LITERAL.sub(" ", html)).split())
    return [text[max(m.start() - 40, 0) : m.end() + 40] for m in ESCAPED_MARKUP.finditer(text)]


def test_the_check_finds_a_link_shown_as_text_and_leaves_code_alone():
    shown = '<dd class="v">&lt;a href="/organisations/riverside"&gt;Riverside&lt;/a&gt;</dd>'
    twice = "<p>O&amp;#39;Brien</p>"
    quoted = '<pre>&lt;a href="x"&gt;</pre><textarea name="b">&lt;/p&gt;</textarea>'
    typed = "<p>Fewer than 5 &lt; 10 patients; A &amp; E &gt; 4 hours</p>"

    assert len(escaped_markup(shown)) == 2
    assert len(escaped_markup(twice)) == 1
    assert escaped_markup(quoted + typed) == []


@pytest.mark.parametrize("r", [pytest.param(r, id=f"GET {r.endpoint}") for r in PAGE_ROWS])
def test_no_page_shows_markup_as_text(app, world, r: Row):  # noqa: F811
    shown = {}
    for role in ROLES:
        if r.expect[role] != 200:
            continue
        target = r.fresh(world) if r.fresh else None
        limiter.reset()
        client = RequestPerContextClient(app, app.response_class, use_cookies=True)
        if role != "anonymous":
            sign_in_as(client, world.users[role])
        response = client.get(r.url(world, target))
        assert response.status_code == 200, f"{role}: {response.status_code}"
        if not (response.mimetype.startswith("text/") or response.mimetype.endswith("+xml")):
            continue  # a picture (the PNG chart): no text to read
        if found := escaped_markup(response.get_data(as_text=True)):
            shown[role] = found
    assert shown == {}


# A string literal holding a tag, joined with `~` to something else: Jinja escapes the
# literal's tags as soon as the other part is markup. Build such HTML in a `{% set %}`
# block, a `{% call %}` or a macro (macros/ui.html `link`) instead.
JOINED_TAG = re.compile(
    r"""(?:~\s*(?P<q1>['"])(?:\\.|(?!(?P=q1)).)*?</?[a-z]"""
    r"""|(?P<q2>['"])(?:\\.|(?!(?P=q2)).)*?</?[a-z](?:\\.|(?!(?P=q2)).)*(?P=q2)\s*~)""",
    re.I,
)
# `| safe` only on HTML that community/core/markdown.py sanitised (stored as `*_html`, or a
# preview it rendered) and on charts community/projects/measures/charts.py built with escape().
TRUSTED_AS_HTML = re.compile(r"([^{}|]*?)\s*\|\s*safe\b|Markup\(")
SANITISED = re.compile(r"\s*(?:[\w.]*_html|html|preview|view\.chart)")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def markup_built_from_strings(source: str) -> list[str]:
    joined = [m.group(0) for m in JOINED_TAG.finditer(source)]
    trusted = [
        m.group(0)
        for m in TRUSTED_AS_HTML.finditer(source)
        if m.group(1) is None or not SANITISED.fullmatch(m.group(1))
    ]
    return joined + trusted


def test_the_template_check_finds_a_joined_link():
    joined = """{"html": '<a href="' ~ url ~ '">' ~ (name | e) ~ '</a>'}"""
    trusted = "{{ post.body_source | safe }}"
    built = """{% set x %}<a href="{{ url }}">{{ name }}</a>{% endset %}{{ 'a' ~ b }}"""
    sanitised = "{{ post.body_html | safe }}"

    assert markup_built_from_strings(joined)
    assert markup_built_from_strings(trusted)
    assert markup_built_from_strings(built + sanitised) == []


def test_no_template_builds_markup_by_joining_strings():
    found = {
        str(path.relative_to(TEMPLATES)): hits
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (hits := markup_built_from_strings(path.read_text()))
    }
    assert found == {}
