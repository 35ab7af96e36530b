"""Publishing a method, adapting it somewhere else, and watching it spread, in a browser.

Every methods page the journey reaches is checked with axe as the person sees
it: the library, the empty and the refused form, the method, its history,
lineage and spread, the print view, the discussion, the adapt form, the
adaptation, the method with "who else is working on this", and an edit
refused because a co-author saved first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from .support import Person, release

pytestmark = pytest.mark.browser

TITLE = "Daily board rounds"
ADAPTED = "Virtual board rounds for a frailty virtual ward"


@pytest.fixture
def people(db, make_user, make_system, make_organisation):
    north = make_organisation("Northfold Hospitals NHS Trust", make_system("Northfold ICS"))
    east = make_organisation("Eastmarsh Community Health", make_system("Eastmarsh ICS"))
    author = make_user("ama-author", name="Ama Author", organisation=north)
    co_author = make_user("cole-coauthor", name="Cole Coauthor", organisation=north)
    adapter = make_user("ade-adapter", name="Ade Adapter", organisation=east)
    found = {
        "author": Person.of(author),
        "co_author": Person.of(co_author),
        "adapter": Person.of(adapter),
    }
    release(db)
    return found


def _check(axe_report, page: Page, problems: dict, name: str) -> None:
    report = axe_report(page)
    if report:
        problems[name] = report


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def test_publish_adapt_and_see_the_lineage_and_spread_grow(
    page: Page, new_page, people, sign_in, axe_report
):
    problems: dict[str, str] = {}
    author, adapter = people["author"], people["adapter"]

    # The author writes a method; publishing it half-written is refused by the fields.
    sign_in(page, author, then="/methods")
    _heading(page, "Methods library")
    _check(axe_report, page, problems, "library, empty")
    page.get_by_role("button", name="Write a method").click()
    _heading(page, "Write a method")
    _check(axe_report, page, problems, "new method form")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Describe how to do it before publishing")).to_be_visible()
    _check(axe_report, page, problems, "new method form with errors")

    page.get_by_label("Summary", exact=True).fill(
        "A short stand-up each morning so every patient has a plan for the day."
    )
    page.get_by_label("When to use it").fill("When discharges cluster late in the afternoon.")
    page.get_by_label("How to do it").fill("1. Meet at 9am\n2. One action per patient")
    page.get_by_label("Lean", exact=True).check()
    page.get_by_label("Acute hospital care").check()
    page.get_by_label("Co-authors (optional)").fill(people["co_author"].username)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Your method has been published.")).to_be_visible()
    _heading(page, TITLE)
    method_url = urlsplit(page.url).path
    expect(page.locator(".ic-markdown ol li")).to_have_text(
        ["Meet at 9am", "One action per patient"]
    )
    _check(axe_report, page, problems, "method")

    page.get_by_role("link", name="Lineage: where it came from").click()
    _heading(page, "Lineage and spread")
    expect(page.get_by_text("No one has adapted it yet")).to_be_visible()
    expect(page.get_by_text("No organisation has recorded using it")).to_be_visible()
    _check(axe_report, page, problems, "lineage, nothing yet")

    # Another member, elsewhere, uses it and adapts it for their setting.
    other = new_page()
    sign_in(other, adapter, then=method_url)
    _heading(other, TITLE)
    other.get_by_role("button", name="I've used this").click()
    expect(other.get_by_text("Thank you: your use has been recorded")).to_be_visible()
    expect(other.get_by_text("Used by 1 member in 1 organisation")).to_be_visible()
    other.get_by_role("button", name="Adapt this method").click()
    _heading(other, f"Adapt “{TITLE}”")
    expect(other.get_by_label("How to do it")).to_have_value(
        "1. Meet at 9am\n2. One action per patient"
    )
    _check(axe_report, other, problems, "adapt form")
    other.get_by_label("Title", exact=True).fill(ADAPTED)
    other.get_by_label("Care setting you adapted it for").select_option("community")
    other.get_by_label("Population (optional)").fill("People over 75 living with frailty at home")
    other.get_by_label("One team or ward").check()
    other.get_by_label("What you changed").fill("Held on a video call at 10am.")
    other.get_by_label("Why you changed it").fill("The team never meets in one building.")
    other.get_by_role("button", name="Publish", exact=True).click()
    expect(other.get_by_text("Your adaptation has been published.")).to_be_visible()
    _heading(other, ADAPTED)
    expect(other.get_by_text(f"Adapted from {TITLE}")).to_be_visible()
    expect(other.get_by_role("heading", name="How it was adapted")).to_be_visible()
    _check(axe_report, other, problems, "adaptation")

    # The author sees the lineage and the spread grow.
    page.reload()
    tree = page.locator("section[aria-labelledby=adaptations]")
    expect(tree.get_by_role("link", name=ADAPTED)).to_be_visible()
    expect(tree).to_contain_text("Eastmarsh Community Health, Eastmarsh ICS")
    expect(tree).to_contain_text("People over 75 living with frailty at home")
    spread = page.locator("section[aria-labelledby=spread]")
    expect(spread).to_contain_text("1 organisation in 1 integrated care system")
    expect(spread.locator("svg[role=img] desc")).to_contain_text("Eastmarsh ICS (1)")
    row = spread.get_by_role("row", name=re.compile("Eastmarsh Community Health"))
    expect(row).to_contain_text(ADAPTED)
    expect(row.get_by_role("cell").nth(1)).to_have_text("1")  # members using it there
    _check(axe_report, page, problems, "lineage and spread")
    page.goto(method_url)
    expect(page.get_by_role("link", name=ADAPTED, exact=True)).to_be_visible()
    # The adapter now works on the same subject: the panel beside the method names them.
    others = page.locator("section[aria-labelledby=working-on-heading]")
    expect(others.get_by_role("heading", name="Who else is working on this")).to_be_visible()
    expect(others.get_by_role("link", name="Ade Adapter")).to_be_visible()
    expect(others).to_contain_text(f"Wrote the adaptation “{ADAPTED}”")
    expect(others).not_to_contain_text("Cole Coauthor")  # the method's own authors are not
    _check(axe_report, page, problems, "method with who else is working on this")
    notifications = page.get_by_role("link", name=re.compile("Notifications"))
    expect(notifications).to_contain_text("2")
    notifications.click()
    expect(page.get_by_text(f"Ade Adapter at Eastmarsh Community Health adapted your method "
                            f"“{TITLE}” as “{ADAPTED}”")).to_be_visible()  # fmt: skip

    # The adaptation's own lineage leads back to the original.
    other.get_by_role("link", name="Lineage: where it came from").click()
    origins = other.locator("section[aria-labelledby=origins]")
    expect(origins.get_by_role("link", name=TITLE)).to_be_visible()
    expect(origins).to_contain_text("It is an adaptation of the original method.")

    # The rest of the method's pages, as the author sees them.
    for suffix, heading in (
        ("/history", "History of changes"),
        ("/print", TITLE),
        ("/discussion", f"Discussion of the method {TITLE}"),
        ("/history/1", TITLE),
    ):
        page.goto(method_url + suffix)
        _heading(page, heading)
        _check(axe_report, page, problems, suffix)
    page.goto("/methods")
    _check(axe_report, page, problems, "library with methods")

    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())


def test_a_co_authors_later_save_is_refused_and_shows_the_difference(
    page: Page, new_page, people, sign_in, axe_report
):
    author, co_author = people["author"], people["co_author"]
    sign_in(page, author, then="/methods/new")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Summary", exact=True).fill("A short stand-up each morning.")
    page.get_by_label("When to use it").fill("When discharges run late.")
    page.get_by_label("How to do it").fill("Meet at 9am")
    page.get_by_label("Lean", exact=True).check()
    page.get_by_label("Co-authors (optional)").fill(co_author.username)
    page.get_by_role("button", name="Publish", exact=True).click()
    _heading(page, TITLE)
    edit_url = urlsplit(page.url).path + "/edit"

    # Both open the form; the author saves first.
    other = new_page()
    sign_in(other, co_author, then=edit_url)
    _heading(other, f"Edit “{TITLE}”")
    page.goto(edit_url)
    page.get_by_label("How to do it").fill("Meet at 8am")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes have been saved.")).to_be_visible()

    other.get_by_label("How to do it").fill("Meet at 10am")
    other.get_by_role("button", name="Save changes").click()
    expect(other.get_by_role("heading", name="There is a problem")).to_be_visible()
    conflict = other.locator(".ic-conflict")
    expect(conflict).to_contain_text("Someone else changed this method while you were editing")
    expect(conflict.locator(".ic-diff__line--removed")).to_contain_text("Meet at 8am")
    expect(conflict.locator(".ic-diff__line--added")).to_contain_text("Meet at 10am")
    expect(other.get_by_role("textbox", name="How to do it")).to_have_value("Meet at 10am")
    assert axe_report(other) == ""

    page.reload()
    expect(page.locator("#section-how_to + .ic-markdown")).to_have_text("Meet at 8am")
