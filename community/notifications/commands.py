"""`flask notifications send-digests`: the daily summary email."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.notifications import inbox

notifications_cli = AppGroup("notifications", help="Notification emails.")


@notifications_cli.command("send-digests")
def send_digests() -> None:
    """Queue a digest email for each member who chose a daily summary."""
    count = inbox.send_digests()
    click.echo(f"Queued {count} digest email{'s' if count != 1 else ''}.")
