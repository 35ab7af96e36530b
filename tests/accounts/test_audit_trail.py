"""The audit log records every security event on an account: who, to whom, from where.

Role changes and moderation have their own audit tests (test_directory_and_admin.py,
test_moderation.py); these cover signing in and the account's credentials.
"""

from __future__ import annotations

import sqlalchemy as sa
from helpers import PASSWORD, emails_to, link_token, sign_in_as

from community.audit.models import AuditEvent
from community.core.extensions import db as _db

NEW_PASSWORD = "a different sturdy passphrase"


def events(action: str) -> list[tuple]:
    _db.session.expire_all()
    return [
        (event.actor_id, event.target_type, event.target_id, event.ip_address, event.summary)
        for event in _db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    ]


def test_sign_ins_and_failed_sign_ins_are_recorded_with_the_address(http, member):
    http.post("/account/sign-in", data={"email": "nobody@nhs.example", "password": PASSWORD})
    http.post("/account/sign-in", data={"email": member.email, "password": "wrong password"})
    http.post("/account/sign-in", data={"email": member.email, "password": PASSWORD})

    assert events("account.sign_in_failed") == [
        (None, "", None, "127.0.0.1", "unknown address nobody@nhs.example"),
        (member.id, "User", member.id, "127.0.0.1", "wrong password"),
    ]
    assert events("account.signed_in") == [(member.id, "User", member.id, "127.0.0.1", "")]


def test_a_password_change_is_recorded(http, member):
    sign_in_as(http, member)
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD}  # fmt: skip
    assert http.post("/account/settings/password", data=data).status_code == 302
    assert events("account.password_changed") == [(member.id, "User", member.id, "127.0.0.1", "")]


def test_a_password_reset_is_recorded_when_asked_for_and_when_used(http, member):
    http.post("/account/reset", data={"email": member.email})
    assert [e[0] for e in events("account.password_reset_requested")] == [member.id]
    token = link_token(emails_to(member.email)[-1], "/account/reset/")
    data = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    assert http.post(f"/account/reset/{token}", data=data).status_code == 302
    assert events("account.password_reset") == [(member.id, "User", member.id, "127.0.0.1", "")]


def test_an_email_change_is_recorded_when_asked_for_and_when_confirmed(http, member):
    sign_in_as(http, member)
    http.post(
        "/account/settings/email",
        data={"new_email": "sam.new@nhs.example", "current_password": PASSWORD},
    )
    assert [e[0] for e in events("account.email_change_requested")] == [member.id]
    token = link_token(emails_to("sam.new@nhs.example")[-1], "/account/email/")
    assert http.post(f"/account/email/{token}").status_code == 302
    assert events("account.email_changed") == [
        (member.id, "User", member.id, "127.0.0.1",
         "from sam-patel@nhs.example to sam.new@nhs.example"),
    ]  # fmt: skip


def test_every_action_the_code_records_has_words(app):
    """Every audit action named in the code (a quoted `area.action` that is not a route's
    endpoint, and each one made from a table of actions) is in the vocabulary, so no log page
    shows a bare code; `record` refuses any other."""
    import re
    from pathlib import Path

    import pytest

    from community.audit.services import record
    from community.audit.vocabulary import ACTIONS
    from community.discussions.moderation import REVIEW_DECISIONS, THREAD_ACTIONS

    areas = "|".join((
        "account", "community", "directory", "thread", "post", "flags", "method", "project",
        "measure", "mentoring", "markdown", "expertise",
    ))  # fmt: skip
    literal = re.compile(rf'"((?:{areas})\.[a-z_]+)"')
    root = Path(__file__).resolve().parents[2] / "community"
    named = {code for path in root.rglob("*.py") for code in literal.findall(path.read_text())}
    named -= {rule.endpoint for rule in app.url_map.iter_rules()}
    named |= {f"thread.{a}" for a in THREAD_ACTIONS} | {f"flags.{d}" for d in REVIEW_DECISIONS}
    assert len(named) > 60
    assert sorted(named - set(ACTIONS)) == []
    with app.test_request_context(), pytest.raises(ValueError, match="vocabulary"):
        record("post.vanished", None)
