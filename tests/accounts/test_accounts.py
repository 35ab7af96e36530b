"""Accounts: registering, confirming, signing in, passwords, email changes and profiles."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import (
    PASSWORD,
    clock_turned_back,
    emails_to,
    error_summary,
    link_token,
    outbox_count,
    reload,
    sign_in_as,
)

from community.accounts import services, tokens
from community.accounts.models import ExpertiseTag, User
from community.accounts.passwords import password_problem
from community.audit.models import AuditEvent
from community.core.errors import RuleViolation
from community.core.markdown import RENDER_VERSION

pytestmark = pytest.mark.usefixtures("cheap_password_hashes")


NEW_PASSWORD = "a different sturdy passphrase"
INVALID_LINK = "This link has expired or is not valid"


def text(response) -> str:
    return html.unescape(response.text)


def user_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post("/account/sign-in", data={"email": email, "password": password, **extra})


@pytest.fixture
def registration(organisation):
    def data(**overrides) -> dict:
        return {
            "name": "Ria Shah",
            "username": "ria-shah",
            "email": "Ria.Shah@NHS.example",
            "organisation": organisation.id,
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            **overrides,
        }

    return data


# ---------------------------------------------------------------- registering


def test_registering_makes_the_account_signs_in_and_emails_a_confirmation_link(
    http, db, registration, organisation
):
    response = http.post("/account/register", data=registration())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/settings"

    user = services.user_by_email("ria.shah@nhs.example")
    assert user is not None
    assert (user.name, user.username, user.organisation_id) == (
        "Ria Shah",
        "ria-shah",
        organisation.id,
    )
    assert user.check_password(PASSWORD)
    assert not user.is_confirmed

    (email,) = emails_to("ria.shah@nhs.example")
    assert email.subject == "Confirm your email address for Improvement Commons"
    assert "Hello Ria Shah" in email.body_text
    assert link_token(email, "/account/confirm/")
    assert audit_actions(db) == ["account.registered"]

    settings = http.get("/account/settings")
    assert settings.status_code == 200
    assert "Your email address is not confirmed yet" in settings.text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "sam-patel"}, "That username is taken: choose another"),
        ({"username": "SAM-PATEL"}, "That username is taken: choose another"),
        ({"username": "admin"}, "That username is taken: choose another"),
        ({"username": "1ria"}, "Username must be 3 to 30 characters"),
        ({"username": "ri"}, "Username must be 3 to 30 characters"),
        ({"username": "ria shah"}, "Username must be 3 to 30 characters"),
        ({"email": "SAM-PATEL@nhs.example"}, "An account already uses this email address"),
        ({"email": "not-an-address"}, "Enter an email address in the correct format"),
        (
            {"password": "elevenchars", "password_confirm": "elevenchars"},
            "Password must be 12 characters or more",
        ),
        (
            {"password": "x" * 129, "password_confirm": "x" * 129},
            "Password must be 128 characters or fewer",
        ),
        (
            {"password": "password1234", "password_confirm": "password1234"},
            "Password is too common and easy to guess",
        ),
        ({"password_confirm": "something else entirely"}, "The passwords do not match"),
        ({"organisation": 0}, "Select your organisation"),
        ({"organisation": 987654}, "Not a valid choice"),
        ({"name": "   "}, "Enter your full name"),
    ],
)
def test_a_refused_registration_says_why_and_saves_nothing(
    http, db, member, registration, overrides, message
):
    users_before, emails_before = user_count(db), outbox_count()
    response = http.post("/account/register", data=registration(**overrides))
    assert response.status_code == 200
    assert any(item.startswith(message) for item in error_summary(response)), error_summary(
        response
    )
    assert user_count(db) == users_before
    assert outbox_count() == emails_before
    assert audit_actions(db) == []
    assert http.get("/account/settings").status_code == 302  # not signed in


def test_every_problem_with_a_registration_is_shown_at_once(http, db, member, registration):
    users_before = user_count(db)
    response = http.post(
        "/account/register",
        data=registration(name="", username="sam-patel", email="SAM-PATEL@nhs.example",
                          password_confirm="something else entirely"),
    )  # fmt: skip
    assert response.status_code == 200
    # The form's own checks (no name, passwords that differ) and the service's (a
    # username taken, an email address in use) in one submit.
    listed = error_summary(response)
    for message in (
        "Enter your full name",
        "That username is taken: choose another",
        "An account already uses this email address",
        "The passwords do not match",
    ):
        assert any(item.startswith(message) for item in listed), listed
    assert user_count(db) == users_before


@pytest.mark.parametrize("organisation_id", [None, 0, 987654])
def test_register_service_requires_a_real_organisation(db, organisation_id):
    with pytest.raises(RuleViolation, match="Select your organisation") as refusal:
        services.register(
            name="Ria Shah", username="ria-shah", email="ria@nhs.example", password=PASSWORD,
            organisation_id=organisation_id,
        )  # fmt: skip
    assert refusal.value.field == "organisation"
    db.session.rollback()
    assert user_count(db) == 0
    assert outbox_count() == 0


def test_register_service_queues_the_email_in_the_same_transaction(db, organisation):
    user = services.register(
        name=" Ria Shah ", username="@Ria-Shah", email=" RIA@nhs.example ", password=PASSWORD,
        organisation_id=organisation.id,
    )  # fmt: skip
    assert (user.name, user.username, user.email) == ("Ria Shah", "ria-shah", "ria@nhs.example")
    (email,) = emails_to("ria@nhs.example")
    assert "http://127.0.0.1:5000/account/confirm/" in email.body_text


@pytest.mark.parametrize(
    ("username", "stored"),
    [
        ("sam", "sam"),
        ("Sam-Patel_2", "sam-patel_2"),
        ("@jo-bloggs", "jo-bloggs"),
        ("a" * 30, "a" * 30),
    ],
)
def test_usernames_that_are_allowed(db, username, stored):
    assert services.check_username(username) == stored


@pytest.mark.parametrize(
    "username",
    [
        "",
        "ab",
        "a" * 31,
        "1sam",
        "-sam",
        "_sam",
        "sam patel",
        "sam.patel",
        "sämi",
        "sam@x",
        "sam/x",
    ],
)
def test_usernames_that_break_the_rules(db, username):
    with pytest.raises(RuleViolation, match="Username must be 3 to 30 characters"):
        services.check_username(username)


@pytest.mark.parametrize("username", ["admin", "Support", "people", "settings", "sam-patel"])
def test_usernames_that_are_reserved_or_taken(member, username):
    with pytest.raises(RuleViolation, match="That username is taken"):
        services.check_username(username)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("x" * 11, "Password must be 12 characters or more"),
        ("x" * 129, "Password must be 128 characters or fewer"),
        ("password1234", "Password is too common"),
        ("PassWord1234", "Password is too common"),
        ("x" * 12, None),
        ("x" * 128, None),
        ("kettle orbit lantern", None),
    ],
)
def test_the_password_rule(password, problem):
    found = password_problem(password)
    assert (found is None) if problem is None else found.startswith(problem)


# ---------------------------------------------------------------- the email domain allow-list


@pytest.fixture
def nhs_net_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOWED_EMAIL_DOMAINS", frozenset({"nhs.net"}))


def test_allow_list_refuses_other_domains_with_a_clear_message(
    nhs_net_only, http, db, registration
):
    response = http.post("/account/register", data=registration(email="ria@gmail.com"))
    assert error_summary(response) == [
        "Use your work email address. Addresses at gmail.com cannot be used here yet: ask the "
        "site administrators to add your organisation's email domain"
    ]
    assert user_count(db) == 0
    assert outbox_count() == 0


@pytest.mark.parametrize("email", ["ria@nhs.net", "ria@NHS.NET", "ria@trust.nhs.net"])
def test_allow_list_accepts_the_domain_and_its_subdomains(nhs_net_only, http, registration, email):
    response = http.post("/account/register", data=registration(email=email))
    assert response.status_code == 302
    assert services.user_by_email(email) is not None


@pytest.mark.parametrize(
    "email", ["ria@evilnhs.net", "ria@nhs.net.evil.example", "ria@nhs.network", "nhs.net@gmail.com"]
)
def test_allow_list_is_not_fooled_by_lookalike_domains(nhs_net_only, db, email):
    assert services.email_domain_allowed(services.normalise_email(email)) is False


# ---------------------------------------------------------------- confirming the address


@pytest.fixture
def registered(http, registration):
    """Ria, registered and signed in through the form, with her confirmation email."""
    assert http.post("/account/register", data=registration()).status_code == 302
    user = services.user_by_email("ria.shah@nhs.example")
    (email,) = emails_to(user.email)
    return user, link_token(email, "/account/confirm/")


def test_opening_the_link_asks_before_confirming(http, registered):
    user, token = registered
    page = http.get(f"/account/confirm/{token}")
    assert page.status_code == 200
    assert "<form" in page.text
    assert not reload(user).is_confirmed  # a mail scanner following the link changes nothing


def test_the_confirmation_link_confirms_the_address(http, db, registered):
    user, token = registered
    response = http.post(f"/account/confirm/{token}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/settings"
    assert reload(user).is_confirmed
    assert "account.email_confirmed" in audit_actions(db)
    settings = http.get("/account/settings")
    assert "Your email address is confirmed" in settings.text
    assert "not confirmed" not in settings.text


def test_the_confirmation_link_works_signed_out_too(make_client, registered):
    user, token = registered
    response = make_client().post(f"/account/confirm/{token}")
    assert response.headers["Location"] == "/account/sign-in"
    assert reload(user).is_confirmed


def test_a_confirmation_link_older_than_48_hours_is_refused(http, registered):
    user, _ = registered
    payload = {"u": user.id, "e": user.email}
    with clock_turned_back(timedelta(hours=49)):
        old = tokens.make_token(tokens.CONFIRM_EMAIL, payload)
    with clock_turned_back(timedelta(hours=47)):
        recent = tokens.make_token(tokens.CONFIRM_EMAIL, payload)

    refused = http.post(f"/account/confirm/{old}")
    assert refused.status_code == 400
    assert INVALID_LINK in refused.text
    assert not reload(user).is_confirmed

    assert http.post(f"/account/confirm/{recent}").status_code == 302
    assert reload(user).is_confirmed


def test_a_tiny_token_lifetime_expires_links(app, monkeypatch, http, registered):
    user, token = registered
    monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", timedelta(seconds=1))
    with clock_turned_back(timedelta(seconds=5)):
        token = tokens.make_token(tokens.CONFIRM_EMAIL, {"u": user.id, "e": user.email})
    assert http.post(f"/account/confirm/{token}").status_code == 400
    assert not reload(user).is_confirmed


def test_a_tampered_confirmation_link_is_refused(http, registered):
    user, token = registered
    payload, _, signature = token.rpartition(".")
    tampered = f"{payload}.{signature[:-2]}{'AB' if signature[-2:] != 'AB' else 'CD'}"
    response = http.post(f"/account/confirm/{tampered}")
    assert response.status_code == 400
    assert INVALID_LINK in response.text
    assert not reload(user).is_confirmed


def test_a_token_for_another_purpose_does_not_confirm(http, registered):
    user, _ = registered
    for purpose in (tokens.RESET_PASSWORD, tokens.CHANGE_EMAIL):
        wrong = tokens.make_token(purpose, {"u": user.id, "e": user.email})
        assert http.post(f"/account/confirm/{wrong}").status_code == 400
    assert not reload(user).is_confirmed


def test_a_confirmation_link_for_a_previous_address_is_refused(db, unconfirmed):
    token = tokens.make_token(tokens.CONFIRM_EMAIL, {"u": unconfirmed.id, "e": "old@nhs.example"})
    with pytest.raises(RuleViolation, match=INVALID_LINK):
        services.confirm_email(token)


def test_an_unconfirmed_member_can_sign_in_and_ask_for_the_link_again(http, unconfirmed):
    response = sign_in(http, unconfirmed.email)
    assert response.status_code == 302
    settings = http.get("/account/settings")
    assert "Your email address is not confirmed yet" in settings.text
    assert http.post("/account/confirm/resend").status_code == 302
    (email,) = emails_to(unconfirmed.email)
    assert email.subject == "Confirm your email address for Improvement Commons"


# ---------------------------------------------------------------- signing in and out


def test_signing_in_with_a_wrong_password_says_so_without_saying_which(http, member):
    response = sign_in(http, member.email, "not the right one")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in error_summary(response)
    unknown = sign_in(http, "nobody@nhs.example", "not the right one")
    assert error_summary(unknown) == error_summary(response)
    assert http.get("/account/settings").status_code == 302


def test_signing_in_starts_a_new_session(http, member):
    with http.session_transaction() as session:
        session["planted_before_sign_in"] = "attacker's value"
    sign_in(http, member.email.upper())
    with http.session_transaction() as session:
        assert "planted_before_sign_in" not in session
        assert session["_user_id"] == f"{member.id}.{member.session_token}"


def test_signing_out_ends_the_session(http, member):
    sign_in_as(http, member)
    response = http.post("/account/sign-out")
    assert response.headers["Location"] == "/"
    assert http.get("/account/settings").status_code == 302


# ---------------------------------------------------------------- rate limits


def test_failed_sign_ins_for_one_account_are_limited_whatever_the_address(
    http, make_client, make_user, member
):
    for n in range(5):
        response = sign_in(http, member.email, f"guess number {n}")
        assert response.status_code == 200
    # The limit is on the account: a sixth guess from elsewhere is refused, right or wrong.
    for password in ("guess number 6", PASSWORD):
        response = http.post(
            "/account/sign-in",
            data={"email": member.email.upper(), "password": password},
            environ_base={"REMOTE_ADDR": "203.0.113.99"},
        )
        assert response.status_code == 429
        assert "try again in" in response.text
    assert http.get("/account/settings").status_code == 302
    # Other accounts are not locked by it.
    colleague = make_user("colleague")
    assert sign_in(make_client(), colleague.email).status_code == 302


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(app, monkeypatch, http):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ADDRESS", "3 per 15 minutes")
    attacker = {"REMOTE_ADDR": "198.51.100.7"}
    for n in range(3):
        response = http.post(
            "/account/sign-in",
            data={"email": f"person-{n}@nhs.example", "password": "a guessed password"},
            environ_base=attacker,
        )
        assert response.status_code == 200
    response = http.post(
        "/account/sign-in",
        data={"email": "person-4@nhs.example", "password": "a guessed password"},
        environ_base=attacker,
    )
    assert response.status_code == 429
    assert "try again in" in response.text
    elsewhere = http.post(
        "/account/sign-in",
        data={"email": "person-4@nhs.example", "password": "a guessed password"},
        environ_base={"REMOTE_ADDR": "192.0.2.1"},
    )
    assert elsewhere.status_code == 200


def test_successful_sign_ins_do_not_count_towards_the_limit(app, monkeypatch, make_client, member):
    monkeypatch.setitem(app.config, "SIGN_IN_LIMIT_PER_ACCOUNT", "2 per 15 minutes")
    assert sign_in(make_client(), member.email, "wrong guess").status_code == 200
    for _ in range(3):
        assert sign_in(make_client(), member.email).status_code == 302
    assert sign_in(make_client(), member.email, "wrong guess").status_code == 200
    assert sign_in(make_client(), member.email, "wrong guess").status_code == 429


# ---------------------------------------------------------------- resetting a forgotten password


def _without_nonce(page: str) -> str:
    return re.sub(r"nonce=\"[^\"]+\"", "", page)


def test_asking_for_a_reset_looks_the_same_whether_or_not_the_address_has_an_account(http, member):
    known = http.post("/account/reset", data={"email": member.email})
    unknown = http.post("/account/reset", data={"email": "nobody@nhs.example"})
    assert known.status_code == unknown.status_code == 200
    assert "Check your email" in known.text
    assert _without_nonce(known.text).replace(member.email, "ADDRESS") == _without_nonce(
        unknown.text
    ).replace("nobody@nhs.example", "ADDRESS")
    assert len(emails_to(member.email)) == 1
    assert emails_to("nobody@nhs.example") == []


def test_a_reset_link_works_once_and_signs_out_other_devices(http, make_client, member):
    other_device = make_client()
    sign_in_as(other_device, member)
    http.post("/account/reset", data={"email": member.email})
    (email,) = emails_to(member.email)
    assert email.subject == "Reset your Improvement Commons password"
    token = link_token(email, "/account/reset/")

    assert http.get(f"/account/reset/{token}").status_code == 200
    data = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    response = http.post(f"/account/reset/{token}", data=data)
    assert response.status_code == 302
    assert http.get("/account/settings").status_code == 200  # signed in with the new password
    assert reload(member).check_password(NEW_PASSWORD)
    assert other_device.get("/account/settings").status_code == 302

    again = http.post(f"/account/reset/{token}", data=data)
    assert again.status_code == 400
    assert INVALID_LINK in again.text
    assert make_client().get(f"/account/reset/{token}").status_code == 400


def test_a_reset_link_expires_after_2_hours(http, member):
    payload = {"u": member.id, "h": member.password_hash[-16:]}
    with clock_turned_back(timedelta(hours=2, minutes=1)):
        token = tokens.make_token(tokens.RESET_PASSWORD, payload)
    response = http.get(f"/account/reset/{token}")
    assert response.status_code == 400
    assert INVALID_LINK in response.text
    data = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert http.post(f"/account/reset/{token}", data=data).status_code == 400
    assert reload(member).check_password(PASSWORD)


def test_a_reset_still_applies_the_password_rule(http, member):
    http.post("/account/reset", data={"email": member.email})
    token = link_token(emails_to(member.email)[0], "/account/reset/")
    response = http.post(
        f"/account/reset/{token}",
        data={"password": "password1234", "password_confirm": "password1234"},
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "Password is too common and easy to guess: choose a different one"
    ]


# ---------------------------------------------------------------- changing the password


def change_password(client, current: str, new: str = NEW_PASSWORD):
    return client.post(
        "/account/settings/password",
        data={"current_password": current, "new_password": new, "new_password_confirm": new},
    )


def test_changing_the_password_needs_the_current_one(http, member):
    sign_in_as(http, member)
    response = change_password(http, "not my password at all")
    assert response.status_code == 200
    assert error_summary(response) == ["Your current password is not correct"]
    assert reload(member).check_password(PASSWORD)
    assert emails_to(member.email) == []


def test_changing_the_password_applies_the_password_rule(http, member):
    sign_in_as(http, member)
    response = change_password(http, PASSWORD, "too short")
    assert error_summary(response) == ["Password must be 12 characters or more"]
    assert reload(member).check_password(PASSWORD)


def test_every_problem_with_a_new_password_is_shown_at_once(http, member):
    sign_in_as(http, member)
    response = change_password(http, "not my password at all", "too short")
    # The form's own check (the password rule) and the service's (the current password
    # is wrong) in one submit.
    assert sorted(error_summary(response)) == [
        "Password must be 12 characters or more",
        "Your current password is not correct",
    ]
    assert reload(member).check_password(PASSWORD)
    assert emails_to(member.email) == []


def test_changing_the_password_ends_every_other_session_but_this_one(http, make_client, member):
    other_device = make_client()
    assert sign_in(other_device, member.email).status_code == 302
    remembered = make_client()
    assert sign_in(remembered, member.email, remember="y").status_code == 302
    remember_cookie = remembered.get_cookie("ic_remember")
    assert remember_cookie is not None

    def only_remember_me():
        client = make_client()
        client.set_cookie("ic_remember", remember_cookie.value)
        return client

    # Before the change the remember-me cookie alone signs a browser in.
    assert only_remember_me().get("/account/settings").status_code == 200

    sign_in(http, member.email)
    response = change_password(http, PASSWORD)
    assert response.status_code == 302
    assert "Other devices have been signed out" in http.get("/account/settings").text

    assert http.get("/account/settings").status_code == 200
    assert other_device.get("/account/settings").status_code == 302
    assert only_remember_me().get("/account/settings").status_code == 302

    (notice,) = emails_to(member.email)
    assert notice.subject == "Your Improvement Commons password was changed"
    assert sign_in(make_client(), member.email, NEW_PASSWORD).status_code == 302


# ---------------------------------------------------------------- changing the email address


def change_email(client, new_email: str, current: str = PASSWORD):
    return client.post(
        "/account/settings/email", data={"new_email": new_email, "current_password": current}
    )


def test_changing_the_email_needs_the_current_password(http, member):
    sign_in_as(http, member)
    response = change_email(http, "sam.new@nhs.example", "not my password")
    assert error_summary(response) == ["Your current password is not correct"]
    assert outbox_count() == 0


def test_every_problem_with_a_new_email_address_is_shown_at_once(http, member, make_user):
    make_user("taken", email="taken@nhs.example")
    sign_in_as(http, member)
    response = change_email(http, "TAKEN@nhs.example", "not my password")
    assert sorted(error_summary(response)) == [
        "An account already uses this email address. Sign in, or reset your password",
        "Your current password is not correct",
    ]
    assert outbox_count() == 0


def test_changing_the_email_to_one_in_use_is_refused(http, member, make_user):
    make_user("taken", email="taken@nhs.example")
    sign_in_as(http, member)
    response = change_email(http, "TAKEN@nhs.example")
    assert error_summary(response) == [
        "An account already uses this email address. Sign in, or reset your password"
    ]
    assert outbox_count() == 0


def test_changing_the_email_respects_the_allow_list(nhs_net_only, http, member):
    sign_in_as(http, member)
    response = change_email(http, "sam@gmail.com")
    assert error_summary(response) == [
        "Use your work email address. Addresses at gmail.com cannot be used here yet: ask the "
        "site administrators to add your organisation's email domain"
    ]


def test_the_email_changes_only_when_the_new_address_is_confirmed(http, make_client, member):
    old_address = member.email
    sign_in_as(http, member)
    response = change_email(http, "Sam.New@nhs.example")
    assert response.status_code == 302
    assert "Your address changes when you open it" in text(http.get("/account/settings"))
    assert reload(member).email == old_address

    (notice,) = emails_to(old_address)
    assert notice.subject == "Your Improvement Commons email address is changing"
    (confirmation,) = emails_to("sam.new@nhs.example")
    token = link_token(confirmation, "/account/email/")

    assert http.get(f"/account/email/{token}").status_code == 200
    assert reload(member).email == old_address
    assert http.post(f"/account/email/{token}").headers["Location"] == "/account/settings"
    assert reload(member).email == "sam.new@nhs.example"
    assert sign_in(make_client(), "sam.new@nhs.example").status_code == 302
    assert sign_in(make_client(), old_address).status_code == 200


def test_a_change_email_link_cannot_confirm_a_registration(http, unconfirmed):
    token = tokens.make_token(tokens.CHANGE_EMAIL, {"u": unconfirmed.id, "e": unconfirmed.email})
    assert http.post(f"/account/confirm/{token}").status_code == 400
    assert not reload(unconfirmed).is_confirmed


# ---------------------------------------------------------------- the profile


@pytest.fixture
def profile_data(make_organisation, vocabulary):
    new_home = make_organisation("Fenbridge Road Surgery", type="gp_practice")
    by_name = {tag.name: tag for tag in vocabulary}

    def data(**overrides) -> dict:
        return {
            "name": "Samira Patel",
            "job_title": "Improvement advisor",
            "organisation": new_home.id,
            "bio": "I run **PDSA** cycles.\n\n<script>alert(1)</script>\n\n"
            "[notes](javascript:alert(1)) and [QSIR](https://example.org/qsir)",
            "tags": [by_name["Lean"].id, by_name["Frailty"].id],
            "other_tags": "frailty huddles, Frailty  Huddles, virtual wards, , Lean",
            **overrides,
        }

    return new_home, data


def test_editing_the_profile_saves_it_and_shows_it_on_the_profile_page(
    http, db, member, profile_data
):
    new_home, data = profile_data
    sign_in_as(http, member)
    response = http.post("/account/settings/profile", data=data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/people/sam-patel"

    saved = reload(member)
    assert (saved.name, saved.job_title, saved.organisation_id) == (
        "Samira Patel",
        "Improvement advisor",
        new_home.id,
    )
    assert sorted(tag.name for tag in saved.expertise) == [
        "Frailty",
        "Lean",
        "Virtual wards",
        "frailty huddles",
    ]
    assert saved.bio_render_version == RENDER_VERSION
    huddles = db.session.scalars(
        sa.select(ExpertiseTag).where(ExpertiseTag.slug == "frailty-huddles")
    )
    assert len(list(huddles)) == 1

    page = http.get("/people/sam-patel")
    assert page.status_code == 200
    for shown in (
        "Samira Patel",
        "Improvement advisor",
        "Fenbridge Road Surgery",
        "frailty huddles",
    ):
        assert shown in page.text
    assert "I run <strong>PDSA</strong> cycles." in page.text
    assert '<a href="https://example.org/qsir" rel="nofollow noopener">QSIR</a>' in page.text
    assert "alert(1)" not in page.text
    assert "javascript:" not in page.text.lower()


def test_the_profile_form_shows_what_was_saved(http, member, profile_data):
    _, data = profile_data
    sign_in_as(http, member)
    http.post("/account/settings/profile", data=data())
    form = text(http.get("/account/settings/profile"))
    assert 'value="Improvement advisor"' in form
    assert "I run **PDSA** cycles." in form
    assert 'value="frailty huddles"' in form  # free tags, not the vocabulary, in the text box


@pytest.mark.parametrize(
    ("other_tags", "message"),
    [
        (", ".join(f"topic {n}" for n in range(11)), "Add 10 other areas of expertise or fewer"),
        ("x" * 41, "Each area of expertise must be 40 characters or fewer"),
        ("!!!", "Each area of expertise must be 40 characters or fewer"),
    ],
)
def test_too_many_or_too_long_free_tags_are_refused_and_nothing_saved(
    http, member, profile_data, other_tags, message
):
    _, data = profile_data
    sign_in_as(http, member)
    response = http.post("/account/settings/profile", data=data(other_tags=other_tags))
    assert response.status_code == 200
    assert error_summary(response)[0].startswith(message)
    saved = reload(member)
    assert (saved.name, saved.expertise) == ("Sam Patel", [])


def test_every_problem_with_a_profile_is_shown_at_once(http, member, profile_data):
    _, data = profile_data
    sign_in_as(http, member)
    response = http.post(
        "/account/settings/profile", data=data(name="", bio="x" * 5001, other_tags="!!!")
    )
    assert response.status_code == 200
    # The form's own checks (no name, too much about you) and the service's (an area
    # of expertise with no letters) in one submit.
    listed = error_summary(response)
    for message in (
        "Enter your full name",
        "About you must be 5,000 characters or fewer",
        "Each area of expertise must be 40 characters or fewer",
    ):
        assert any(item.startswith(message) for item in listed), listed
    assert reload(member).name == "Sam Patel"


def test_a_profile_needs_a_name(http, member, profile_data):
    _, data = profile_data
    sign_in_as(http, member)
    response = http.post("/account/settings/profile", data=data(name="   "))
    assert error_summary(response) == ["Enter your full name"]
    assert reload(member).name == "Sam Patel"


def test_ten_free_tags_are_allowed_and_duplicates_do_not_count():
    names = services.parse_free_tags(", ".join([f"topic {n}" for n in range(10)] + ["TOPIC 1"]))
    assert names == [f"topic {n}" for n in range(10)]


def test_update_profile_service_reuses_tags_by_slug(db, member, organisation, vocabulary):
    services.update_profile(
        member, name="Sam Patel", job_title="", organisation_id=organisation.id, bio="",
        tag_ids=[], other_tags="lean, Virtual-Wards, new idea",
    )  # fmt: skip
    assert sorted((tag.name, tag.kind) for tag in reload(member).expertise) == [
        ("Lean", "approach"),
        ("Virtual wards", "topic"),
        ("new idea", "free"),
    ]
