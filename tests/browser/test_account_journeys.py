"""A new member's first visit, a sign-in that goes wrong, and leaving, as a person sees them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import PASSWORD
from playwright.sync_api import Page, expect

from .support import Person, emailed_link, release

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/account/confirm/\S+")


def test_a_new_member_registers_confirms_fills_their_profile_and_signs_out(
    page: Page, new_page, live_server, db, organisation
):
    # As the register form lists it.
    organisation_label = f"{organisation.name} ({organisation.system.name})"
    release(db)

    page.goto("/")
    page.get_by_role("button", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Username").fill("priya-shah")
    page.get_by_label("Work email address").fill("priya.shah@riverside.nhs.example")
    page.get_by_label("Organisation").select_option(label=organisation_label)
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_text("Your account is ready.")).to_be_visible()
    expect(page.get_by_text("Your email address is not confirmed yet")).to_be_visible()

    # The member opens the emailed link somewhere they are not signed in.
    link = emailed_link(db, "priya.shah@riverside.nhs.example", CONFIRM_LINK)
    assert link.startswith(live_server.url + "/"), link
    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email address is confirmed.")).to_be_visible()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill("priya.shah@riverside.nhs.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Priya Shah.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Priya Shah")
    expect(page.get_by_text("Confirm your email address")).to_have_count(0)

    page.get_by_role("link", name="add your expertise to your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    page.get_by_label("Job title").fill("Quality improvement lead")
    page.get_by_label("About you").fill(
        "I lead **flow improvement** on our medical wards.\n\n"
        "- PDSA cycles on discharge\n"
        "- SPC charts for the board\n"
    )
    page.get_by_label("Statistical process control").check()
    page.get_by_label("Other areas of expertise").fill("Hospital at home")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    expect(page.get_by_text("@priya-shah · Quality improvement lead")).to_be_visible()
    about = page.locator(".ic-markdown")
    expect(about.locator("strong")).to_have_text("flow improvement")
    expect(about.get_by_role("listitem")).to_have_text(
        ["PDSA cycles on discharge", "SPC charts for the board"]
    )
    expect(about).not_to_contain_text("**")
    expect(page.locator(".ic-tags").get_by_role("link")).to_have_text(
        ["Hospital at home", "Statistical process control"]
    )

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/account/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_failed_sign_in_is_summarised_at_the_top_and_focus_moves_there(page: Page, db, member):
    member = Person.of(member)
    release(db)

    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password", exact=True).fill("not the right passphrase")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "Enter a correct email address and password",
            "Check your email address",
            "Check your password",
        ]
    )
    assert [links.nth(i).get_attribute("href") for i in range(3)] == [
        "#email",
        "#email",
        "#password",
    ]
    expect(summary).to_be_focused()

    # Each link takes the person to the field it is about.
    summary.get_by_role("link", name="Check your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.get_by_label("Email address")).to_have_value(member.email)
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_a_member_downloads_their_data_then_deletes_their_account(page: Page, db, member, sign_in):
    member = Person.of(member)
    release(db)
    sign_in(page, member, then="/account/settings")

    page.get_by_role("link", name="Download your data, or delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download your data").click()
    saved = json.loads(Path(download.value.path()).read_text())
    assert saved["profile"]["email"] == member.email
    assert download.value.suggested_filename.startswith("improvement-commons-")

    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()

    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/account/sign-in")
    page.get_by_label("Email address").fill(member.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Enter a correct email address and password").first).to_be_visible()
