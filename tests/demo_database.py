"""The demo data (`flask seed-demo`), seeded once per run and copied for each test that reads it.

Seeding takes about half a minute, so it happens once for the whole run, whichever test
process gets there first (the others wait on a lock in pytest's shared temporary folder
and then reuse it): into a SQLite file, or into a PostgreSQL database kept as a template.
Each test that asks for `demo_app` gets its own copy (a file copy, or `CREATE DATABASE …
TEMPLATE`), so what one test changes no other sees. `demo_seeded` is what `seed-demo`
printed while seeding it.

The root conftest registers this module as a plugin; every test using it is in the slow
tier (`make test-fast` leaves it out).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import helpers
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

import config as config_module
from community import create_app
from community.caching import forget_all
from community.core.extensions import db, limiter


def _seed(uri: str) -> str:
    """A migrated, empty database at `uri`, filled by `flask seed-demo`: what it printed."""
    app = create_app(helpers.make_test_config(uri))
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()  # SQLite folds its write-ahead log into the file as the last closes
    forget_all(app)
    return result.output


def _shared_folder(tmp_path_factory) -> Path:
    """A folder every test process of this run shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _postgresql() -> sa.URL | None:
    url = config_module.database_url("")
    return sa.make_url(url) if url.startswith("postgresql") else None


def _admin_engine(url: sa.URL) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def _template_name(url: sa.URL) -> str:
    """One template for the run, beside the database DATABASE_URL names (not a worker's)."""
    return re.sub(r"_gw\d+$", "", url.database) + "_demo"


@pytest.fixture(scope="session")
def demo_seeded(tmp_path_factory) -> str:
    """Seeds the run's demo database once (if no other test process has): what it printed."""
    folder = _shared_folder(tmp_path_factory) / "demo"
    folder.mkdir(exist_ok=True)
    printed = folder / "seed-demo.txt"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not printed.exists():
            url = _postgresql()
            if url is None:
                output = _seed(f"sqlite:///{folder / 'demo.db'}")
            else:
                template = url.set(database=_template_name(url))
                engine = _admin_engine(url)
                with engine.connect() as connection:
                    name = template.database
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
                engine.dispose()
                output = _seed(template.render_as_string(hide_password=False))
            printed.write_text(output)
    return printed.read_text()


@pytest.fixture
def demo_app(demo_seeded, tmp_path_factory, tmp_path) -> Iterator[Flask]:
    """An app on this test's own copy of the demo data, inside its app context."""
    url = _postgresql()
    if url is None:
        copy = tmp_path / "demo.db"
        seeded = _shared_folder(tmp_path_factory) / "demo" / "demo.db"
        assert not seeded.with_name("demo.db-wal").exists(), "the demo database is still open"
        shutil.copyfile(seeded, copy)
        uri = f"sqlite:///{copy}"
    else:
        copy_name = f"{url.database}_demo_copy"
        engine = _admin_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
            connection.execute(
                sa.text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{_template_name(url)}"')
            )
        uri = url.set(database=copy_name).render_as_string(hide_password=False)
    app = create_app(helpers.make_test_config(uri))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    forget_all(app)  # nothing this copy's pages left may reach the next test
    limiter.reset()
    if url is not None:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
        engine.dispose()


def pytest_collection_modifyitems(items) -> None:
    """A test that reads the demo data is in the slow tier."""
    for item in items:
        if "demo_app" in getattr(item, "fixturenames", ()) or "demo_seeded" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.slow)
