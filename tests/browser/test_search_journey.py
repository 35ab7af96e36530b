"""Finding things and people, as a member does it in a browser, with axe on every new page."""

from __future__ import annotations

import pytest
from factories import make_community, make_post, make_thread, publish_method
from playwright.sync_api import Page, expect

from community.discussions import services as discussions
from community.search.commands import reindex

from .support import Person, release, sideways_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def world(db, member, make_user, make_project):
    """A community with a discharge thread, a key learning and a helpful reply; a method
    and a project about discharge delays."""
    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    expert = make_user("kofi-mensah", name="Kofi Mensah", job_title="Flow coach")
    helper = make_user("ravi-kumar", name="Ravi Kumar", job_title="Discharge coordinator")
    community = make_community(
        facilitator, "Discharge before noon", members=[member, expert, helper]
    )
    make_community(facilitator, "Falls prevention", members=[member])
    thread = make_thread(
        facilitator,
        community,
        "Criteria-led discharge delays",
        "Our discharge delays start with waiting for sign-off.",
    )
    key = make_post(expert, thread, "Agree the discharge criteria at the board round.")
    discussions.set_key_learning(facilitator, key, mark=True)
    helpful = make_post(helper, thread, "We book transport the day before discharge.")
    discussions.toggle_helpful(member, helpful)
    rota = make_thread(facilitator, community, "Weekend rota", "Who covers Saturday?")
    charted = make_post(expert, rota, "We plot the gaps on an SPC chart, week by week.")
    discussions.toggle_helpful(member, charted)
    writer = make_user("nia-okafor", name="Nia Okafor", job_title="Improvement lead")
    publish_method(writer, "Discharge delays huddle", summary="Ten minutes on discharge delays.")
    make_project(facilitator, title="Fewer discharge delays", aim="Discharge delays halved.")
    reindex()  # the factories' members were made without the registration service
    people = {"member": Person.of(member), "expert": Person.of(expert)}
    release(db)
    return {**people, "thread_title": "Criteria-led discharge delays"}


def test_search_from_the_header_filter_and_open_a_result(
    page: Page, world, sign_in, check_accessibility
):
    sign_in(page, world["member"], then="/communities")
    header = page.get_by_role("banner")
    header.get_by_role("searchbox", name="Search Improvement Commons").fill("discharge delays")
    header.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for discharge delays")
    results = page.locator(".ic-hits")
    expect(results.get_by_role("link", name=world["thread_title"])).to_be_visible()
    expect(results.locator("mark").first).to_be_visible()
    expect(results.get_by_role("link", name="Discharge delays huddle")).to_be_visible()
    expect(results.get_by_role("link", name="Fewer discharge delays")).to_be_visible()
    check_accessibility(page)

    types = page.get_by_role("navigation", name="Types of result")
    types.get_by_role("link", name="Methods (1)").click()
    expect(page.locator(".ic-hits .ic-hit")).to_have_count(1)
    expect(page.locator(".ic-hits")).to_contain_text("By Nia Okafor")
    types.get_by_role("link", name="Discussions (1)").click()
    expect(types.get_by_role("link", name="Discussions (1)")).to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_label("Community").select_option(label="Discharge before noon")
    page.get_by_label("Newest first").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("1 result", exact=True)).to_be_visible()
    check_accessibility(page)

    page.locator(".ic-hits").get_by_role("link", name=world["thread_title"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world["thread_title"])


def test_the_syntax_is_explained_and_odd_input_is_fine(page: Page, world, sign_in):
    sign_in(page, world["member"], then='/search?q="unbalanced+tag:+NEAR(')
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search results")
    expect(
        page.get_by_text("A quote mark without its pair was read as plain text.")
    ).to_be_visible()
    page.get_by_text("How to search").click()
    expect(page.get_by_role("cell", name="tag:lean")).to_be_visible()


def test_find_an_expert_and_follow_the_evidence(page: Page, world, sign_in, check_accessibility):
    sign_in(page, world["member"], then="/people")
    page.get_by_label("Find expertise on a topic").fill("discharge")
    page.get_by_role("button", name="Find people").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("People who know about discharge")
    first = page.locator(".ic-hits > li").first
    expect(first.get_by_role("heading")).to_have_text(world["expert"].name)
    expect(first.get_by_text("1 key learning on this topic")).to_be_visible()
    check_accessibility(page)

    first.get_by_role("link", name=f"“{world['thread_title']}” (Discharge before noon)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world["thread_title"])
    # Beside the thread, the same engine suggests who else is working on it.
    panel = page.get_by_role("region", name="Who else is working on this")
    # Everyone else with evidence is in this very thread, or started it: only the
    # author of the method on discharge delays is suggested.
    expect(panel.get_by_role("link", name="Nia Okafor")).to_be_visible()
    expect(panel).to_contain_text("Wrote the method")
    expect(panel).not_to_contain_text("Kofi Mensah")


def test_find_an_expert_by_acronym(page: Page, world, sign_in, check_accessibility):
    """ "SPC" is statistical process control: the finder says so, and finds who knows it,
    on a phone."""
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, world["member"], then="/people")
    page.get_by_label("Find expertise on a topic").fill("SPC")
    page.get_by_role("button", name="Find people").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "People who know about Statistical process control"
    )
    first = page.locator(".ic-hits > li").first
    expect(first.get_by_role("heading")).to_have_text(world["expert"].name)
    expect(first.get_by_text("1 helpful reply")).to_be_visible()
    expect(page.locator(".ic-hits > li")).to_have_count(1)
    assert sideways_overflow(page) is None
    check_accessibility(page)
