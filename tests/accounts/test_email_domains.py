"""Organisations known by their email domains: the allow-list, placing new members,
and the administrators' page that keeps the domains."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, error_summary, sign_in_as, table_rows

from community.accounts import services as accounts
from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.directory import email_domains
from community.directory.models import EmailDomain


@pytest.fixture
def riverside(organisation):
    return organisation  # Riverside Hospitals NHS Foundation Trust


@pytest.fixture
def hillside(make_organisation):
    return make_organisation("Hillside Community Health")


@pytest.fixture
def kept(db, riverside, admin):
    """riverside.nhs.uk is Riverside's; nhs.net is shared."""
    email_domains.add_domain(admin, "riverside.nhs.uk", riverside.id)
    email_domains.add_domain(admin, "@NHS.net", email_domains.SHARED)


def registration(**overrides) -> dict:
    return {
        "name": "Ria Shah", "username": "ria-shah", "email": "ria.shah@riverside.nhs.uk",
        "organisation": 0, "password": PASSWORD, "password_confirm": PASSWORD, **overrides,
    }  # fmt: skip


# ---------------------------------------------------------------- the rules


def test_with_nothing_listed_any_address_may_be_used(db):
    decision = email_domains.decide("ria@gmail.com")
    assert decision.allowed and decision.organisation is None


def test_an_organisations_domain_and_its_subdomains_place_people_there(kept, riverside):
    for email in ("ria@riverside.nhs.uk", "ria@mail.riverside.nhs.uk", "RIA@Riverside.NHS.uk"):
        decision = email_domains.decide(accounts.normalise_email(email))
        assert decision.allowed and decision.organisation == riverside


def test_a_shared_domain_is_allowed_and_asks(kept):
    decision = email_domains.decide("ria@nhs.net")
    assert decision.allowed and decision.organisation is None


@pytest.mark.parametrize(
    "email", ["ria@gmail.com", "ria@evilriverside.nhs.uk", "ria@riverside.nhs.uk.evil.example"]
)
def test_once_domains_are_listed_others_are_refused_with_who_to_ask(kept, app, monkeypatch, email):
    assert not email_domains.decide(email).allowed
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", "help@commons.example")
    with pytest.raises(RuleViolation) as refused:
        email_domains.check_allowed(email)
    assert "ask the site administrators at help@commons.example" in refused.value.message


def test_the_most_specific_listed_domain_wins(kept, admin, hillside):
    email_domains.add_domain(admin, "hillside.nhs.net", hillside.id)
    assert email_domains.decide("ria@hillside.nhs.net").organisation == hillside
    assert email_domains.decide("ria@nhs.net").organisation is None


def test_the_environment_list_adds_to_the_kept_domains(kept, app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOWED_EMAIL_DOMAINS", frozenset({"hospice.org.uk"}))
    decision = email_domains.decide("ria@north.hospice.org.uk")
    assert decision.allowed and decision.organisation is None  # allowed, and asks
    assert email_domains.decide("ria@riverside.nhs.uk").allowed
    assert not email_domains.decide("ria@gmail.com").allowed


def test_an_open_pilot_lets_anyone_in_and_still_places_by_domain(kept, app, monkeypatch, riverside):
    monkeypatch.setitem(app.config, "EMAIL_DOMAIN_ALLOW_LIST", False)
    assert email_domains.decide("ria@gmail.com").allowed
    assert email_domains.decide("ria@riverside.nhs.uk").organisation == riverside


# ---------------------------------------------------------------- registering


def test_registering_at_an_organisations_domain_places_the_member_there(kept, http, riverside):
    response = http.post("/account/register", data=registration())
    assert response.status_code == 302
    assert accounts.user_by_email("ria.shah@riverside.nhs.uk").organisation == riverside


def test_registering_at_a_shared_domain_asks_for_the_organisation(kept, http, hillside, db):
    response = http.post("/account/register", data=registration(email="ria@nhs.net"))
    assert error_summary(response) == ["Select your organisation"]
    assert accounts.user_by_email("ria@nhs.net") is None
    response = http.post(
        "/account/register", data=registration(email="ria@nhs.net", organisation=hillside.id)
    )
    assert response.status_code == 302
    assert accounts.user_by_email("ria@nhs.net").organisation == hillside


def test_choosing_another_organisation_than_the_domains_is_refused_not_overruled(
    kept, http, hillside
):
    response = http.post("/account/register", data=registration(organisation=hillside.id))
    assert error_summary(response) == [
        "Addresses at riverside.nhs.uk belong to Riverside Hospitals NHS Foundation Trust: "
        "select it, or ask the site administrators if you work elsewhere"
    ]
    assert accounts.user_by_email("ria.shah@riverside.nhs.uk") is None


def test_registering_at_an_unlisted_domain_is_refused(kept, http, riverside):
    response = http.post(
        "/account/register", data=registration(email="ria@gmail.com", organisation=riverside.id)
    )
    assert error_summary(response) == [
        "Use your work email address. Addresses at gmail.com cannot be used here yet: ask the "
        "site administrators to add your organisation's email domain"
    ]
    assert accounts.user_by_email("ria@gmail.com") is None


# ---------------------------------------------------------------- the administrators' page


def test_an_administrator_adds_a_domain_and_it_is_audited(http, admin, riverside, db):
    sign_in_as(http, admin)
    response = http.post(
        "/admin/email-domains", data={"domain": " @Riverside.NHS.uk ", "organisation": riverside.id}
    )
    assert response.status_code == 302
    page = http.get("/admin/email-domains")
    assert table_rows(page)[1:] == [
        ["riverside.nhs.uk", "Riverside Hospitals NHS Foundation Trust", "riverside.nhs.uk"]
    ]  # the last cell is "Remove riverside.nhs.uk" with its heading hidden
    assert (
        db.session.scalar(
            sa.select(AuditEvent.summary).where(AuditEvent.action == "directory.email_domain_added")
        )
        == "riverside.nhs.uk: Riverside Hospitals NHS Foundation Trust"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"domain": "not a domain", "organisation": 0},
         "Enter an email domain in the correct format, like riverside.nhs.uk"),
        ({"domain": "hospice.org.uk", "organisation": -1},
         "Select the organisation the domain belongs to, or that it is shared"),
        ({"domain": "NHS.NET", "organisation": 0},
         "nhs.net is already kept (shared): remove it first"),
    ],
)  # fmt: skip
def test_a_wrong_domain_is_refused_next_to_its_field(http, admin, kept, data, message, db):
    sign_in_as(http, admin)
    response = http.post("/admin/email-domains", data=data)
    assert error_summary(response) == [message]
    assert db.session.scalar(sa.select(sa.func.count(EmailDomain.id))) == 2


def test_removing_a_domain_asks_first_then_removes_and_audits(http, admin, kept, db):
    sign_in_as(http, admin)
    kept_id = db.session.scalar(sa.select(EmailDomain.id).where(EmailDomain.domain == "nhs.net"))
    page = http.get(f"/admin/email-domains/{kept_id}/remove")
    assert "Remove nhs.net?" in page.get_data(as_text=True)
    assert http.post(f"/admin/email-domains/{kept_id}/remove").status_code == 302
    assert db.session.get(EmailDomain, kept_id) is None
    assert (
        db.session.scalar(
            sa.select(AuditEvent.summary).where(
                AuditEvent.action == "directory.email_domain_removed"
            )
        )
        == "nhs.net: shared"
    )


def test_members_may_not_keep_domains(http, member):
    sign_in_as(http, member)
    assert http.get("/admin/email-domains").status_code == 403


# ---------------------------------------------------------------- the demo data


def test_demo_organisations_have_plausible_domains(make_organisation):
    from community.demo.commands import email_domain_of

    trust = make_organisation("Riverside Hospitals NHS Foundation Trust")
    council = make_organisation("Riverside City Council", type="local_authority")
    hospice = make_organisation("Saint Anne Hospice", type="hospice")
    assert [email_domain_of(o) for o in (trust, council, hospice)] == [
        "riverside-hospitals.nhs.uk", "riverside-city-council.gov.uk", "saint-anne-hospice.org.uk",
    ]  # fmt: skip
    for domain in map(email_domain_of, (trust, council, hospice)):
        assert email_domains.DOMAIN_PATTERN.match(domain)


def test_an_organisations_page_for_administrators_names_its_domains(http, admin, kept, riverside):
    sign_in_as(http, admin)
    page = http.get(f"/admin/organisations/{riverside.id}/edit").text
    assert "Addresses at riverside.nhs.uk place new members here." in page
