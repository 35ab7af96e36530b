"""`flask backup create [PATH]`, `flask backup check PATH` and `flask backup restore PATH --yes`."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup

from community.backup import services
from community.backup.services import BackupError, BackupFile

backup_cli = AppGroup("backup", help="Back up the whole database, and restore a backup.")


@contextmanager
def _progress_bar(label: str):
    """A progress bar fed with (done, total), whatever the total turns out to be."""
    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _describe(backup: BackupFile) -> str:
    size = backup.size / 1_000_000
    return f"{backup.path} ({size:,.1f} MB, {backup.engine}, schema {backup.revision})"


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path | None) -> None:
    """Copy the whole database to PATH while the site goes on serving.

    PATH defaults to instance/backups/ic-<date and time>.sqlite3 (.dump on PostgreSQL).
    """
    path = path or services.default_path()
    click.echo(f"Backing up {services.shown_url()} to {path}")
    try:
        with _progress_bar("Copying") as progress:
            backup = services.create_backup(path, progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup complete and checked: {_describe(backup)}")
    copied = services.backup_files(path)
    if copied or services.files_path(path).exists():
        click.echo(f"Members' files copied to {services.files_path(path)} ({copied} new).")


@backup_cli.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Check that PATH is a whole, readable backup this release can restore."""
    try:
        backup = services.check_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"The backup can be restored: {_describe(backup)}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace everything in the database without asking.")
def restore(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup at PATH (checked first)."""
    try:
        backup = services.check_backup(path)
    except BackupError as error:
        raise click.ClickException(f"{error} Nothing was changed.") from None
    if not yes:
        raise click.ClickException(
            f"Restoring replaces everything in {services.shown_url()} with {_describe(backup)}. "
            "To keep what is there now, run `flask backup create` first. Run this command "
            "again with --yes to go ahead. Nothing was changed."
        )
    click.echo(f"Restoring {_describe(backup)} into {services.shown_url()}")
    try:
        with _progress_bar("Restoring") as progress:
            services.restore_backup(path, progress, checked=backup)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    restored = services.restore_files(path)
    if restored:
        click.echo(f"{restored} members' files put back from {services.files_path(path)}.")
    click.echo("Restore complete.")
    if backup.revision != services.code_revision():
        click.echo(
            f"The backup's schema ({backup.revision}) is older than this release's "
            f"({services.code_revision()}): run `flask db upgrade` now."
        )
