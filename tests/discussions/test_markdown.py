"""The one Markdown renderer: what members write survives, what could attack a reader does not."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from community.core.markdown import RENDER_VERSION, render_markdown

SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
C0_AND_SPACE = "".join(chr(i) for i in range(0x21))


class Elements(HTMLParser):
    """Every start tag in a piece of HTML with its attributes, entities decoded."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def links(self) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.tags if tag == "a"]


def scheme_a_browser_would_use(href: str) -> str | None:
    """The scheme of `href` as the WHATWG URL parser reads it.

    Browsers strip leading and trailing control characters and spaces and drop
    tabs and newlines anywhere, so "java\\tscript:" is "javascript:" to them.
    """
    url = html.unescape(href).strip(C0_AND_SPACE)
    url = re.sub(r"[\t\n\r]", "", url)
    match = SCHEME.match(url)
    return match.group(1).lower() if match else None


def assert_harmless(output: str) -> None:
    elements = Elements(output)
    assert "<script" not in output.lower()
    assert not elements.names() & {"script", "iframe", "object", "embed", "style", "img", "svg"}
    for tag, attrs in elements.tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert handlers == [], f"<{tag}> kept event handlers {handlers}"
        assert "style" not in attrs, f"<{tag}> kept a style attribute"
        for name in ("href", "src", "action", "formaction"):
            if attrs.get(name):
                scheme = scheme_a_browser_would_use(attrs[name])
                assert scheme in SAFE_SCHEMES | {None}, f"{name}={attrs[name]!r}"


# ---------------------------------------------------------------- what members write survives


def test_tables_render_as_tables():
    source = "| Measure | Before | After |\n|---|:---:|---:|\n| Days | 9 | 6 |\n"
    out = render_markdown(source).html
    elements = Elements(out)
    assert {"table", "thead", "tbody", "tr", "th", "td"} <= elements.names()
    assert "<th>Measure</th>" in out
    assert '<td align="right">6</td>' in out


def test_fenced_code_keeps_its_language_and_escapes_its_content():
    out = render_markdown("```python\nif a < b and c > d:\n    print('<ok>')\n```\n").html
    assert '<pre><code class="language-python">' in out
    assert "if a &lt; b and c &gt; d:" in out
    assert "&lt;ok&gt;" in out


def test_lists_headings_and_emphasis_survive():
    source = "## Aim\n\n- reduce *waits*\n- **share** learning\n\n1. plan\n2. do\n"
    out = render_markdown(source).html
    assert "<h2>Aim</h2>" in out
    assert "<ul>\n<li>reduce <em>waits</em></li>" in out
    assert "<li><strong>share</strong> learning</li>" in out
    assert "<ol>\n<li>plan</li>\n<li>do</li>\n</ol>" in out


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[guide](https://www.england.nhs.uk/qsir/)", "https://www.england.nhs.uk/qsir/"),
        ("[old site](http://example.org/a?b=1&c=2)", "http://example.org/a?b=1&c=2"),
        ("[write to us](mailto:team@example.nhs.uk)", "mailto:team@example.nhs.uk"),
        ("<https://example.org/auto>", "https://example.org/auto"),
    ],
)
def test_web_and_mail_links_survive_marked_nofollow_noopener(source, href):
    (link,) = Elements(render_markdown(source).html).links()
    assert link["href"] == href
    assert link["rel"] == "nofollow noopener"


# Markdown as people write it, from Discourse, GitHub or a word processor's habits, and the HTML a
# reader gets. Links gain rel="nofollow noopener" from the sanitiser.
REL = 'rel="nofollow noopener"'
WRITTEN_AND_READ = [
    pytest.param(
        "- waits\n  - clinic\n  - ward\n- staff\n",
        "<ul>\n<li>waits<ul>\n<li>clinic</li>\n<li>ward</li>\n</ul>\n</li>\n<li>staff</li>\n</ul>",
        id="list nested by two spaces",
    ),
    pytest.param(
        "1. plan\n   1. predict\n   2. measure\n2. do\n",
        "<ol>\n<li>plan<ol>\n<li>predict</li>\n<li>measure</li>\n</ol>\n</li>\n<li>do</li>\n</ol>",
        id="numbered list nested by three spaces",
    ),
    pytest.param(
        "- waits\n    - clinic\n- staff\n",
        "<ul>\n<li>waits<ul>\n<li>clinic</li>\n</ul>\n</li>\n<li>staff</li>\n</ul>",
        id="list nested by four spaces still nests",
    ),
    pytest.param(
        "1. plan\n   - who\n     - when\n2. do\n",
        "<ol>\n<li>plan<ul>\n<li>who<ul>\n<li>when</li>\n</ul>\n</li>\n</ul>\n</li>\n"
        "<li>do</li>\n</ol>",
        id="bullets under a numbered item, two levels",
    ),
    pytest.param(
        "- one\n- two\n\n1. first\n",
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n</ol>",
        id="bullets then numbers stay two lists",
    ),
    pytest.param(
        "- one\n\n- two\n",
        "<ul>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ul>",
        id="blank line between items keeps one list",
    ),
    pytest.param(
        "- one\n\n    more about one\n\n- two\n",
        "<ul>\n<li>\n<p>one</p>\n<p>more about one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ul>",
        id="paragraph inside an item",
    ),
    pytest.param(
        "Read https://www.england.nhs.uk/qsir/ first.",
        f'<p>Read <a href="https://www.england.nhs.uk/qsir/" {REL}>https://www.england.nhs.uk/qsir/</a>'
        " first.</p>",
        id="bare web address becomes a link",
    ),
    pytest.param(
        "See www.nhs.uk for more.",
        f'<p>See <a href="http://www.nhs.uk" {REL}>www.nhs.uk</a> for more.</p>',
        id="bare www address becomes a link",
    ),
    pytest.param(
        "Write to qi.team@example.nhs.uk today.",
        f'<p>Write to <a href="mailto:qi.team@example.nhs.uk" {REL}>qi.team@example.nhs.uk</a>'
        " today.</p>",
        id="bare email address becomes a mail link",
    ),
    pytest.param(
        "`https://example.org/not-a-link`",
        "<p><code>https://example.org/not-a-link</code></p>",
        id="address inside code stays code",
    ),
    pytest.param(
        "| Ward | Falls | Change |\n|:---|:---:|---:|\n| 7 | 12 | -3 |\n",
        '<table>\n<thead>\n<tr>\n<th align="left">Ward</th>\n<th align="center">Falls</th>\n'
        '<th align="right">Change</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align="left">7</td>\n'
        '<td align="center">12</td>\n<td align="right">-3</td>\n</tr>\n</tbody>\n</table>',
        id="table keeps its column alignment",
    ),
    pytest.param(
        "![Run chart of falls](https://example.org/falls.png)",
        f'<p><a href="https://example.org/falls.png" {REL}>Run chart of falls (image)</a></p>',
        id="image becomes a link named by its alt text",
    ),
    pytest.param(
        "![](https://example.org/falls.png)",
        f'<p><a href="https://example.org/falls.png" {REL}>Image: https://example.org/falls.png</a>'
        "</p>",
        id="image without alt text becomes a link named by its address",
    ),
    pytest.param(
        "[![Poster](https://example.org/p.png)](https://example.org/poster)",
        f'<p><a href="https://example.org/poster" {REL}>Poster (image)</a></p>',
        id="linked image becomes the link, named by its alt text",
    ),
    pytest.param(
        "![x](javascript:alert(1))",
        f"<p><a {REL}>x (image)</a></p>",
        id="image with a script address keeps its words, loses the address",
    ),
]


@pytest.mark.parametrize(("source", "expected"), WRITTEN_AND_READ)
def test_markdown_as_people_write_it(source, expected):
    assert render_markdown(source).html == expected


def test_footnotes_link_to_their_notes_and_back():
    source = "Falls fell by a third.[^audit]\n\n[^audit]: Ward audit, May 2025.\n"
    out = render_markdown(source).html
    (ref, note) = re.findall(r'<(?:sup|li) id="([^"]+)"', out)
    links = [attrs["href"] for attrs in Elements(out).links()]
    assert links == [f"#{note}", f"#{ref}"]
    assert "<li" in out and "Ward audit, May 2025." in out
    assert "[^audit]" not in out


def test_footnotes_of_two_posts_on_one_page_do_not_collide():
    first = render_markdown("A.[^1]\n\n[^1]: First post's note.").html
    second = render_markdown("B.[^1]\n\n[^1]: Second post's note.").html
    ids = re.compile(r'id="([^"]+)"')
    assert set(ids.findall(first)).isdisjoint(ids.findall(second))


def test_ids_are_kept_only_for_footnotes():
    out = render_markdown('<li id="login">x</li> <sup id="fn-1">y</sup>').html
    assert "id=" not in out


def test_render_carries_the_renderer_version():
    assert render_markdown("hello").version == RENDER_VERSION


def test_empty_source_renders_to_nothing():
    assert render_markdown(None).html == ""
    assert render_markdown("").html == ""


# ---------------------------------------------------------------- what could attack is removed


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "before\n\n<script>\nalert(1)\n</script>\n\nafter",
    ],
)
def test_script_tags_are_removed(source):
    out = render_markdown(source).html
    assert "<script" not in out.lower()
    assert "alert(1)</" not in out


@pytest.mark.parametrize(
    "source",
    [
        "<img src=x onerror=alert(1)>",
        '<a href="https://example.org" onclick="steal()">x</a>',
        "<p onmouseover='steal()'>hover</p>",
        "<svg onload=alert(1)>",
        '<div onclick="x()">hi</div>',
        "<details open ontoggle=alert(1)>",
    ],
)
def test_event_handlers_are_removed(source):
    out = render_markdown(source).html
    assert_harmless(out)
    assert re.search(r"\son\w+\s*=", out) is None


@pytest.mark.parametrize(
    "source",
    [
        '<iframe src="https://evil.example"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="https://evil.example"><input name=p><button>Go</button></form>',
        '<base href="https://evil.example/">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        "<style>body { display: none }</style>",
    ],
)
def test_embedding_and_page_altering_tags_are_removed(source):
    out = render_markdown(source).html
    names = Elements(out).names()
    assert not names & {"iframe", "object", "embed", "form", "input", "button", "base", "meta"}
    assert not names & {"link", "style"}
    assert "evil.example" not in out


def test_style_attributes_are_removed():
    out = render_markdown('<p style="position:fixed;top:0">cover</p>\n\n**b**').html
    assert "style" not in out
    assert "cover" in out


def test_raw_html_in_the_source_is_neutralised_but_its_words_kept():
    out = render_markdown('<div class="x" id="login"><span>Plain words</span></div>').html
    assert out == "Plain words"


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](&#106;avascript:alert(1))",
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#x6A;avascript:alert(1)">x</a>',
        '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114'
        '&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>',
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href="java&#9;script:alert(1)">x</a>',
        '<a href="java&#10;script:alert(1)">x</a>',
        '<a href="java\nscript:alert(1)">x</a>',
        "[x](java\tscript:alert(1))",
        "[x](\njavascript:alert(1))",
        '<a href="\x01javascript:alert(1)">x</a>',
        "[x](javascript%3Aalert(1))",
        "[x](%6Aavascript:alert(1))",
        "[x](java%0Ascript:alert(1))",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](DATA:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox(1))",
        "[x](VBScript:msgbox(1))",
        "![x](javascript:alert(1))",
    ],
)
def test_script_and_data_links_never_reach_the_page(source):
    out = render_markdown(source).html
    assert_harmless(out)
    for link in Elements(out).links():
        if link.get("href"):
            assert scheme_a_browser_would_use(link["href"]) not in {
                "javascript",
                "data",
                "vbscript",
            }


def test_a_disarmed_link_keeps_its_text():
    out = render_markdown("See [the audit](javascript:alert(1)) for details").html
    assert "the audit" in out
    assert "href" not in out


# ---------------------------------------------------------------- any input at all

HOSTILE_FRAGMENTS = [
    "<script>",
    "</script>",
    "<SCRIPT>",
    "<scr",
    "ipt>",
    "<img src=x ",
    "onerror=",
    " onclick=",
    "onload=alert(1)",
    '"',
    "'",
    ">",
    "<",
    "<a href=",
    "javascript:",
    "JaVaScRiPt:",
    "&#106;",
    "&#x6A;",
    "java\tscript:",
    "java\nscript:",
    "&colon;",
    "data:text/html,",
    "vbscript:",
    "[x](",
    ")",
    "](",
    "<",
    "![y](",
    "```",
    "\n\n",
    "<svg ",
    "<iframe src=",
    "<style>",
    "style=",
    "<!--",
    "-->",
    "<![CDATA[",
    "\x00",
    "| a |\n|---|\n| ",
    "@sam-patel",
    "@onerror",
    "@javascript:",
]

markdown_like_text = st.lists(
    st.one_of(st.text(max_size=20), st.sampled_from(HOSTILE_FRAGMENTS)), max_size=25
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_like_text, st.sampled_from([(), ("sam-patel", "onerror", "javascript")]))
def test_no_text_renders_to_script_handlers_or_script_links(source, mentions):
    out = render_markdown(source, mentions).html
    assert "<script" not in out.lower()
    elements = Elements(out)
    for tag, attrs in elements.tags:
        assert not [name for name in attrs if re.fullmatch(r"on\w+", name)], (tag, attrs)
    for link in elements.links():
        if link.get("href"):
            assert scheme_a_browser_would_use(link["href"]) in SAFE_SCHEMES | {None}, link
    assert_harmless(out)
