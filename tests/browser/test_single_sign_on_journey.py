"""Signing in with NHSmail in a real browser, against a real OpenID Connect provider on
loopback (tests/oidc_provider.py); and every new page of it, and of the email domains,
checked with axe."""

from __future__ import annotations

import os
import re

import pytest
from oidc_provider import running_provider
from playwright.sync_api import Page, expect

from community.directory import email_domains

from .support import Person, emailed_link, release

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:.*deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def provider():
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # the provider serves plain http on loopback
    try:
        with running_provider() as provider:
            yield provider
    finally:
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@pytest.fixture
def nhsmail(live_server, provider, monkeypatch):
    """The live server configured to sign in with the provider."""
    for name, value in provider.config().items():
        monkeypatch.setitem(live_server.app.config, name, value)
    provider.tamper = None
    return provider


@pytest.fixture
def domains(db, admin, organisation):
    email_domains.add_domain(admin, "riverside.nhs.uk", organisation.id)
    email_domains.add_domain(admin, "nhs.net", email_domains.SHARED)
    release(db)


def reach_provider(page: Page, provider) -> None:
    """Let this page reach the provider too (the browser tests refuse every other host)."""
    page.context.route(re.compile("^" + re.escape(provider.issuer + "/")), lambda r: r.continue_())


def sign_in_at_provider(page: Page, provider, sub: str) -> None:
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Sign in with NHSmail").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_new_nhsmail_user_signs_in_for_the_first_time(
    page: Page, nhsmail, domains, check_accessibility
):
    nhsmail.set_user(
        "entra-oid-priya", email="Priya.Shah@riverside.nhs.uk", name="Priya Shah",
        email_verified=True,
    )  # fmt: skip
    reach_provider(page, nhsmail)

    sign_in_at_provider(page, nhsmail, "entra-oid-priya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Finish making your account")
    expect(page.get_by_text("priya.shah@riverside.nhs.uk (confirmed)")).to_be_visible()
    expect(page.get_by_text("Riverside Hospitals NHS Foundation Trust (from your email address)"))
    expect(page.get_by_label("Organisation")).to_have_count(0)  # the domain decided it
    expect(page.get_by_label("Username")).to_have_value("priya-shah")
    check_accessibility(page)

    page.get_by_label("Username").fill("")
    page.get_by_role("button", name="Make my account").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a username")
    check_accessibility(page)
    page.get_by_label("Username").fill("priya-s")
    page.get_by_role("button", name="Make my account").click()
    expect(page.get_by_text("Welcome, Priya Shah: your account is ready.")).to_be_visible()

    page.goto("/account/settings")
    expect(page.get_by_text("Linked to priya.shah@riverside.nhs.uk")).to_be_visible()
    expect(page.get_by_text("Not set: you sign in with NHSmail")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_role("link", name="Sign out of NHSmail too")).to_have_attribute(
        "href", re.compile("^" + re.escape(nhsmail.issuer + "/oauth2/end_session?"))
    )
    check_accessibility(page)

    # Back another day: the same NHSmail account, straight in.
    sign_in_at_provider(page, nhsmail, "entra-oid-priya")
    expect(page.get_by_text("Signed in as Priya Shah.")).to_be_visible()


def test_an_existing_member_links_nhsmail_by_email_then_unlinks_it(
    page: Page, new_page, nhsmail, db, member, check_accessibility, sign_in
):
    sam = Person.of(member)
    release(db)
    nhsmail.set_user("entra-oid-sam", email=sam.email, name=sam.name, email_verified=True)
    reach_provider(page, nhsmail)

    sign_in_at_provider(page, nhsmail, "entra-oid-sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("You already have an account")
    check_accessibility(page)
    page.get_by_role("button", name="Link and sign in").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your password")
    check_accessibility(page)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_accessibility(page)

    inbox = new_page()
    inbox.goto(emailed_link(db, sam.email))
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Link your accounts")
    check_accessibility(inbox)
    inbox.get_by_role("button", name="Link and sign in").click()
    expect(inbox.get_by_text(f"Signed in as {sam.name}.")).to_be_visible()

    inbox.goto("/account/settings")
    inbox.get_by_role("link", name="Unlink NHSmail").click()
    expect(inbox.get_by_role("heading", level=1)).to_have_text("Unlink NHSmail?")
    check_accessibility(inbox)
    inbox.get_by_role("button", name="Unlink NHSmail").click()
    expect(inbox.get_by_text("NHSmail is unlinked.")).to_be_visible()
    expect(inbox.get_by_text("Not linked")).to_be_visible()


def test_a_refused_sign_in_ends_on_a_clear_page(page: Page, nhsmail, check_accessibility):
    nhsmail.set_user("entra-oid-deny", email="deny@nhs.example", email_verified=True)
    reach_provider(page, nhsmail)
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Sign in with NHSmail").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have not been signed in")
    expect(page.get_by_text("did not let us know who you are")).to_be_visible()
    check_accessibility(page)


def test_an_administrator_keeps_the_email_domains(
    page: Page, db, admin, organisation, check_accessibility, sign_in
):
    ada, riverside, riverside_id = Person.of(admin), organisation.name, organisation.id
    release(db)
    sign_in(page, ada, then="/admin/")
    page.get_by_role("link", name="Email domains").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email domains")
    check_accessibility(page)

    page.get_by_label("Email domain").fill("riverside.nhs.uk")
    page.get_by_role("button", name="Add the domain").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Select the organisation the domain belongs to, or that it is shared"
    )
    check_accessibility(page)
    page.get_by_label("Whose addresses are these?").select_option(str(riverside_id))
    page.get_by_role("button", name="Add the domain").click()
    expect(page.get_by_text("riverside.nhs.uk has been added.")).to_be_visible()
    expect(page.get_by_role("cell", name=riverside)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Remove riverside.nhs.uk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove riverside.nhs.uk?")
    check_accessibility(page)
    page.get_by_role("button", name="Remove the domain").click()
    expect(page.get_by_text("riverside.nhs.uk has been removed.")).to_be_visible()
