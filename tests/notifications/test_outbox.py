"""The outbox: email queued with the action, delivered over real SMTP, retried when it fails."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from helpers import run_command

from community import ROOT
from community.outbox import services
from community.outbox.models import OutboxMessage, OutboxStatus
from community.outbox.services import deliver_due, queue_email


class Collector:
    """An SMTP handler that keeps every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    yield handler
    controller.stop()


@pytest.fixture
def smtp_server_down(app, monkeypatch):
    """Mail settings that point at a port nothing listens on."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def queued(db, to="sam@nhs.example", subject="Your mentoring request", body="Hello Sam,\n"):
    message = queue_email(to, subject, body)
    db.session.commit()
    return message


def fetch(db, message) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def make_due(db, message) -> None:
    """Let the retry delay pass."""
    fetch(db, message).next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()


def test_a_queued_message_arrives_over_smtp(db, smtp_server):
    message = queued(db, body="Hello Sam,\n\nYour request was accepted: https://example/x\n")
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)

    (delivered,) = smtp_server.messages()
    assert delivered["To"] == "sam@nhs.example"
    assert delivered["Subject"] == "Your mentoring request"
    assert "Improvement Commons" in delivered["From"]
    assert delivered["Message-ID"]
    assert "Your request was accepted: https://example/x" in delivered.get_content()
    assert smtp_server.envelopes[0].rcpt_tos == ["sam@nhs.example"]

    saved = fetch(db, message)
    assert saved.status == OutboxStatus.SENT
    assert saved.attempts == 1
    assert saved.sent_at is not None
    assert deliver_due().sent == 0  # never sent twice
    assert len(smtp_server.envelopes) == 1


def test_many_messages_go_in_one_delivery_oldest_first(db, smtp_server):
    for n in range(3):
        queued(db, to=f"person-{n}@nhs.example", subject=f"Message {n}")
    assert deliver_due().sent == 3
    assert [m["Subject"] for m in smtp_server.messages()] == ["Message 0", "Message 1", "Message 2"]


def test_a_message_that_is_not_yet_due_waits(db, smtp_server):
    message = queued(db)
    fetch(db, message).next_attempt_at = datetime.now(UTC) + timedelta(minutes=5)
    db.session.commit()
    assert deliver_due().sent == 0
    assert smtp_server.envelopes == []


def test_when_the_server_is_down_the_message_is_retried_later(db, smtp_server_down):
    message = queued(db)
    before = datetime.now(UTC)
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (0, 1, 0)

    first = fetch(db, message)
    assert first.status == OutboxStatus.PENDING
    assert first.attempts == 1
    assert "could not reach the mail server" in first.last_error
    first_retry = as_utc(first.next_attempt_at)
    assert first_retry >= before + timedelta(seconds=30)
    assert deliver_due().retried == 0  # not due again yet

    make_due(db, message)
    deliver_due()
    second = fetch(db, message)
    assert (second.status, second.attempts) == (OutboxStatus.PENDING, 2)
    # The delay grows with each failure.
    assert as_utc(second.next_attempt_at) - datetime.now(UTC) > timedelta(seconds=55)


def test_a_message_is_marked_failed_after_the_last_attempt(app, monkeypatch, db, smtp_server_down):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    message = queued(db)
    for attempt in (1, 2):
        assert deliver_due().retried == 1
        make_due(db, message)
        assert fetch(db, message).attempts == attempt
    report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (0, 0, 1)
    saved = fetch(db, message)
    assert (saved.status, saved.attempts) == (OutboxStatus.FAILED, 3)
    assert saved.last_error
    make_due(db, message)
    assert deliver_due().failed == 0  # given up: not tried again


def test_a_retried_message_is_delivered_once_the_server_is_back(app, monkeypatch, db):
    port = free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    message = queued(db)
    assert deliver_due().retried == 1

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        make_due(db, message)
        assert deliver_due().sent == 1
    finally:
        controller.stop()
    assert len(handler.envelopes) == 1
    saved = fetch(db, message)
    assert (saved.status, saved.attempts, saved.last_error) == (OutboxStatus.SENT, 2, "")


def test_without_a_mail_server_messages_are_logged_and_marked_sent(app, monkeypatch, db, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "")
    message = queued(db, body="Open this link: http://127.0.0.1:5000/account/confirm/abc\n")
    with caplog.at_level(logging.INFO, logger=services.__name__):
        assert deliver_due().sent == 1
    assert "to sam@nhs.example: Your mentoring request" in caplog.text
    assert "http://127.0.0.1:5000/account/confirm/abc" in caplog.text
    assert fetch(db, message).status == OutboxStatus.SENT


def test_email_is_only_queued_if_the_action_is_saved(db):
    queue_email("sam@nhs.example", "Never sent", "This action was rolled back.")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_retry_delays_grow_and_are_capped():
    delays = [services.retry_delay(n) for n in range(1, 12)]
    assert delays[0] == timedelta(seconds=30)
    assert delays == sorted(delays)
    assert delays[-1] == timedelta(hours=6)


# ---------------------------------------------------------------- a sender that dies


class StallingCollector(Collector):
    """Accepts `accept` messages, then hangs on the next, like a server gone quiet."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept

    async def handle_DATA(self, server, session, envelope):
        if len(self.envelopes) >= self.accept:
            await asyncio.sleep(60)
        return await super().handle_DATA(server, session, envelope)


def start_sender(database_uri: str, tmp_path, port: int) -> subprocess.Popen:
    """`flask outbox send` in its own process, as it runs beside the site."""
    environment = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "COMMUNITY_CONFIG": "development",
        "SECRET_KEY": "a-secret-key-only-for-the-outbox-crash-test-0123456789",
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": database_uri,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
    }
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "flask", "outbox", "send"],
        cwd=ROOT, env=environment, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_a_sender_killed_mid_batch_loses_nothing_and_the_next_sends_every_message(
    app, db, database_uri, tmp_path, smtp_server
):
    subjects = [f"Message {n}" for n in range(10)]
    for subject in subjects:
        queued(db, subject=subject)

    stalling = StallingCollector(accept=4)
    controller = Controller(stalling, hostname="127.0.0.1", port=free_port())
    controller.start()
    sender = start_sender(database_uri, tmp_path, controller.port)
    try:
        deadline = time.monotonic() + 30
        while len(stalling.envelopes) < 4 and time.monotonic() < deadline:
            assert sender.poll() is None, sender.stderr.read().decode()
            time.sleep(0.05)
        assert len(stalling.envelopes) == 4, "the sender never got going"
        # While the mail server stalls the sender, the site goes on saving (no lock is held).
        started = time.monotonic()
        queued(db, subject="Written while the sender waits")
        assert time.monotonic() - started < 1.0
        os.killpg(sender.pid, signal.SIGKILL)  # dies mid-batch: 4 sent, 6 not yet
        sender.wait(10)
    finally:
        if sender.poll() is None:
            os.killpg(sender.pid, signal.SIGKILL)
        controller.stop()

    db.session.expire_all()
    claimed = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.subject.in_(subjects))
    ).all()
    assert {m.status for m in claimed} == {OutboxStatus.PENDING}  # none marked sent, none lost
    # Another sender leaves them alone while the first one's claim lasts …
    assert deliver_due().sent == 1  # only the message written meanwhile
    # … and sends every one of them once the claim has run out.
    for message in claimed:
        message.next_attempt_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert deliver_due().sent == 10
    received = [m["Subject"] for m in stalling.messages() + smtp_server.messages()]
    assert set(subjects) <= set(received)  # every message at least once
    assert sorted(received.count(s) for s in subjects) == [1] * 6 + [2] * 4
    db.session.expire_all()
    assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}


# ---------------------------------------------------------------- commands


def test_outbox_list_shows_the_newest_messages_with_their_links(app, db):
    queued(db, to="first@nhs.example", subject="First")
    queued(
        db, to="ria@nhs.example", subject="Confirm your email address", body="Open: http://x/c/t1\n"
    )
    result = run_command(app, ["outbox", "list", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "pending" in result.output
    assert "To: ria@nhs.example" in result.output
    assert "Subject: Confirm your email address" in result.output
    assert "Open: http://x/c/t1" in result.output
    assert "first@nhs.example" not in result.output


def test_outbox_list_says_when_it_is_empty(app, db):
    result = run_command(app, ["outbox", "list"])
    assert result.exit_code == 0
    assert "The outbox is empty." in result.output


def test_outbox_send_delivers_what_is_due(app, db, smtp_server):
    message = queued(db)
    result = run_command(app, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "outbox: 1 sent, 0 to retry, 0 failed" in result.output
    assert len(smtp_server.envelopes) == 1
    assert fetch(db, message).status == OutboxStatus.SENT


def test_outbox_send_reports_failures_to_retry(app, db, smtp_server_down):
    message = queued(db)
    result = run_command(app, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "outbox: 0 sent, 1 to retry, 0 failed" in result.output
    assert fetch(db, message).status == OutboxStatus.PENDING
