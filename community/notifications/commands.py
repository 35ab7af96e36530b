"""`flask notifications send-digests`: the summary emails, at once.

The outbox watcher sends them on their schedule (digests.py); this sends now,
for a first run or a test, whatever daily (or, with --weekly, weekly) summary
members have waiting.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.notifications import digests
from community.notifications.models import EmailFrequency

notifications_cli = AppGroup("notifications", help="Notification emails.")


@notifications_cli.command("send-digests")
@click.option("--weekly", is_flag=True, help="The weekly summary instead of the daily one.")
def send_digests(weekly: bool) -> None:
    """Queue a digest email now for each member who chose a daily (or weekly) summary."""
    frequency = EmailFrequency.WEEKLY if weekly else EmailFrequency.DAILY
    count = digests.send_digests(frequency)
    click.echo(f"Queued {count} digest email{'s' if count != 1 else ''}.")
