"""Every page stays on this site, logs nothing, and fits a phone.

The same crawl as the accessibility check (its VISITS, as each kind of visitor
sees them), twice: on a desktop, and at 375 px wide, the width of a small
phone. On each page:
- no console error and no Content-Security-Policy violation (the browser logs
  a refused font, script or image as a console error);
- no request to any host but the site's own (the live server on loopback);
- at 375 px, nothing wider than the screen: the page itself never scrolls
  sideways (wide tables scroll inside their own box instead);
- on a desktop, a name and what follows it on the same line ("Sam Patel,
  Improvement advisor") stay on one line, and no back link says "Back to"
  twice ("Back to Back to the post").
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from . import test_accessibility as accessibility
from .support import Person, release, sideways_overflow
from .test_accessibility import VISITORS, VISITS, World

# The pages' data, as the accessibility check builds it.
world = accessibility.world

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# Small text that goes on from what is before it in a line, but starts a line of its own.
BROKEN_LINES = """() => [...document.querySelectorAll('main span.nhsuk-body-s')]
  .filter(span => span.previousElementSibling && span.textContent.trim())
  .filter(span => {
    const before = [...span.previousElementSibling.getClientRects()].pop();
    const first = span.getClientRects()[0];
    return before && first && Math.abs(first.top - before.top) > 8;
  })
  .map(span => span.parentElement.textContent.replace(/\\s+/g, ' ').trim())"""
BACK_LINKS = """() => [...document.querySelectorAll('.nhsuk-back-link')]
  .map(link => link.textContent.replace(/\\s+/g, ' ').trim())"""


def _crawl(
    page: Page, world: World, sign_in, visitor: str, *, phone: bool, axe_report=None
) -> dict[str, list]:
    problems: dict[str, list] = {}
    current = {"name": "sign-in"}

    def note(problem: str) -> None:
        problems.setdefault(current["name"], []).append(problem)

    def on_console(message: ConsoleMessage) -> None:
        # A page that answers 403 or 404 on purpose ("forbidden", "not-found") is logged as a
        # failed load of the page itself: that is the page meant, not an error on it.
        own_status = message.location.get("url") == page.url and message.text.startswith(
            "Failed to load resource: the server responded with a status of"
        )
        if message.type == "error" and not own_status:
            note(f"console error: {message.text}")

    def on_request(request: Request) -> None:
        host = urlsplit(request.url).hostname
        if urlsplit(request.url).scheme in {"http", "https"} and host not in LOOPBACK:
            note(f"asked another host: {request.url}")

    page.on("console", on_console)
    page.on("request", on_request)
    visits = [visit for visit in VISITS if (visit.who or "signed-out") == visitor]
    for number, visit in enumerate(visits):
        current["name"] = visit.name
        if visit.prepare:
            visit.prepare(world)
        path = visit.path.format(w=world)
        if visit.who and number == 0:
            sign_in(page, getattr(world, visit.who), then=path)
        else:
            page.goto(path)
        if visit.then:
            visit.then(page, world)
        expect(page.get_by_role("heading", level=1)).to_have_text(visit.heading.format(w=world))
        page.wait_for_load_state("load")
        if phone:
            overflow = sideways_overflow(page)
            if overflow:
                note(f"scrolls sideways: {overflow}")
            # A table that scrolls in its own box is a labelled region a keyboard can reach.
            if page.locator(".ic-table-scroll--scrolls").count() and (report := axe_report(page)):
                note(report)
        else:
            for line in page.evaluate(BROKEN_LINES):
                note(f"breaks a line in the middle: {line!r}")
            for text in page.evaluate(BACK_LINKS):
                if "Back to Back to" in text:
                    note(f"back link says it twice: {text!r}")
    return problems


def _describe(problems: dict[str, list]) -> str:
    return "\n".join(f"[{name}] {problem}" for name, found in problems.items() for problem in found)


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_page_logs_an_error_or_asks_another_host(
    visitor: str, page: Page, world: World, sign_in
):
    page.set_viewport_size(DESKTOP)
    problems = _crawl(page, world, sign_in, visitor, phone=False)
    assert not problems, _describe(problems)


@pytest.mark.parametrize("visitor", VISITORS)
def test_no_page_scrolls_sideways_on_a_phone(
    visitor: str, page: Page, world: World, sign_in, axe_report
):
    page.set_viewport_size(PHONE)
    problems = _crawl(page, world, sign_in, visitor, phone=True, axe_report=axe_report)
    assert not problems, _describe(problems)


# The smallest text in any chart, in pixels on the screen (the drawing's own size times its scale).
SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll('main svg text')]
  .filter(text => text.textContent.trim())
  .map(text => {
    const scale = text.getScreenCTM();
    return Math.hypot(scale.a, scale.b) * parseFloat(getComputedStyle(text).fontSize);
  }))"""


def test_a_projects_charts_and_tables_fit_a_phone_and_stay_legible(
    page: Page, member, organisation, make_project, make_measure, db, sign_in, axe_report
):
    project = make_project(member, title="Fewer falls")
    measure = make_measure(project, member, [5, 6, 4, 5, 7, 6, 5, 4, 6, 5, 7, 8, 9, 9, 10],
                           name="Falls a week", unit="")  # fmt: skip
    base = f"/projects/{project.id}-{project.slug}"
    pages = {
        "project": (base, "Fewer falls"),
        "team": (f"{base}/team", "Fewer falls"),
        "measure": (f"{base}/measures/{measure.id}", "Falls a week"),
        "organisation dashboard": (
            f"/organisations/{organisation.slug}/dashboard", "Improvement dashboard"),
        "board summary": (
            f"/organisations/{organisation.slug}/summary", "Board summary of measures"),
    }  # fmt: skip
    person = Person.of(member)
    release(db)
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, person, then=base)
    problems: dict[str, list] = {}
    for name, (path, heading) in pages.items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.wait_for_load_state("load")
        found = [f"console error: {text}" for text in errors]
        errors.clear()
        if overflow := sideways_overflow(page):
            found.append(f"scrolls sideways: {overflow}")
        if page.locator("main svg text").count():
            smallest = page.evaluate(SMALLEST_CHART_TEXT)
            if round(smallest, 1) < 12:
                found.append(f"chart text {smallest:.1f} px on screen, under 12 px")
        if report := axe_report(page):
            found.append(report)
        if found:
            problems[name] = found
    assert page.evaluate("document.querySelectorAll('main svg text').length") > 0
    assert not problems, _describe(problems)


WRITTEN = (
    "Our falls huddle:\n\n"
    "- Before the shift\n"
    "  - who is at risk\n"
    "  - who needs a sensor mat\n"
    "- After a fall\n\n"
    "| Ward | Falls in May | Change on April |\n"
    "|:---|---:|---:|\n"
    "| Ward 7, care of older people | 12 | -3 |\n"
    "| Ward 9, stroke rehabilitation | 4 | -6 |\n\n"
    "Guide: https://www.england.nhs.uk/long-address/that-would-push/a-phone-screen-wide\n\n"
    "![Run chart of falls on ward 7](https://example.org/falls.png)\n"
)


def test_a_post_written_as_people_write_it_reads_right_on_a_phone(
    page: Page, world: World, sign_in, axe_report
):
    page.set_viewport_size(PHONE)
    sign_in(page, world.member, then=f"/communities/{world.community_slug}/threads/new")
    page.get_by_label("Title").fill("Falls huddles")
    page.get_by_label("Your post").fill(WRITTEN)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section[aria-labelledby=preview-heading] .ic-markdown")
    expect(preview).to_be_visible()
    # The items indented by two spaces sit inside "Before the shift".
    before = preview.locator("ul > li").filter(has_text="Before the shift")
    expect(before.locator("ul > li")).to_have_text(["who is at risk", "who needs a sensor mat"])
    # The numbers stay right-aligned, as the table was written.
    change = preview.get_by_role("cell", name="-3")
    assert change.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    # The bare address is a link; the picture is a link named by its words, not an image.
    expect(
        preview.get_by_role("link", name="https://www.england.nhs.uk/long-address")
    ).to_be_visible()
    expect(
        preview.get_by_role("link", name="Run chart of falls on ward 7 (image)")
    ).to_have_attribute("href", "https://example.org/falls.png")
    assert preview.locator("img").count() == 0
    # The table sits in its own box, and the page does not scroll sideways.
    expect(preview.locator(".ic-table-scroll > table")).to_have_count(1)
    assert sideways_overflow(page) is None
    report = axe_report(page)
    assert report == "", report
