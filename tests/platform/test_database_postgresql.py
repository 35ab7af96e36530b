"""PostgreSQL connections as the app sets them up: a lock timeout, and no JIT."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def postgresql_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL connection settings (SQLite's are in test_database.py)")


def setting(db, name: str) -> str:
    """The connection's setting, in the setting's own unit (lock_timeout: ms)."""
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT setting FROM pg_settings WHERE name = %(name)s", {"name": name}
        ).scalar()


def test_a_statement_waits_for_a_lock_only_so_long(app, db):
    assert setting(db, "lock_timeout") == str(app.config["DB_LOCK_TIMEOUT_MS"])


def test_statements_are_not_compiled_first(db):
    # The visibility rules' statements look costly to the planner and run in a few
    # milliseconds; compiling each to machine code took about 100 ms.
    assert setting(db, "jit") == "off"
