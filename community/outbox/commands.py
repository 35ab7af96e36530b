"""`flask outbox list` and `flask outbox send [--watch]`."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from community.core.extensions import db
from community.core.timefmt import nhs_datetime
from community.notifications import delivery
from community.notifications import digests as digest_emails
from community.outbox import services

DIGEST_CHECK_SECONDS = 60

outbox_cli = AppGroup("outbox", help="Email waiting to be sent, and the sender.")


@outbox_cli.command("list")
@click.option("--limit", default=10, show_default=True, help="How many of the newest to show.")
def list_messages(limit: int) -> None:
    """Show the newest messages with their text, so links can be followed locally."""
    messages = services.recent_messages(limit)
    if not messages:
        click.echo("The outbox is empty.")
    for message in messages:
        click.echo(f"--- #{message.id} {message.status} · {nhs_datetime(message.created_at)}")
        click.echo(f"To: {message.to_address}\nSubject: {message.subject}\n")
        click.echo(message.body_text)
    db.session.rollback()


@outbox_cli.command("send")
@click.option("--watch", is_flag=True, help="Keep running and send new messages as they arrive.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between looks.")
@click.option(
    "--digests/--no-digests", default=True, show_default=True,
    help="Also queue the daily and weekly digests that are due (checked once a minute).",
)  # fmt: skip
def send(watch: bool, interval: float, digests: bool) -> None:
    """Deliver every message that is due (and notifications an app server left undelivered).

    The digests that have fallen due are queued first, and then once a minute, so that
    members get their summaries with no cron job. Any number of senders may run: each
    digest is claimed by one of them (community/notifications/digests.py).
    """
    next_digests = 0.0
    while True:
        if digests and time.monotonic() >= next_digests:
            queued = digest_emails.send_due()
            if queued:
                click.echo(f"digests: {queued} queued")
            next_digests = time.monotonic() + DIGEST_CHECK_SECONDS
        told = delivery.deliver_waiting()
        if told:
            click.echo(f"notifications: {told} new post{'s' if told != 1 else ''} delivered")
        report = services.deliver_due()
        if report.sent or report.retried or report.failed:
            click.echo(
                f"outbox: {report.sent} sent, {report.retried} to retry, {report.failed} failed"
            )
        db.session.remove()
        if not watch:
            if told + report.sent + report.retried + report.failed == 0:
                return
            next_digests = float("inf")  # once is enough for a single run
            continue
        time.sleep(interval)
