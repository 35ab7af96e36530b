"""Migration 0004 keeps every existing discussion when it rebuilds the threads table.

SQLite cannot make a column nullable in place, so the migration rebuilds
threads; with foreign keys on, dropping the old table would cascade-delete
every post. This runs on its own SQLite file whatever DATABASE_URL says,
because the hazard is SQLite's.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from helpers import make_test_config
from migration_rows import COMMUNITY_THREAD_ROWS

from community import create_app
from community.core.extensions import db

ROWS = (
    COMMUNITY_THREAD_ROWS
    + """UPDATE threads SET key_post_id = 1;
INSERT INTO thread_watches (user_id, thread_id, level) VALUES (1, 1, 'watching');
INSERT INTO flags (id, post_id, community_id, flagger_id, reason, note, status, created_at)
  VALUES (1, 1, 1, 1, 'spam', '', 'open', '2026-01-01');
"""
)


def _counts(connection) -> dict[str, int]:
    return {
        table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
        for table in ("threads", "posts", "thread_watches", "flags")
    }


EVERYTHING = {"threads": 1, "posts": 1, "thread_watches": 1, "flags": 1}


def test_upgrade_and_downgrade_keep_existing_discussions_on_sqlite(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'upgrade.db'}"))
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as connection:
            for statement in ROWS.split(";"):
                if statement.strip():
                    connection.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as connection:
            assert _counts(connection) == {
                "threads": 1,
                "posts": 1,
                "thread_watches": 1,
                "flags": 1,
            }
            assert connection.execute(sa.text("SELECT key_post_id FROM threads")).scalar() == 1
            # Foreign keys are back on for the connections the app goes on to use.
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        downgrade(revision="0003")
        with db.engine.connect() as connection:
            assert _counts(connection) == {
                "threads": 1,
                "posts": 1,
                "thread_watches": 1,
                "flags": 1,
            }
        db.session.remove()
        db.engine.dispose()
