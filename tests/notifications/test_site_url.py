"""Every emailed link starts with the one configured SITE_URL, whatever host a request used."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest
from factories import client_as, first_post, make_community, make_thread
from helpers import emails_to

import config as config_module
from community import create_app
from community.accounts import services as accounts
from community.core.extensions import db as _db
from community.notifications.models import EmailFrequency
from community.web.urls import external_url

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://improvement.example.org/commons"


@pytest.fixture
def public_site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", PUBLIC)
    return PUBLIC


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def test_a_confirmation_email_asked_for_on_another_host_links_to_the_site_url(public_site, member):
    client_as().post(
        "/account/reset", data={"email": member.email}, headers={"Host": "10.0.0.12:8000"}
    )

    [email] = emails_to(member)
    [link] = links_in(email.body_text)
    assert link.startswith(f"{PUBLIC}/account/reset/")
    assert "10.0.0.12" not in email.body_text


def test_a_reply_notification_written_in_a_request_links_to_the_site_url(public_site, make_user):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    ash = make_user("ash-author", name="Ash Author", email_notifications=EmailFrequency.IMMEDIATE)
    mo = make_user("mo-member", name="Mo Member")
    lounge = make_community(fay, "Discharge Lounge", members=[ash, mo])
    thread = make_thread(ash, lounge, "Weekend discharges")

    posted = client_as(mo).post(
        f"/communities/{lounge.slug}/threads/{thread.id}/reply",
        data={"body": "We staff it on Saturdays.", "reply_to": first_post(thread).id},
    )  # to http://localhost/, the test client's host

    assert posted.status_code == 302
    [email] = emails_to(ash)
    assert all(link.startswith(PUBLIC + "/") for link in links_in(email.body_text))
    assert f"{PUBLIC}/posts/" in email.body_text
    assert "localhost" not in email.body_text


def test_an_email_written_outside_a_request_links_to_the_site_url(public_site, organisation):
    accounts.register(
        name="Ria Shah", username="ria-shah", email="ria@nhs.example",
        password="correct horse battery staple", organisation_id=organisation.id,
    )  # fmt: skip

    [email] = emails_to("ria@nhs.example")
    assert f"{PUBLIC}/account/confirm/" in email.body_text


def test_without_a_site_url_development_links_to_the_default_address(db, app):
    assert app.config["SITE_URL"] == ""
    assert external_url("notifications.settings") == (
        "http://127.0.0.1:5000/account/settings/notifications"
    )


def test_the_printed_method_names_its_address_under_the_site_url(public_site, make_user):
    from factories import publish_method

    author = make_user("mia-author")
    method = publish_method(author, "Weekend discharge huddle")

    page = client_as(author).get(f"/methods/{method.id}-{method.slug}/print")

    assert f"From Improvement Commons: {PUBLIC}/methods/{method.id}-" in page.get_data(as_text=True)


# ---------------------------------------------------------------- production


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(36))
    monkeypatch.setenv("SITE_URL", "https://improvement.example.org/")
    return monkeypatch


def test_production_refuses_to_start_without_a_site_url(production_env):
    production_env.delenv("SITE_URL")
    with pytest.raises(config_module.ConfigError, match="set the SITE_URL environment variable"):
        create_app(config_module.ProductionConfig)


@pytest.mark.parametrize("wrong", ["", "   ", "improvement.example.org", "ftp://files.example"])
def test_production_refuses_a_site_url_that_is_not_a_web_address(production_env, wrong):
    production_env.setenv("SITE_URL", wrong)
    with pytest.raises(config_module.ConfigError, match="SITE_URL"):
        config_module.ProductionConfig.validate()


def test_production_links_start_with_the_site_url_from_the_environment(production_env):
    app = create_app(config_module.ProductionConfig)
    try:
        with app.app_context():
            assert app.config["SITE_URL"] == "https://improvement.example.org"
            assert external_url("accounts.request_reset") == (
                "https://improvement.example.org/account/reset"
            )
    finally:
        with app.app_context():
            _db.engine.dispose()


# ---------------------------------------------------------------- make run


def make_dry_run(target: str, **variables: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if "SITE_URL" in variables:
        environment["SITE_URL"] = variables.pop("SITE_URL")
    arguments = [f"{name}={value}" for name, value in variables.items()]
    result = subprocess.run(  # noqa: S603
        ["make", "-n", target, *arguments],  # noqa: S607
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.mark.parametrize("target", ["run", "dev"])
def test_make_run_sets_the_site_url_from_its_own_host_and_port(target):
    output = make_dry_run(target, HOST="127.0.0.1", PORT="8123")
    assert "Links in emails start with http://127.0.0.1:8123 " in output


def test_make_run_keeps_a_site_url_that_is_already_set():
    output = make_dry_run("run", PORT="8123", SITE_URL="https://improvement.example.org")
    assert "Links in emails start with https://improvement.example.org " in output


def test_no_module_that_writes_email_builds_a_link_from_the_request():
    """Email is written by modules that queue it; their links must come from urls.py."""
    community = ROOT / "community"
    writers = [
        path
        for path in community.rglob("*.py")
        if path.parent.name != "outbox" and re.search(r"\bqueue_emails?\(", path.read_text())
    ]
    assert {p.relative_to(community).as_posix() for p in writers} >= {
        "accounts/services.py", "communities/joining.py", "notifications/services.py",
        "notifications/digests.py",
    }  # fmt: skip
    for path in writers:
        source = path.read_text()
        assert "url_for(" not in source and "_external" not in source, path
