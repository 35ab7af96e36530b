"""The benchmark database: where it lives, how it is built, when it is reused.

A SQLite file per scale under bench/data/, or the PostgreSQL database named by
DATABASE_URL. A table `bench_stamp` inside the database records which
generator built it, the schema revision, the landmarks (the user, community
and thread each page is measured on) and whether a run left writes behind, so
a later run reuses the data only when all of that still matches.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory

import config as config_module
from community import ROOT

DATA_DIR = Path(__file__).resolve().parent / "data"
STAMP_TABLE = "bench_stamp"


class BenchRefused(RuntimeError):
    """The benchmark will not touch this database; the message says why."""


def database_url(scale: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return config_module.database_url(url)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA_DIR / f'{scale}.db'}"


def bench_config(url: str, **overrides) -> type[config_module.Config]:
    """The app's production settings, pointed at the benchmark database."""
    return type(
        "BenchConfig",
        (config_module.Config,),
        {
            "SECRET_KEY": secrets.token_urlsafe(36),
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": config_module.engine_options(url),
            "RATELIMIT_STORAGE_URI": "memory://",
            **overrides,
        },
    )


def schema_head() -> str:
    alembic = AlembicConfig()
    alembic.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(alembic).get_current_head()


def bulk_engine(url: str) -> sa.Engine:
    """An engine for loading data fast: SQLite without a journal or syncs.

    A build that dies half-way leaves no stamp, so the next run starts again.
    """
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in (
                "journal_mode = OFF", "synchronous = OFF", "foreign_keys = OFF",
                "cache_size = -400000", "temp_store = MEMORY",
            ):  # fmt: skip
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

    return engine


def loading_app(url: str):
    """The app, for the build's derived phases: SQLite writes without syncs (as bulk_engine).

    A build that dies half-way leaves no stamp, so losing its writes costs nothing.
    """
    from community import create_app
    from community.core.extensions import db

    app = create_app(bench_config(url))
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":

            @sa.event.listens_for(engine, "connect")
            def _fast(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                for pragma in ("synchronous = OFF", "cache_size = -400000"):
                    cursor.execute(f"PRAGMA {pragma}")
                cursor.close()

            engine.dispose()
    return app


# ------------------------------------------------------------------ stamp


def read_stamp(engine: sa.Engine) -> dict[str, str]:
    if not sa.inspect(engine).has_table(STAMP_TABLE):
        return {}
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT name, value FROM {STAMP_TABLE}"))  # noqa: S608
        return dict(rows.all())


def write_stamp(engine: sa.Engine, **values: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                f"CREATE TABLE IF NOT EXISTS {STAMP_TABLE} "
                "(name VARCHAR(40) PRIMARY KEY, value TEXT)"
            )
        )
        for name, value in values.items():
            connection.execute(sa.text(f"DELETE FROM {STAMP_TABLE} WHERE name = :n"), {"n": name})  # noqa: S608
            connection.execute(
                sa.text(f"INSERT INTO {STAMP_TABLE} (name, value) VALUES (:n, :v)"),  # noqa: S608
                {"n": name, "v": value},
            )


def landmarks_of(stamp: dict[str, str]) -> dict:
    return json.loads(stamp.get("landmarks") or "{}")


def current_revision(engine: sa.Engine) -> str | None:
    if not sa.inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


# ------------------------------------------------------------------ fresh


def make_empty(url: str) -> None:
    """Remove the old benchmark data, refusing any database the bench did not make."""
    engine = sa.create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            path = Path(engine.url.database)
            if path.resolve().parent != DATA_DIR.resolve():
                raise BenchRefused(f"Will only rebuild SQLite files under {DATA_DIR}")
            engine.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            return
        inspector = sa.inspect(engine)
        tables = inspector.get_table_names()
        if tables and STAMP_TABLE not in tables:
            raise BenchRefused(
                f"{engine.url.render_as_string()} holds tables the benchmark did not make; "
                "point DATABASE_URL at an empty database for the benchmark"
            )
        with engine.begin() as connection:
            for table in tables:
                connection.execute(sa.text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    finally:
        engine.dispose()


def migrate(url: str) -> None:
    """Build or bring up to date the schema with the real migrations."""
    from flask_migrate import upgrade

    from community import create_app
    from community.core.extensions import db

    app = create_app(bench_config(url))
    with app.app_context():
        upgrade()
        db.session.remove()
        db.engine.dispose()


def finish_load(engine: sa.Engine) -> None:
    """After a bulk load: sequences past the loaded ids, statistics, journal back on."""
    from community.core.extensions import db

    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key:
                    sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                    highest = f'(SELECT max(id) FROM "{table.name}")'  # noqa: S608
                    connection.execute(
                        sa.text(f"SELECT setval({sequence}, COALESCE({highest}, 0) + 1, false)")
                    )
    if engine.dialect.name == "postgresql":
        # What autovacuum would do within minutes of a load this size.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        raw = engine.raw_connection()  # outside any transaction, as the pragma needs
        try:
            raw.driver_connection.execute("PRAGMA journal_mode = WAL")
        finally:
            raw.close()


# ------------------------------------------------------------------ restore


def snapshot(engine: sa.Engine, landmarks: dict, rows: dict[str, list[int]] | None = None) -> dict:
    """What a run may change: the highest id in every table with one (rows above it
    are the run's), the counters that creating posts moves, and whole `rows` (by
    table, by id) that the run changes in place (the post it edits)."""
    from community.core.extensions import db

    marks = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                marks[table.name] = connection.scalar(sa.select(sa.func.max(table.c.id))) or 0
        thread = connection.execute(
            sa.text("SELECT post_count, last_post_at FROM threads WHERE id = :id"),
            {"id": landmarks["thread_id"]},
        ).one()
        community = connection.execute(
            sa.text("SELECT last_activity_at FROM communities WHERE id = :id"),
            {"id": landmarks["community_id"]},
        ).one()
        kept = {}
        for name, ids in (rows or {}).items():
            table = db.metadata.tables[name]
            found = connection.execute(table.select().where(table.c.id.in_(ids))).mappings()
            kept[name] = [{key: _text(value) for key, value in row.items()} for row in found]
    return {
        "marks": marks,
        "thread": {"id": landmarks["thread_id"], "n": thread[0], "at": _text(thread[1])},
        "community": {"id": landmarks["community_id"], "at": _text(community[0])},
        "rows": kept,
    }


def _text(moment) -> str | None:
    return moment.isoformat() if hasattr(moment, "isoformat") else moment


def _from_text(table: sa.Table, row: dict) -> dict:
    """A row saved by `snapshot`, its dates and times as Python values again."""
    values = {}
    for key, value in row.items():
        kind = table.c[key].type
        if value is not None and isinstance(kind, sa.DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, sa.Date):
            value = date.fromisoformat(value)
        values[key] = value
    return values


def mark_dirty(engine: sa.Engine, saved: dict) -> None:
    write_stamp(engine, state="dirty", restore=json.dumps(saved))


def restore(engine: sa.Engine) -> None:
    """Undo a run's writes, as recorded by mark_dirty, and mark the data clean."""
    from community.core.extensions import db

    saved = json.loads(read_stamp(engine).get("restore") or "null")
    if saved:
        marks = saved["marks"]
        with engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name in marks:
                    connection.execute(table.delete().where(table.c.id > marks[table.name]))
            connection.execute(
                sa.text("UPDATE threads SET post_count = :n, last_post_at = :at WHERE id = :id"),
                saved["thread"],
            )
            connection.execute(
                sa.text("UPDATE communities SET last_activity_at = :at WHERE id = :id"),
                saved["community"],
            )
            for name, rows in saved.get("rows", {}).items():
                table = db.metadata.tables[name]
                for row in rows:
                    values = _from_text(table, row)
                    connection.execute(
                        table.update().where(table.c.id == values.pop("id")).values(values)
                    )
    write_stamp(engine, state="clean", restore="")
