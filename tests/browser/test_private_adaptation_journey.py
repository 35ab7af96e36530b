"""Adapting a method shared in a private community, in a browser.

The adaptation copies private text, so the form starts in the same community
and says so; choosing a wider audience without ticking the box that says so is
refused next to that box; the adaptation kept in the community stays out of
sight of everyone outside it. axe checks the form with its warning, and with
the refusal.
"""

from __future__ import annotations

import pytest
from factories import make_community, publish_method
from playwright.sync_api import Page, expect

from .support import Person, release

pytestmark = pytest.mark.browser

TITLE = "Quiet night handover"
ADAPTED = "Quiet handover for community nursing"


@pytest.fixture
def story(db, make_user):
    author = make_user("ama-author", name="Ama Author")
    adapter = make_user("ade-adapter", name="Ade Adapter")
    outsider = make_user("olu-outsider", name="Olu Outsider")
    circle = make_community(author, "Night nurses circle", private=True, members=[adapter])
    method = publish_method(
        author, TITLE, community_id=circle.id, sections={"how_to": "Whisper at bed 4"}
    )
    found = {
        "adapter": Person.of(adapter),
        "outsider": Person.of(outsider),
        "method_url": f"/methods/{method.id}-{method.slug}",
        "circle_id": str(circle.id),
    }
    release(db)
    return found


def test_a_private_methods_adaptation_stays_private_unless_widened_on_purpose(
    page: Page, new_page, story, sign_in, axe_report
):
    problems: dict[str, str] = {}
    sign_in(page, story["adapter"], then=story["method_url"])
    page.get_by_role("button", name="Adapt this method").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Adapt “{TITLE}”")
    warning = page.locator("#private-source-warning")
    expect(warning).to_contain_text(
        "The method you are adapting is shared only with members of Night nurses circle"
    )
    community = page.get_by_label("Community", exact=True)
    expect(community).to_have_value(story["circle_id"])  # it starts where the original is
    widen = page.get_by_label("Share it beyond Night nurses circle anyway")
    expect(widen).not_to_be_checked()
    if report := axe_report(page):
        problems["adapt form with the warning"] = report

    page.get_by_label("Title", exact=True).fill(ADAPTED)
    page.get_by_label("Care setting you adapted it for").select_option("community")
    page.get_by_label("What you changed").fill("Handed over by phone before the visit.")
    page.get_by_label("Why you changed it").fill("Patients are at home, not on a ward.")
    # A wider audience without the explicit choice is refused next to the box.
    community.select_option("0")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    message = "Your adaptation copies text shared only with members of Night nurses circle"
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".nhsuk-error-message")).to_contain_text(message)
    if report := axe_report(page):
        problems["adapt form refusing a wider audience"] = report

    # Kept in the community, it publishes, and no one outside can open it.
    page.get_by_label("Community", exact=True).select_option(story["circle_id"])
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Your adaptation has been published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(ADAPTED)
    adaptation_url = page.url
    outsider = new_page()
    sign_in(outsider, story["outsider"], then="/methods")
    expect(outsider.get_by_text(ADAPTED)).to_have_count(0)
    outsider.goto(adaptation_url)
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Page not found")

    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())


@pytest.fixture
def lounges(db, make_user):
    from factories import make_community as make_group
    from factories import make_thread

    from community.communities.models import Visibility

    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    quiet = make_group(facilitator, "Quiet lounge", visibility=Visibility.PRIVATE)
    make_group(facilitator, "Open lounge")
    thread = make_thread(facilitator, quiet, "Night staffing", "Bed 4 is short tonight")
    found = {
        "facilitator": Person.of(facilitator),
        "move_url": f"/communities/{quiet.slug}/threads/{thread.id}/move",
    }
    release(db)
    return found


def test_moving_a_thread_out_of_a_private_community_warns_and_asks(
    page: Page, lounges, sign_in, axe_report
):
    problems: dict[str, str] = {}
    sign_in(page, lounges["facilitator"], then=lounges["move_url"])
    expect(page.locator("#private-source-warning")).to_contain_text(
        "This thread is in Quiet lounge, a private community"
    )
    if report := axe_report(page):
        problems["move form with the warning"] = report
    page.get_by_label("Move to").select_option(label="Open lounge")
    page.get_by_role("button", name="Move thread").click()
    message = "Its posts were written for members of Quiet lounge only"
    expect(page.locator(".nhsuk-error-message")).to_contain_text(message)
    if report := axe_report(page):
        problems["move form refusing"] = report
    page.get_by_label("Move it out of Quiet lounge anyway").check()
    page.get_by_role("button", name="Move thread").click()
    expect(page.get_by_text("The thread has been moved to Open lounge.")).to_be_visible()
    assert not problems, "\n\n".join(f"[{name}] {text}" for name, text in problems.items())
