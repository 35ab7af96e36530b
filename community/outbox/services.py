"""The email outbox.

Actions queue email with `queue_email` inside their own transaction, so a
message exists if and only if the action happened. A sender (`flask outbox
send`) delivers what is due: by SMTP when MAIL_SERVER is set, otherwise to the
log. Each message is marked sent only after the server accepted it, so a
crash between the two sends it again (at least once, never lost). Failures
are retried with growing delays, up to MAIL_MAX_ATTEMPTS.

A batch is claimed in one short transaction (the attempt counted, the next
try put off by CLAIM_LEASE, so no other sender takes it meanwhile), sent with
no transaction open, and its outcome saved in a second short transaction.
No lock is held while a slow mail server is talked to: on SQLite the site's
writers never wait for the sender. A sender that dies mid-batch leaves its
messages to be sent again once the lease runs out.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from community.core.extensions import db
from community.core.timefmt import utcnow
from community.outbox.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

# How long a claimed message is left to its sender before another may send it.
CLAIM_LEASE = timedelta(minutes=10)


def queue_email(to_address: str, subject: str, body_text: str) -> OutboxMessage:
    message = OutboxMessage(to_address=to_address, subject=subject, body_text=body_text)
    db.session.add(message)
    return message


def queue_emails(messages: list[tuple[str, str, str]]) -> None:
    """Queue many emails (address, subject, body) in one batched INSERT."""
    if messages:
        db.session.execute(
            sa.insert(OutboxMessage.__table__),
            [
                {"to_address": to, "subject": subject, "body_text": body}
                for to, subject, body in messages
            ],
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 6 * 3600))


@dataclass(frozen=True)
class Outgoing:
    """A claimed message as the sender needs it, read before the claim is committed."""

    id: int
    to_address: str
    subject: str
    body_text: str
    attempts: int


def _build(message: Outgoing) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body_text)
    return email


def _send_smtp(messages: list[Outgoing]) -> dict[int, str]:
    """Send over one connection; return the error text for each message that failed."""
    config = current_app.config
    errors: dict[int, str] = {}
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for message in messages:
                try:
                    smtp.send_message(_build(message))
                except smtplib.SMTPException as error:
                    errors[message.id] = str(error)
    except (OSError, smtplib.SMTPException) as error:
        for message in messages:
            errors.setdefault(message.id, f"could not reach the mail server: {error}")
    return errors


def _send_to_log(messages: list[Outgoing]) -> dict[int, str]:
    for message in messages:
        log.info(
            "Email (no MAIL_SERVER set) to %s: %s\n%s",
            message.to_address,
            message.subject,
            message.body_text,
        )
    return {}


def _claim_due(batch_size: int) -> list[Outgoing]:
    """Take up to `batch_size` due messages for this sender, and commit at once."""
    now = utcnow()
    due = list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
    )
    claimed = []
    for message in due:
        message.attempts += 1
        message.next_attempt_at = now + CLAIM_LEASE
        claimed.append(
            Outgoing(message.id, message.to_address, message.subject, message.body_text,
                     message.attempts)
        )  # fmt: skip
    db.session.commit()
    return claimed


def deliver_due(batch_size: int = 50) -> DeliveryReport:
    """Deliver one batch of due messages and save the outcome."""
    report = DeliveryReport()
    claimed = _claim_due(batch_size)
    if not claimed:
        return report
    transport = _send_smtp if current_app.config["MAIL_SERVER"] else _send_to_log
    errors = transport(claimed)  # no transaction is open while the mail server is slow
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    messages = {
        message.id: message
        for message in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_([c.id for c in claimed]))
        )
    }
    for sent in claimed:
        message = messages[sent.id]
        if sent.id not in errors:
            message.status = OutboxStatus.SENT
            message.sent_at = utcnow()
            message.last_error = ""
            report.sent += 1
        elif sent.attempts >= max_attempts:
            message.status = OutboxStatus.FAILED
            message.last_error = errors[sent.id][:500]
            report.failed += 1
        else:
            message.next_attempt_at = utcnow() + retry_delay(sent.attempts)
            message.last_error = errors[sent.id][:500]
            report.retried += 1
    db.session.commit()
    return report


def recent_messages(limit: int = 20) -> list[OutboxMessage]:
    return list(
        db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )
