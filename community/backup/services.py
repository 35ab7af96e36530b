"""Consistent backups taken while the site serves, checked before they are restored.

SQLite: SQLite's backup API copies the live file a slice of pages at a time.
The copying connection holds one read transaction for the whole copy, so the
copy is the database at one moment (WAL lets writers carry on meanwhile) and
writers never force it to start again. The copy is switched to a plain
rollback journal so that it is one self-contained file. A restore runs the
same API the other way, into the live file under SQLite's own write lock, in
one transaction: running app processes see the old database or the restored
one, never a mixture.

PostgreSQL: `pg_dump --format=custom` (one consistent snapshot) and
`pg_restore --single-transaction` (all or nothing). The connection's details
reach them as PG* environment variables, so the password is never on a
command line, in a process list or in anything printed.

Either way a backup is written to a temporary name and renamed when it is
complete, so a file with the backup's name is never half-written.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy.engine import URL

import config as config_module
from community.caching import versions
from community.core.extensions import db
from community.files.storage import LocalStorage, storage

SQLITE_HEADER = b"SQLite format 3\x00"
PG_ARCHIVE_HEADER = b"PGDMP"
# Pages copied per step: about 4 MB with SQLite's default 4 KB page, so a
# progress bar moves steadily without making the copy slow.
SQLITE_PAGES_PER_STEP = 1024

Progress = Callable[[int, int], None]  # (done, total)


class BackupError(Exception):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass(frozen=True)
class BackupFile:
    path: Path
    engine: str  # "sqlite" or "postgresql"
    revision: str  # the schema (migration) the backup was made at
    size: int


def database_url() -> URL:
    return db.engine.url


def shown_url() -> str:
    """The database's address for people to read: never its password."""
    return database_url().render_as_string(hide_password=True)


def engine_name() -> str:
    return "postgresql" if database_url().get_backend_name() == "postgresql" else "sqlite"


def default_path(now: datetime | None = None) -> Path:
    now = now or datetime.now(UTC)
    suffix = "dump" if engine_name() == "postgresql" else "sqlite3"
    return config_module.INSTANCE_DIR / "backups" / f"ic-{now:%Y-%m-%dT%H%M%SZ}.{suffix}"


def _partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _check_revision(revision: str | None) -> str:
    if not revision:
        raise BackupError(
            "The file has no schema version: it is not an Improvement Commons backup."
        )
    try:
        ScriptDirectory(str(config_module.BASE_DIR / "migrations")).get_revision(revision)
    except CommandError:
        raise BackupError(
            f"The backup was made by a newer release (schema {revision}): restore it with that "
            "release."
        ) from None
    return revision


def code_revision() -> str:
    """The schema this release's migrations end at."""
    return ScriptDirectory(str(config_module.BASE_DIR / "migrations")).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        version = sa.table("alembic_version", sa.column("version_num"))
        return connection.execute(sa.select(version.c.version_num)).scalar()


# ------------------------------------------------------------------ SQLite


def _sqlite_file() -> Path:
    name = database_url().database
    if not name or name == ":memory:":
        raise BackupError("This database lives in memory: there is no file to back up.")
    return Path(name)


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), isolation_level=None)
    timeout_ms = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    connection.execute(f"PRAGMA busy_timeout = {timeout_ms}")
    return connection


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection, progress) -> None:
    def report(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    source.backup(target, pages=SQLITE_PAGES_PER_STEP, progress=report, sleep=0.01)


def _sqlite_create(path: Path, progress: Progress | None) -> None:
    source = _sqlite_connect(_sqlite_file())
    partial = _partial_path(path)
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(str(partial), isolation_level=None)
    try:
        # One read transaction for the whole copy: a snapshot that writers cannot move.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        _sqlite_copy(source, target, progress)
        source.execute("COMMIT")
        target.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        target.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"The copy failed: {error}. Nothing was written to {path}.") from error
    finally:
        source.close()
    target.close()
    partial.replace(path)


def _sqlite_check(path: Path) -> str:
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite backup.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems = "; ".join(row[0] for row in result[:3])
                raise BackupError(f"{path} is damaged (integrity check: {problems}).")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a database: {error}.") from error
    return _check_revision(revision[0] if revision else None)


def _sqlite_restore(path: Path, progress: Progress | None) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    target = _sqlite_connect(_sqlite_file())
    try:
        # The whole restore is one write transaction on the live file.
        _sqlite_copy(source, target, progress)
    except sqlite3.Error as error:
        raise BackupError(f"The restore failed and nothing was changed: {error}.") from error
    finally:
        source.close()
        target.close()


# ------------------------------------------------------------------ PostgreSQL


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools "
            "(apt-get install postgresql-client), matching or newer than the server's version."
        )
    return found


def _pg_environment() -> dict[str, str]:
    url = database_url()
    environment = dict(os.environ)
    settings = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": url.query.get("sslmode"),
    }
    environment.update({name: str(value) for name, value in settings.items() if value})
    return environment


def _run_pg(arguments: list[str], on_line: Callable[[str], None] | None = None) -> str:
    """Run a PostgreSQL client tool; return its standard output, or raise with its errors."""
    process = subprocess.Popen(  # noqa: S603 (fixed tool, arguments built here)
        arguments,
        env=_pg_environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Read standard output in a thread so that neither pipe can fill and stall the tool.
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()))
    reader.start()
    errors: list[str] = []
    for line in process.stderr:
        line = line.rstrip("\n")
        if on_line is not None:
            on_line(line)
        if "error" in line.lower() or "fatal" in line.lower():
            errors.append(line)
    process.wait()
    reader.join()
    if process.returncode != 0:
        detail = "; ".join(errors[-3:]) or f"exit status {process.returncode}"
        raise BackupError(f"{Path(arguments[0]).name} failed: {detail}")
    return output[0] if output else ""


def _table_count() -> int:
    return len(sa.inspect(db.engine).get_table_names())


def _pg_create(path: Path, progress: Progress | None) -> None:
    total = _table_count()
    done = 0

    def on_line(line: str) -> None:
        nonlocal done
        if "dumping contents of table" in line and progress is not None:
            done += 1
            progress(min(done, total), total)

    partial = _partial_path(path)
    partial.unlink(missing_ok=True)
    try:
        _run_pg(
            [_pg_tool("pg_dump"), "--format=custom", "--verbose", "--no-owner",
             "--no-privileges", f"--file={partial}"],
            on_line,
        )  # fmt: skip
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


_COPY_ALEMBIC = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;$", re.M)


def _pg_check(path: Path) -> str:
    with path.open("rb") as file:
        if file.read(len(PG_ARCHIVE_HEADER)) != PG_ARCHIVE_HEADER:
            raise BackupError(f"{path} is not a PostgreSQL backup (pg_dump's custom format).")
    tool = _pg_tool("pg_restore")
    # Reading the whole archive (to nowhere) finds a file cut short or damaged anywhere.
    _run_pg([tool, f"--file={os.devnull}", str(path)])
    script = _run_pg([tool, "--data-only", "--table=alembic_version", "--file=-", str(path)])
    match = _COPY_ALEMBIC.search(script)
    revision = script[match.end() :].split("\n")[1].strip() if match else None
    return _check_revision(revision)


def _pg_restore(path: Path, progress: Progress | None) -> None:
    tool = _pg_tool("pg_restore")
    listing = _run_pg([tool, "--list", str(path)])
    total = max(1, sum(1 for line in listing.splitlines() if " TABLE DATA " in line))
    done = 0

    def on_line(line: str) -> None:
        nonlocal done
        if "processing data for table" in line and progress is not None:
            done += 1
            progress(min(done, total), total)

    _run_pg(
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--verbose", f"--dbname={database_url().database}", str(path)],
        on_line,
    )  # fmt: skip


# ------------------------------------------------------------------ the commands' work


def check_backup(path: Path) -> BackupFile:
    """Read a backup without changing anything; raise BackupError if it cannot be restored."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    revision = _pg_check(path) if engine_name() == "postgresql" else _sqlite_check(path)
    return BackupFile(path, engine_name(), revision, path.stat().st_size)


def files_path(path: Path) -> Path:
    """Where the files kept in a local folder are copied beside the backup at `path`."""
    return path.with_name(path.name + ".files")


def _local_files() -> Path | None:
    chosen = storage()
    return chosen.root if isinstance(chosen, LocalStorage) else None


def _copy_files(source: Path, target: Path) -> int:
    """Copy every whole file under `source` that `target` lacks (files are written once
    and never changed, so one already there is the same); how many were copied."""
    copied = 0
    for found in source.rglob("*"):
        if not found.is_file() or found.name.startswith(".partial-"):
            continue
        there = target / found.relative_to(source)
        if not there.exists():
            there.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(found, there)
            copied += 1
    return copied


def backup_files(path: Path) -> int:
    """With local storage, copy the members' files beside the database backup at `path`
    (after it: a file added meanwhile is a spare, never a missing one). With S3, nothing:
    back up the bucket (docs/files.md)."""
    root = _local_files()
    if root is None or not root.exists():
        return 0
    return _copy_files(root, files_path(path))


def restore_files(path: Path) -> int:
    """Put back the files copied beside the backup at `path` (with local storage)."""
    root, kept = _local_files(), files_path(path)
    if root is None or not kept.exists():
        return 0
    return _copy_files(kept, root)


def create_backup(path: Path, progress: Progress | None = None) -> BackupFile:
    """Copy the whole database to `path` while the site goes on serving."""
    db.session.remove()
    if path.exists():
        raise BackupError(f"{path} already exists: choose another name, or move it first.")
    path.parent.mkdir(parents=True, exist_ok=True)
    if engine_name() == "postgresql":
        _pg_create(path, progress)
    else:
        _sqlite_create(path, progress)
    return check_backup(path)


def restore_backup(
    path: Path, progress: Progress | None = None, checked: BackupFile | None = None
) -> BackupFile:
    """Replace everything in the database with the backup at `path`, checked first.

    `checked`: what `check_backup(path)` said, when the caller has just asked it.
    """
    backup = checked or check_backup(path)
    db.session.remove()
    before = versions.read_now()
    if engine_name() == "postgresql":
        _pg_restore(path, progress)
    else:
        _sqlite_restore(path, progress)
    db.engine.dispose()  # pooled connections may hold the old schema's cached statements
    versions.move_past(before)
    return backup
