"""`flask mentoring …`: jobs to run from cron."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.mentoring.matching.evidence import refresh_evidence
from community.mentoring.services import expire_overdue_asks

mentoring_cli = AppGroup("mentoring", help="Mentoring jobs.")


@mentoring_cli.command("expire-asks")
def expire_asks() -> None:
    """Expire asks not answered in MENTORING_ASK_EXPIRY_DAYS and prompt their requesters.

    Run it daily (or hourly) from cron. Overdue asks already count as expired on
    every page and cannot be accepted; this records it and sends the prompts.
    """
    count = expire_overdue_asks()
    click.echo(f"{count} ask{'s' if count != 1 else ''} expired.")


@mentoring_cli.command("refresh-evidence")
def refresh_evidence_command() -> None:
    """Recount every mentor's discussion evidence (helpful marks, key learnings).

    Run it hourly from cron: suggestions read these counts rather than adding
    up every post each time.
    """
    count = refresh_evidence()
    click.echo(f"Evidence recounted for {count} mentor{'s' if count != 1 else ''}.")
