"""`flask files scan`: pass or fail the files that waited for the virus scanner."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from community.files import services

files_cli = AppGroup("files", help="Files members attached.")


@files_cli.command("scan")
@click.option("--limit", default=100, show_default=True, help="How many files at most.")
def scan(limit: int) -> None:
    """Scan the files waiting for the scanner (run it from cron while clamd was away)."""
    passed, failed, waiting = services.scan_pending(limit)
    click.echo(f"{passed} passed, {failed} failed (deleted), {waiting} still waiting.")
