"""Sign in with NHSmail, against a real OpenID Connect provider on loopback
(tests/oidc_provider.py): no request leaves the machine."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, emails_to, error_summary, link_token, sign_in_as
from oidc_provider import CLIENT_ID, query_of, running_provider

from community.accounts import services as accounts
from community.accounts.models import SingleSignOnIdentity, User
from community.audit.models import AuditEvent
from community.directory import email_domains

# The provider (test-only) uses parts of Authlib that Authlib now calls deprecated.
pytestmark = pytest.mark.filterwarnings("ignore:.*deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def provider():
    # The provider serves plain http on loopback; Authlib refuses that unless told.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        with running_provider() as provider:
            yield provider
    finally:
        os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)


@pytest.fixture
def sso(app, db, provider, monkeypatch):
    for name, value in provider.config().items():
        monkeypatch.setitem(app.config, name, value)
    provider.tamper = None
    return provider


@pytest.fixture
def riverside_domains(db, admin, organisation):
    email_domains.add_domain(admin, "riverside.nhs.uk", organisation.id)
    email_domains.add_domain(admin, "nhs.net", email_domains.SHARED)


def go_to_provider(http):
    response = http.get("/account/sso/start")
    assert response.status_code == 302
    return response.headers["Location"]


def sign_in_at_provider(http, sso, sub: str, *, deny: bool = False, **claims):
    """Start at the button, answer the provider's consent page, come back: the response."""
    claims.setdefault("email_verified", True)
    sso.set_user(sub, **claims)
    back = sso.consent(go_to_provider(http), None if deny else sub)
    return http.get(back)


def failures() -> list[str]:
    return list(
        accounts.db.session.scalars(
            sa.select(AuditEvent.summary)
            .where(AuditEvent.action == "account.sso_failed")
            .order_by(AuditEvent.id)
        )
    )


def is_signed_in(http) -> bool:
    return http.get("/account/settings").status_code == 200


# ---------------------------------------------------------------- configuration


def test_unset_there_is_no_button_and_no_way_in(http, db):
    for page in ("/account/sign-in", "/account/register"):
        assert "Sign in with NHSmail" not in http.get(page).text
    assert http.get("/account/sso/start").status_code == 404
    assert http.get("/account/sso/callback?code=x&state=y").status_code == 404


def test_set_the_sign_in_and_register_pages_offer_the_button(http, sso):
    for page in ("/account/sign-in", "/account/register"):
        text = http.get(page).text
        assert 'href="/account/sso/start"' in text and ">Sign in with NHSmail</a>" in text


def test_the_way_to_the_provider_uses_pkce_state_and_nonce(http, sso):
    asked = query_of(go_to_provider(http))
    assert go_to_provider(http).startswith(sso.issuer + "/oauth2/authorize?")
    assert asked["client_id"] == CLIENT_ID
    assert asked["response_type"] == "code"
    assert asked["scope"] == "openid email profile"
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["state"] and asked["nonce"]
    assert asked["redirect_uri"].endswith("/account/sso/callback")


# ---------------------------------------------------------------- first sign-in


def test_a_first_sign_in_at_an_organisations_domain_asks_only_for_a_username(
    http, sso, riverside_domains, organisation
):
    response = sign_in_at_provider(
        http, sso, "sub-ria", email="Ria.Shah@riverside.nhs.uk", name="Ria Shah"
    )
    assert response.headers["Location"] == "/account/sso/new-account"
    page = http.get("/account/sso/new-account").text
    assert "ria.shah@riverside.nhs.uk (confirmed)" in page
    assert "Riverside Hospitals NHS Foundation Trust (from your email address)" in page
    assert 'name="organisation"' not in page
    assert 'value="ria-shah"' in page  # a username is suggested
    assert not accounts.db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.email == "ria.shah@riverside.nhs.uk"))  # fmt: skip

    response = http.post("/account/sso/new-account", data={"username": "ria-shah"})
    assert response.status_code == 302
    user = accounts.user_by_email("ria.shah@riverside.nhs.uk")
    assert (user.name, user.username, user.organisation) == ("Ria Shah", "ria-shah", organisation)
    assert user.is_confirmed and not user.has_password
    assert not user.check_password("")
    assert is_signed_in(http)
    settings = http.get("/account/settings").text
    assert "Linked to ria.shah@riverside.nhs.uk" in settings
    assert "Set a password" in settings and "Unlink" not in settings


def test_a_shared_domain_asks_which_organisation(http, sso, riverside_domains, make_organisation):
    hillside = make_organisation("Hillside Community Health")
    sign_in_at_provider(http, sso, "sub-nhs-net", email="jo.bloggs@nhs.net", name="Jo Bloggs")
    assert 'name="organisation"' in http.get("/account/sso/new-account").text
    response = http.post("/account/sso/new-account", data={"username": "jo-b", "organisation": 0})
    assert error_summary(response) == ["Select your organisation"]
    assert accounts.user_by_email("jo.bloggs@nhs.net") is None
    response = http.post(
        "/account/sso/new-account", data={"username": "jo-b", "organisation": hillside.id}
    )
    assert response.status_code == 302
    assert accounts.user_by_email("jo.bloggs@nhs.net").organisation == hillside


def test_a_taken_username_is_refused_next_to_the_field(http, sso, riverside_domains, member):
    sign_in_at_provider(http, sso, "sub-sam2", email="sam@riverside.nhs.uk", name="Sam Two")
    response = http.post("/account/sso/new-account", data={"username": member.username})
    assert error_summary(response) == ["That username is taken: choose another"]
    assert accounts.user_by_email("sam@riverside.nhs.uk") is None


def test_a_domain_not_on_the_allow_list_is_refused_saying_who_to_ask(
    http, sso, riverside_domains, app, monkeypatch
):
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", "help@commons.example")
    response = sign_in_at_provider(http, sso, "sub-gmail", email="kim@elsewhere.example")
    assert response.status_code == 400
    assert "ask the site administrators at help@commons.example" in response.text
    assert failures() == ["domain not allowed: kim@elsewhere.example"]
    assert http.get("/account/sso/new-account").status_code == 302  # nothing pending


def test_the_same_subject_later_signs_into_the_same_account(http, sso, make_client, organisation):
    sign_in_at_provider(http, sso, "sub-lee", email="lee@nhs.example", name="Lee Park")
    http.post("/account/sso/new-account", data={"username": "lee-park", "organisation": 0})
    assert accounts.user_by_email("lee@nhs.example") is None  # no organisation yet
    http.post(
        "/account/sso/new-account", data={"username": "lee-park", "organisation": organisation.id}
    )
    lee = accounts.user_by_email("lee@nhs.example")

    again = make_client()  # another device; the provider now gives a new address
    response = sign_in_at_provider(again, sso, "sub-lee", email="lee.park@nhs.example")
    assert response.headers["Location"] == "/"
    assert is_signed_in(again)
    assert accounts.db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert (
        accounts.db.session.scalar(
            sa.select(AuditEvent.actor_id).where(AuditEvent.action == "account.sso_signed_in")
        )
        == lee.id
    )


# ---------------------------------------------------------------- an existing account


def test_an_existing_account_is_never_linked_silently(http, sso, member):
    response = sign_in_at_provider(http, sso, "sub-sam", email=member.email, name="Sam Patel")
    assert response.headers["Location"] == "/account/sso/link"
    assert not is_signed_in(http)
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is None
    page = http.get("/account/sso/link").text
    assert "already uses sam-patel@nhs.example" in page

    response = http.post("/account/sso/link", data={"password": "not my password"})
    assert error_summary(response) == ["Your password is not correct"]
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is None
    assert not is_signed_in(http)


def test_the_password_once_links_the_account_and_then_the_provider_signs_in(
    http, sso, member, make_client
):
    sign_in_at_provider(http, sso, "sub-sam", email=member.email, name="Sam Patel")
    response = http.post("/account/sso/link", data={"password": PASSWORD})
    assert response.status_code == 302
    assert is_signed_in(http)
    (link,) = accounts.db.session.scalars(sa.select(SingleSignOnIdentity))
    assert (link.user_id, link.issuer, link.subject) == (member.id, sso.issuer, "sub-sam")

    later = make_client()
    assert sign_in_at_provider(later, sso, "sub-sam", email=member.email).headers["Location"] == "/"
    assert is_signed_in(later)


def test_an_emailed_link_links_the_account_instead(http, sso, member, make_client):
    sign_in_at_provider(http, sso, "sub-sam", email=member.email, name="Sam Patel")
    response = http.post("/account/sso/link", data={"by_email": "yes"})
    assert "We have sent a link to sam-patel@nhs.example" in response.text
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is None
    token = link_token(emails_to(member.email)[-1], "/account/sso/link/")

    inbox = make_client()
    assert "Link and sign in" in inbox.get(f"/account/sso/link/{token}").text
    assert inbox.post(f"/account/sso/link/{token}").status_code == 302
    assert is_signed_in(inbox)
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.user_id)) == member.id
    # Used once: the subject is linked now, so the link cannot link it again.
    assert inbox.post(f"/account/sso/link/{token}").status_code == 400


def test_a_signed_in_member_links_from_their_settings(http, sso, member):
    sign_in_as(http, member)
    response = sign_in_at_provider(http, sso, "sub-sam-work", email="sam@work.example")
    assert response.headers["Location"] == "/account/settings"
    assert "Linked to sam@work.example" in http.get("/account/settings").text


# ---------------------------------------------------------------- unlinking and signing out


@pytest.fixture
def linked_member(http, sso, member):
    sign_in_at_provider(http, sso, "sub-sam", email=member.email, name="Sam Patel")
    http.post("/account/sso/link", data={"password": PASSWORD})
    return member


def test_unlinking_asks_first_then_unlinks_and_is_audited(http, linked_member):
    assert "Unlink NHSmail?" in http.get("/account/settings/sso").text
    assert http.post("/account/settings/sso").status_code == 302
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is None
    assert "Not linked" in http.get("/account/settings").text
    assert (
        accounts.db.session.scalar(
            sa.select(AuditEvent.actor_id).where(AuditEvent.action == "account.sso_unlinked")
        )
        == linked_member.id
    )


def test_a_member_without_a_password_cannot_unlink(http, sso, riverside_domains):
    sign_in_at_provider(http, sso, "sub-ria", email="ria@riverside.nhs.uk", name="Ria Shah")
    http.post("/account/sso/new-account", data={"username": "ria-shah"})
    assert http.post("/account/settings/sso").status_code == 302
    assert "Set a password first" in http.get("/account/settings").text
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is not None


def test_signing_out_offers_the_providers_sign_out(http, linked_member, sso):
    response = http.post("/account/sign-out")
    assert response.status_code == 200
    assert "You have signed out of Improvement Commons" in response.text
    (end_session,) = re.findall(r'href="([^"]*/oauth2/end_session[^"]*)"', response.text)
    asked = query_of(end_session.replace("&amp;", "&"))
    assert end_session.startswith(sso.issuer + "/oauth2/end_session?")
    assert asked["client_id"] == CLIENT_ID
    assert asked["post_logout_redirect_uri"] == "http://127.0.0.1:5000/"
    assert not is_signed_in(http)


def test_signing_out_after_a_password_sign_in_is_as_before(http, sso, member):
    sign_in_as(http, member)
    response = http.post("/account/sign-out")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# ---------------------------------------------------------------- the provider's errors


def test_denied_consent_ends_on_a_clear_page(http, sso):
    response = sign_in_at_provider(http, sso, "sub-deny", deny=True, email="d@nhs.example")
    assert response.status_code == 400
    assert "You have not been signed in" in response.text
    assert "did not let us know who you are" in response.text
    assert failures() == ["consent denied"]


@pytest.mark.parametrize(
    ("tamper", "reason", "words"),
    [
        ("signature", "token not trusted: BadSignatureError", "could not be checked"),
        ("expired", "expired token", "had expired"),
        ("audience", "wrong audience", "not meant for Improvement Commons"),
        ("issuer", "wrong issuer", "not meant for Improvement Commons"),
    ],
)
def test_a_tampered_expired_or_misdirected_token_signs_nobody_in(
    http, sso, member, tamper, reason, words
):
    sso.tamper = tamper
    response = sign_in_at_provider(http, sso, f"sub-{tamper}", email=member.email)
    assert sso.issued, "the provider's token was not altered"
    assert response.status_code == 400
    assert words in response.text
    assert failures() == [reason]
    assert not is_signed_in(http)
    assert http.get("/account/sso/link").status_code == 302  # nothing pending either


def test_an_unverified_email_is_refused(http, sso, member):
    response = sign_in_at_provider(http, sso, "sub-unverified", email=member.email,
                                   email_verified=False)  # fmt: skip
    assert response.status_code == 400
    assert "has not verified the email address" in response.text
    assert failures() == [f"unverified email: {member.email}"]


def test_entra_ids_verified_domain_claim_counts_as_verified(http, sso, riverside_domains):
    sso.set_user("sub-entra", email="al@riverside.nhs.uk", name="Al Entra", xms_edov=True)
    response = http.get(sso.consent(go_to_provider(http), "sub-entra"))
    assert response.headers["Location"] == "/account/sso/new-account"


def test_a_state_from_another_browser_is_refused(http, sso, make_client):
    sso.set_user("sub-state", email="st@nhs.example", email_verified=True)
    back = sso.consent(go_to_provider(http), "sub-state")
    response = make_client().get(back)  # the answer arrives in a session that never asked
    assert response.status_code == 400
    assert "Start again" in response.text
    assert failures() == ["state expired or mismatched"]


def test_an_unreachable_provider_ends_on_a_clear_page(http, sso, app, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")  # nothing listens
    response = http.get("/account/sso/start")
    assert response.status_code == 400
    assert "could not be reached" in response.text
    assert failures()[0].startswith("provider unreachable")


def test_a_name_from_the_provider_is_only_ever_text(http, sso, organisation):
    from test_xss import PAYLOADS, executable_content

    name = " ".join(PAYLOADS[:3])
    sign_in_at_provider(http, sso, "sub-xss", email="x@nhs.example", name=name)
    pages = [http.get("/account/sso/new-account")]
    http.post(
        "/account/sso/new-account", data={"username": "x-s-s", "organisation": organisation.id}
    )
    assert accounts.user_by_email("x@nhs.example").name == name[:100]
    pages += [http.get("/account/settings"), http.get("/people/x-s-s")]
    assert [executable_content(page) for page in pages] == [[], [], []]


def test_the_link_is_in_the_members_data_and_goes_with_their_account(http, linked_member, sso):
    data = http.post("/account/settings/data/export").get_json()
    (link,) = data["profile"]["single_sign_on"]
    assert (link["provider"], link["email"]) == (sso.issuer, linked_member.email)

    response = http.post("/account/settings/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert accounts.db.session.scalar(sa.select(SingleSignOnIdentity.id)) is None
    # The same NHSmail account now finds no one: a new account would be made.
    again = sign_in_at_provider(http, sso, "sub-sam", email="sam-patel@nhs.example")
    assert again.headers["Location"] == "/account/sso/new-account"


def test_an_account_made_before_its_domain_was_refused_can_still_be_linked(
    http, sso, riverside_domains, make_user
):
    old_hand = make_user("old-hand", email="old.hand@legacy.example")
    response = sign_in_at_provider(http, sso, "sub-old", email=old_hand.email, name="Old Hand")
    assert response.headers["Location"] == "/account/sso/link"


def test_a_sign_in_left_too_long_at_the_provider_is_refused(http, sso):
    sso.set_user("sub-slow", email="slow@nhs.example", email_verified=True)
    authorize = go_to_provider(http)
    with http.session_transaction() as session:  # an hour and more passes
        for key, kept in session.items():
            if key.startswith("_state_"):
                session[key] = {**kept, "exp": kept["exp"] - 3700}
    response = http.get(sso.consent(authorize, "sub-slow"))
    assert response.status_code == 400
    assert "Signing in took too long" in response.text
    assert failures() == ["state expired or mismatched"]


def test_an_administrator_sees_how_a_member_signs_in(http, linked_member, admin, make_client):
    looking = make_client()
    sign_in_as(looking, admin)
    page = looking.get(f"/admin/members/{linked_member.id}").text
    assert "a password and single sign-on as sam-patel@nhs.example" in page


def test_a_member_without_a_password_is_told_how_to_delete_their_account(
    http, sso, riverside_domains
):
    sign_in_at_provider(http, sso, "sub-del", email="del@riverside.nhs.uk", name="Del Ete")
    http.post("/account/sso/new-account", data={"username": "del-ete"})
    assert "set a password</a> first" in http.get("/account/settings/delete").text


def test_a_username_taken_at_the_last_moment_is_refused_not_a_server_error(
    http, sso, riverside_domains, member, monkeypatch
):
    from community.accounts import single_sign_on

    sign_in_at_provider(http, sso, "sub-race", email="race@riverside.nhs.uk", name="Ray Ce")
    monkeypatch.setattr(single_sign_on, "check_username", lambda username: username)
    response = http.post("/account/sso/new-account", data={"username": member.username})
    assert error_summary(response) == ["That username is taken: choose another"]
    assert accounts.user_by_email("race@riverside.nhs.uk") is None
