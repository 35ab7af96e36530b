"""Personal information taken back, as people do it: a member pastes a patient's name in a
post, edits it out and redacts the old version; another flags a post for personal
information, which is hidden at once, and the facilitator hears of it."""

from __future__ import annotations

import re

import pytest
from factories import make_community, make_post, make_thread
from playwright.sync_api import expect

from .support import Person, release

pytestmark = pytest.mark.browser

PATIENT = "Mrs Zebedee Quartermaine"


@pytest.fixture
def lounge(db, make_user):
    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    author = make_user("ash-author", name="Ash Author")
    member = make_user("mo-member", name="Mo Member")
    reader = make_user("kit-reader", name="Kit Reader")
    community = make_community(
        facilitator, "Discharge before noon", members=[author, member, reader]
    )
    thread = make_thread(author, community, "Weekend discharges", "What works at weekends?")
    people = {
        "fay": Person.of(facilitator),
        "ash": Person.of(author),
        "mo": Person.of(member),
        "kit": Person.of(reader),
    }
    flagged = make_post(member, thread, "Mr Kenneth Jones on ward 9 went home with it.")
    ids = {"thread": thread.id, "flagged": flagged.id}
    release(db)
    return people, ids


def test_a_member_edits_a_patients_name_out_and_redacts_the_old_version(
    new_page, lounge, sign_in, check_accessibility
):
    people, ids = lounge
    page = new_page()
    sign_in(page, people["ash"], then=f"/threads/{ids['thread']}")
    page.get_by_role("link", name="Reply to post by Ash Author").first.click()
    page.get_by_label("Your reply").fill(f"{PATIENT} in bed 4 went home by noon on Saturday.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply has been posted.")).to_be_visible()

    # Oh no: a patient's name. Edit it out.
    mine = page.locator("article.ic-post", has_text=PATIENT)
    mine.get_by_role("link", name="Edit your post").click()
    expect(page.get_by_text("then redact the earlier versions in the history")).to_be_visible()
    edited = "The patient in bed 4 went home by noon on Saturday."
    page.get_by_label("Post", exact=True).fill(edited)
    page.get_by_role("button", name="Save changes").click()
    told = page.get_by_text("if you took out personal information, redact it there")
    expect(told).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(PATIENT)

    # The history still has it, and says what to do.
    page.get_by_role("link", name="edited 1 time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit history")
    expect(page.locator("main")).to_contain_text(PATIENT)
    check_accessibility(page)
    page.get_by_role("link", name="Redact this version (original)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redact the original of this post?")
    check_accessibility(page)
    page.get_by_role("button", name="Redact this version").click()

    expect(page.get_by_text("The version has been redacted: its text is gone.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(PATIENT)
    expect(page.get_by_text("Redacted by Ash Author on")).to_be_visible()
    check_accessibility(page)

    # Nobody finds it by searching.
    other = new_page()
    sign_in(other, people["kit"], then="/search?q=Quartermaine")
    expect(other.locator("main")).not_to_contain_text("Reply in “Weekend discharges”")


def test_a_post_flagged_for_personal_information_is_hidden_at_once_and_the_facilitator_told(
    new_page, lounge, sign_in, check_accessibility
):
    people, ids = lounge
    thread_path = f"/threads/{ids['thread']}"
    flagger = new_page()
    sign_in(flagger, people["ash"], then=thread_path)
    flagger.get_by_role("link", name="Flag post by Mo Member").click()
    flagger.get_by_label("Shares patient or personal information").check()
    flagger.get_by_role("button", name="Flag post").click()
    thanks = flagger.get_by_text("Thank you. The facilitators will review this post.")
    expect(thanks).to_be_visible()

    reader = new_page()
    sign_in(reader, people["kit"], then=thread_path)
    expect(reader.locator("main")).not_to_contain_text("Kenneth Jones")
    expect(reader.get_by_text("This post has been hidden by the community's facilitators."))\
        .to_be_visible()  # fmt: skip

    facilitator = new_page()
    sign_in(facilitator, people["fay"], then="/notifications")
    facilitator.get_by_role("button", name=re.compile("Ash Author flagged a post")).click()
    expect(facilitator.locator("main")).to_contain_text("Kenneth Jones")
    expect(
        facilitator.get_by_text("Hidden: flagged as sharing personal information, until reviewed")
    ).to_be_visible()
    facilitator.goto("/communities/discharge-before-noon/moderation")
    expect(facilitator.get_by_text("Flagged just now")).to_be_visible()
    check_accessibility(facilitator)
