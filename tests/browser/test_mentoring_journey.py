"""Mentoring from a capability gap to a closed mentorship, as the two people see it.

An improvement lead assesses their organisation, asks for mentoring on its
lowest gap, and asks a suggested mentor; the mentor accepts in another browser,
agrees a goal and logs a session; the lead closes the mentorship with feedback
and the mentor adds theirs. Every new page is checked with axe on the way.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from factories import offer
from playwright.sync_api import Page, expect

from community.mentoring.vocabulary import ImpactComponent

from .support import Person, emailed_link, release

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Cast:
    lead: Person
    mentor: Person
    organisation_name: str
    organisation_slug: str
    system_slug: str


@pytest.fixture
def cast(db, make_user, make_organisation, make_system) -> Cast:
    north = make_system("North Coast")
    riverside = make_organisation("Riverside Community Health", system=north)
    lead = make_user("rita-lead", name="Rita Lead", organisation=riverside)
    mentor = make_user(
        "mo-mentor", name="Mo Mentor", organisation=make_organisation("Hill Trust", system=north)
    )
    offer(
        mentor, components=[4, 5], approaches=["Statistical process control"],
        formats=["video", "in_person"], capacity=2, note="Six years running a QI faculty.",
    )  # fmt: skip
    cast = Cast(
        lead=Person.of(lead), mentor=Person.of(mentor), organisation_name=riverside.name,
        organisation_slug=riverside.slug, system_slug=north.slug,
    )  # fmt: skip
    release(db)
    return cast


SCORES = {1: "3 – Developing", 2: "4 – Established", 3: "3 – Developing",
          4: "1 – Not yet started", 5: "2 – Early steps"}  # fmt: skip


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_from_a_capability_gap_to_a_closed_mentorship_with_feedback(
    page: Page, new_page, sign_in, check_accessibility, cast: Cast, db
):
    org = f"/organisations/{cast.organisation_slug}"

    # The lead assesses their organisation's capability.
    sign_in(page, cast.lead, then=f"{org}/assessment")
    expect(h1(page)).to_have_text("Assess the improvement capability of Riverside Community Health")
    check_accessibility(page)
    for component in ImpactComponent:
        group = page.get_by_role("group", name=f"{component.value}. {component.label}")
        group.get_by_label(SCORES[component.value]).check()
    page.get_by_label("Evidence for capability and capacity (optional)").fill(
        "Two improvement advisors for 1,800 staff."
    )
    page.get_by_role("button", name="Save the self-assessment").click()
    expect(page.get_by_text("Your organisation's self-assessment has been saved.")).to_be_visible()
    expect(h1(page)).to_have_text(cast.organisation_name)
    capability = page.locator("#capability").locator("..")
    expect(capability).to_contain_text(
        "The biggest gap is building improvement capability and capacity"
    )
    expect(page.get_by_role("img", name="Self-assessed improvement capability")).to_be_visible()
    check_accessibility(page)

    # …asks for mentoring on the lowest gap…
    page.get_by_role("link", name="Ask for mentoring on capability and capacity").click()
    expect(h1(page)).to_have_text("Ask for mentoring")
    expect(page.get_by_label("Building improvement capability and capacity")).to_be_checked()
    check_accessibility(page)
    page.get_by_label("Short title").fill("Start a QI faculty")
    page.get_by_label("Statistical process control").check()
    page.get_by_label("What your organisation wants to achieve").fill(
        "Train our first 12 improvement coaches and measure with SPC."
    )
    page.get_by_role("group", name="How you would like to meet").get_by_label("Video call").check()
    page.get_by_label("Over 1 to 3 months").check()
    page.get_by_role("button", name="Save and choose mentors").click()

    # …and asks a suggested mentor, seeing why they were suggested.
    expect(h1(page)).to_have_text("Suggested mentors")
    expect(page.get_by_text("in your system", exact=True)).to_be_visible()
    expect(
        page.get_by_text(
            "offers mentoring in “Capability and capacity” and “Statistical process control”"
        )
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Mo Mentor", exact=True).check()
    page.get_by_label("Message to the mentors (optional)").fill("We would value your help.")
    page.get_by_role("button", name="Ask the mentors you chose").click()
    expect(page.get_by_text("We have asked Mo Mentor.")).to_be_visible()
    expect(h1(page)).to_have_text("Start a QI faculty")
    check_accessibility(page)
    request_path = urlsplit(page.url).path
    # The page links the organisation and the requester (not their tags shown as text).
    main = page.locator("main")
    expect(main.get_by_role("link", name=cast.organisation_name, exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Rita Lead", exact=True)).to_be_visible()
    expect(main).not_to_contain_text("<a href")

    # The mentor (who chose a daily summary) is emailed at once, and follows the link.
    link = emailed_link(db, cast.mentor.email)
    assert urlsplit(link).path == request_path
    mentor_page = new_page()
    sign_in(mentor_page, cast.mentor, then="/")
    mentor_page.goto(link)
    expect(h1(mentor_page)).to_have_text("Start a QI faculty")
    expect(mentor_page.get_by_text("We would value your help.")).to_be_visible()
    check_accessibility(mentor_page)
    mentor_page.get_by_label("Accept: start the mentorship").check()
    mentor_page.get_by_label("Message to the requester").fill("Delighted. Shall we meet Monday?")
    mentor_page.get_by_role("button", name="Send your answer").click()
    expect(
        mentor_page.get_by_text("You are now mentoring Riverside Community Health.")
    ).to_be_visible()
    check_accessibility(mentor_page)
    mentorship_path = urlsplit(mentor_page.url).path
    expect(
        mentor_page.locator("main").get_by_role("link", name="Mo Mentor", exact=True)
    ).to_be_visible()
    expect(mentor_page.locator("main")).not_to_contain_text("<a href")

    # …agrees a goal and logs a session.
    mentor_page.get_by_label("New goal").fill("Train 12 improvement coaches")
    mentor_page.get_by_role("button", name="Add the goal").click()
    expect(mentor_page.get_by_text("Train 12 improvement coaches").first).to_be_visible()
    mentor_page.get_by_role("link", name="Update progress").click()
    expect(h1(mentor_page)).to_have_text("Update a goal's progress")
    check_accessibility(mentor_page)
    mentor_page.get_by_label("In progress").check()
    mentor_page.get_by_role("button", name="Save progress").click()
    mentor_page.get_by_role("button", name="Log a session").click()
    expect(h1(mentor_page)).to_have_text("Log a session")
    check_accessibility(mentor_page)
    mentor_page.get_by_role("group", name="How you met").get_by_label("Video call").check()
    mentor_page.get_by_label("What you covered").fill("Agreed the coaching curriculum.")
    mentor_page.get_by_label("Agreed next steps (optional)").fill("Book the first cohort.")
    mentor_page.get_by_role("button", name="Add to the log").click()
    expect(mentor_page.get_by_text("Agreed the coaching curriculum.")).to_be_visible()

    # The lead sees the log and closes the mentorship with feedback.
    page.goto(mentorship_path)
    expect(page.get_by_text("Book the first cohort.")).to_be_visible()
    page.get_by_role("button", name="Close the mentorship").click()
    expect(h1(page)).to_have_text("Close the mentorship")
    check_accessibility(page)
    page.get_by_label("Goals met", exact=True).check()
    page.get_by_label("5 – excellent").check()
    page.get_by_label("Comment (optional)").fill("Practical and generous with their time.")
    page.get_by_role("button", name="Close the mentorship").click()
    expect(page.get_by_text("The mentorship is closed.")).to_be_visible()
    expect(page.get_by_text("Outcome: Goals met.")).to_be_visible()
    check_accessibility(page)

    # The mentor adds their feedback; their place is free again.
    mentor_page.goto(mentorship_path)
    mentor_page.get_by_role("button", name="Give your feedback").click()
    expect(h1(mentor_page)).to_have_text("Give your feedback")
    check_accessibility(mentor_page)
    mentor_page.get_by_label("4 – good").check()
    mentor_page.get_by_role("button", name="Send feedback").click()
    expect(mentor_page.get_by_text("Thank you for your feedback.")).to_be_visible()
    # A form already used (a tab left open, the Back button) shows what came of it instead.
    mentor_page.goto(mentorship_path + "/feedback")
    expect(mentor_page.get_by_text("You have given your feedback: it is below.")).to_be_visible()
    expect(mentor_page.get_by_role("button", name="Send feedback")).to_have_count(0)
    check_accessibility(mentor_page)
    page.goto(mentorship_path + "/close")
    expect(page.get_by_text("This mentorship closed on")).to_be_visible()
    expect(page.get_by_role("button", name="Close the mentorship")).to_have_count(0)
    mentor_page.goto("/mentoring")
    expect(mentor_page.get_by_text("2 of 2 free")).to_be_visible()
    check_accessibility(mentor_page)
    mentor_page.goto("/account/settings/mentoring")
    expect(h1(mentor_page)).to_have_text("Change your mentoring offer")
    check_accessibility(mentor_page)

    # The pages around it: history, dashboard, my mentoring.
    for path, heading in (
        ("/mentoring", "Mentoring"),
        (f"{org}/mentoring", "Mentoring history"),
        (f"{org}/assessments", "Self-assessments"),
        (f"/systems/{cast.system_slug}/mentoring", "Mentoring in this system"),
    ):
        page.goto(path)
        expect(h1(page)).to_have_text(heading)
        check_accessibility(page)
    page.goto(f"{org}/assessments")
    page.locator("table a").first.click()
    expect(h1(page)).to_contain_text("Self-assessment of")
    check_accessibility(page)


def test_a_form_with_problems_passes_axe_too(page: Page, sign_in, check_accessibility, cast: Cast):
    sign_in(page, cast.lead, then="/mentoring/requests/new")
    page.get_by_role("button", name="Save and choose mentors").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Give your request a short title").first).to_be_visible()
    check_accessibility(page)
