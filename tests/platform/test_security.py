"""Headers, cookies, CSRF, redirects, production settings and error pages."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import abort
from helpers import PASSWORD, make_test_config, quick_hashes, sign_in_as

import config as config_module
from community import create_app
from community.accounts.models import Role, User
from community.core.extensions import db as _db
from community.web.security import safe_next_url


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    quick_hashes(monkeypatch)


SIGN_IN = "/account/sign-in"
CSRF_REFUSAL = "The form may have expired"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def set_cookie(response, name: str):
    """The Set-Cookie morsel for `name` in a response, or None."""
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        if name in cookie:
            return cookie[name]
    return None


def sign_in_form(client, email: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, data={"email": email, "password": password, **extra})


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/", 200),
        ("get", SIGN_IN, 200),
        ("get", "/no-such-page", 404),
        ("get", "/people", 302),  # signed out: sent to sign in
        ("post", "/about", 405),
        ("get", "/healthz", 200),
    ],
)
def test_every_response_carries_the_security_headers(http, method, path, status):
    response = getattr(http, method)(path)
    assert response.status_code == status
    directives = csp_directives(response)
    script_src = directives["script-src"]
    assert "'self'" in script_src
    assert any(re.fullmatch(r"'nonce-[\w-]{20,}'", source) for source in script_src)
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_pages_inline_script_carries_this_responses_nonce(http):
    first, second = http.get("/about"), http.get("/about")
    for response in (first, second):
        nonce = next(s for s in csp_directives(response)["script-src"] if s.startswith("'nonce-"))
        inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
        assert inline_scripts, "the NHS.UK template has one inline script"
        assert all(f'nonce="{nonce[7:-1]}"' in tag for tag in inline_scripts)
    assert csp_directives(first)["script-src"] != csp_directives(second)["script-src"]


def test_pages_are_not_cached_but_assets_may_be(http):
    assert http.get("/about").headers["Cache-Control"] == "no-store"
    asset = http.get("/static/css/app.css")
    assert asset.status_code == 200
    assert "no-store" not in asset.headers.get("Cache-Control", "")


# ---------------------------------------------------------------- cookies


def test_session_cookie_is_http_only_and_same_site_lax_after_sign_in(http, member):
    response = sign_in_form(http, member.email)
    assert response.status_code == 302
    cookie = set_cookie(response, "ic_session")
    assert cookie is not None
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert set_cookie(response, "ic_remember") is None  # not asked to remember


def test_remember_cookie_is_http_only_same_site_lax_and_lasts_30_days(http, member):
    response = sign_in_form(http, member.email, remember="y")
    cookie = set_cookie(response, "ic_remember")
    assert cookie is not None
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    lasts = parsedate_to_datetime(cookie["expires"]) - datetime.now(UTC)
    assert timedelta(days=29) < lasts <= timedelta(days=30)


# ---------------------------------------------------------------- CSRF


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def assert_refused_for_missing_token(response):
    assert response.status_code == 400
    assert CSRF_REFUSAL in response.text


def test_with_csrf_on_a_form_carrying_its_token_still_works(csrf_on, http, member):
    page = http.get(SIGN_IN)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = sign_in_form(http, member.email, csrf_token=token)
    assert response.status_code == 302
    assert http.get("/account/settings").status_code == 200


def test_csrf_sign_in_without_token_is_refused(csrf_on, http, member):
    assert_refused_for_missing_token(sign_in_form(http, member.email))
    assert http.get("/account/settings").status_code == 302  # still signed out


def test_csrf_register_without_token_is_refused(csrf_on, http, organisation, db):
    response = http.post(
        "/account/register",
        data={
            "name": "Ria Shah", "username": "ria-shah", "email": "ria@nhs.example",
            "organisation": organisation.id, "password": PASSWORD, "password_confirm": PASSWORD,
        },
    )  # fmt: skip
    assert_refused_for_missing_token(response)
    assert db.session.scalar(sa.select(User).where(User.username == "ria-shah")) is None


def test_csrf_sign_out_without_token_is_refused(csrf_on, http, member):
    sign_in_as(http, member)
    assert_refused_for_missing_token(http.post("/account/sign-out"))
    assert http.get("/account/settings").status_code == 200  # still signed in


def test_csrf_profile_edit_without_token_is_refused(csrf_on, http, member, organisation):
    sign_in_as(http, member)
    response = http.post(
        "/account/settings/profile",
        data={"name": "Changed Name", "organisation": organisation.id, "bio": "", "other_tags": ""},
    )
    assert_refused_for_missing_token(response)
    assert _db.session.get(User, member.id).name == "Sam Patel"


def test_csrf_change_password_without_token_is_refused(csrf_on, http, member):
    sign_in_as(http, member)
    new = "an entirely new passphrase"
    response = http.post(
        "/account/settings/password",
        data={"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
    )
    assert_refused_for_missing_token(response)
    assert _db.session.get(User, member.id).check_password(PASSWORD)


def test_csrf_account_deletion_without_token_is_refused(csrf_on, http, member):
    sign_in_as(http, member)
    response = http.post("/account/settings/delete", data={"password": PASSWORD})
    assert_refused_for_missing_token(response)
    assert _db.session.get(User, member.id) is not None


def test_csrf_data_export_without_token_is_refused(csrf_on, http, member):
    sign_in_as(http, member)
    response = http.post("/account/settings/data/export")
    assert_refused_for_missing_token(response)
    assert "sam-patel@nhs.example" not in response.text


def test_csrf_admin_role_change_without_token_is_refused(csrf_on, http, admin, member):
    sign_in_as(http, admin)
    response = http.post(f"/admin/members/{member.id}", data={"role": Role.ADMIN})
    assert_refused_for_missing_token(response)
    assert _db.session.get(User, member.id).role == Role.MEMBER


# ---------------------------------------------------------------- where "next" may lead

HOSTILE_NEXT = [
    "//evil.example",
    "//evil.example/people",
    "https://evil.example",
    "http://evil.example/account/sign-in",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "http:/evil.example",
    "http:evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "evil.example",
    "///evil.example",
    "data:text/html,<script>alert(1)</script>",
]


def assert_stays_on_this_site(location: str) -> None:
    assert location.startswith("/")
    assert not location.startswith(("//", "/\\"))
    parts = urlsplit(location)
    assert (parts.scheme, parts.netloc) == ("", "")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_never_redirects_off_the_site(http, member, target):
    response = http.post(
        SIGN_IN, query_string={"next": target}, data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "raw_query", ["next=/%2F%2Fevil.example", "next=%2F%2Fevil.example", "next=/%5Cevil.example"]
)
def test_sign_in_with_an_encoded_next_stays_on_the_site(http, member, raw_query):
    response = http.post(
        f"{SIGN_IN}?{raw_query}", data={"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert_stays_on_this_site(response.headers["Location"])


def test_sign_in_with_a_literal_percent_encoded_next_stays_on_the_site(http, member):
    # The browser is sent to "/%2F%2Fevil.example" on this site: a page that is not found.
    response = http.post(
        SIGN_IN,
        query_string={"next": "/%2F%2Fevil.example"},
        data={"email": member.email, "password": PASSWORD},
    )
    assert_stays_on_this_site(response.headers["Location"])


def test_sign_in_honours_a_next_path_on_this_site(http, member):
    response = http.post(
        SIGN_IN,
        query_string={"next": "/people?q=sam"},
        data={"email": member.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/people?q=sam"


def test_a_signed_in_member_sent_to_sign_in_is_not_redirected_off_the_site(http, member):
    sign_in_as(http, member)
    response = http.get(SIGN_IN, query_string={"next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert http.get(SIGN_IN, query_string={"next": "/people"}).headers["Location"] == "/people"


def test_the_sign_in_prompt_remembers_the_page_asked_for(http, member):
    response = http.get("/systems")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/sign-in?next=%2Fsystems"
    follow = http.post(
        response.headers["Location"], data={"email": member.email, "password": PASSWORD}
    )
    assert follow.headers["Location"] == "/systems"


@pytest.mark.parametrize(
    "target", ["/people", "/people/sam-patel", "/organisations?system=1&type=gp_practice", "/"]
)
def test_safe_next_url_keeps_paths_on_this_site(target):
    assert safe_next_url(target) == target


@pytest.mark.parametrize("target", [None, "", *HOSTILE_NEXT, "/people\r\nSet-Cookie: x=1"])
def test_safe_next_url_refuses_everything_else(target):
    assert safe_next_url(target) is None


# ---------------------------------------------------------------- production settings

STRONG_KEY = secrets.token_urlsafe(36)  # 48 characters


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("SITE_URL", "https://improvement.example.org")
    return monkeypatch


def test_production_accepts_a_long_random_secret_key(production_env):
    assert len(STRONG_KEY) == 48
    config_module.ProductionConfig.validate()


def test_production_refuses_to_start_without_a_secret_key(production_env):
    production_env.delenv("SECRET_KEY")
    with pytest.raises(config_module.ConfigError, match="SECRET_KEY"):
        config_module.ProductionConfig.validate()


@pytest.mark.parametrize("weak", ["change-me", "CHANGE-ME", "dev", "secret", "", "   "])
def test_production_refuses_a_well_known_secret_key(production_env, weak):
    production_env.setenv("SECRET_KEY", weak)
    with pytest.raises(config_module.ConfigError, match="SECRET_KEY"):
        config_module.ProductionConfig.validate()


def test_production_refuses_a_short_secret_key(production_env):
    production_env.setenv("SECRET_KEY", secrets.token_hex(16)[:31])
    with pytest.raises(config_module.ConfigError, match="at least 32 characters"):
        config_module.ProductionConfig.validate()


@pytest.mark.parametrize("debug", ["1", "true", "yes"])
def test_production_refuses_debug_mode(production_env, debug):
    production_env.setenv("FLASK_DEBUG", debug)
    with pytest.raises(config_module.ConfigError, match="debug"):
        config_module.ProductionConfig.validate()


def test_create_app_refuses_production_with_a_weak_key(production_env):
    production_env.setenv("SECRET_KEY", "change-me")
    with pytest.raises(config_module.ConfigError):
        create_app(config_module.ProductionConfig)


def test_production_app_uses_the_key_from_the_environment_and_secure_cookies(production_env):
    app = create_app(config_module.ProductionConfig)
    try:
        assert app.config["SECRET_KEY"] == STRONG_KEY
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        assert app.debug is False
    finally:
        with app.app_context():
            _db.engine.dispose()


# ---------------------------------------------------------------- error pages


@pytest.fixture
def fragile_app(database_uri, db):
    """A production-like app (not TESTING) with routes that fail."""
    app = create_app(make_test_config(database_uri, TESTING=False))

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: password_hash=abc123")

    @app.route("/abort-500")
    def abort_500():
        abort(500)

    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize("path", ["/boom", "/abort-500"])
def test_a_crash_shows_our_500_page_without_a_traceback(fragile_app, path):
    response = fragile_app.test_client().get(path)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "Nothing you entered has been saved" in response.text
    assert "Improvement Commons" in response.text
    for leak in ("Traceback", "RuntimeError", "secret internals", "password_hash", 'File "'):
        assert leak not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_404_page_is_ours(http):
    response = http.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go to the home page" in response.text


def test_the_429_page_says_when_to_try_again(http, member):
    for _ in range(5):
        assert sign_in_form(http, member.email, "wrong password here").status_code == 200
    response = sign_in_form(http, member.email, "wrong password here")
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    minutes = re.search(r"You can try again in (\d+) minutes?\.", response.text)
    assert minutes is not None
    assert 1 <= int(minutes.group(1)) <= 15
    assert "reset your password" in response.text


def _any_url(rule) -> str:
    """The rule's path with a plausible value for each part (CSRF is checked first)."""
    values = {
        name: 1 if type(converter).__name__ == "IntegerConverter" else "x"
        for name, converter in rule._converters.items()
    }
    return rule.build(values)[1]


def test_every_route_that_accepts_a_post_refuses_one_without_a_token(app, csrf_on, http, member):
    """Found from the URL map, so a new form is covered the day it is added."""
    sign_in_as(http, member)
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    answers = {rule.endpoint: http.post(_any_url(rule), data={"x": "1"}) for rule in posts}

    wrong = {e: r.status_code for e, r in answers.items() if r.status_code != 400
             or CSRF_REFUSAL not in r.text}  # fmt: skip
    assert not wrong, wrong
    assert len(answers) >= 80


def test_every_route_answers_with_the_security_headers(app, http, member):
    """Every GET route in the URL map, whatever it answers (a page, a redirect, a 404)."""
    sign_in_as(http, member)
    gets = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    answers = {rule.endpoint: http.get(_any_url(rule)) for rule in gets}

    missing = {}
    for endpoint, response in answers.items():
        headers = response.headers
        checks = {
            "nosniff": headers.get("X-Content-Type-Options") == "nosniff",
            "frame": headers.get("X-Frame-Options") == "DENY",
            "referrer": headers.get("Referrer-Policy") == "strict-origin-when-cross-origin",
            "csp": "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""),
        }
        if failed := [name for name, ok in checks.items() if not ok]:
            missing[endpoint] = (response.status_code, failed)
    assert not missing, missing
    assert len(answers) >= 100
    assert {r.status_code for r in answers.values()} >= {200, 404}
