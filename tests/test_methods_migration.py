"""Migration 0004 keeps every existing discussion when it rebuilds the threads table.

SQLite cannot make a column nullable in place, so the migration rebuilds
threads; with foreign keys on, dropping the old table would cascade-delete
every post. This runs on its own SQLite file whatever DATABASE_URL says,
because the hazard is SQLite's.
"""

from __future__ import annotations

import sqlalchemy as sa
from conftest import make_test_config
from flask_migrate import downgrade, upgrade

from community import create_app
from community.extensions import db

ROWS = """
INSERT INTO systems (id, name, slug, region, created_at) VALUES (1, 'S', 's', 'r', '2026-01-01');
INSERT INTO organisations (id, name, slug, type, system_id, created_at)
  VALUES (1, 'O', 'o', 'acute_trust', 1, '2026-01-01');
INSERT INTO users (id, username, name, email, password_hash, role, organisation_id, job_title,
  bio_source, bio_html, bio_render_version, session_token, created_at, email_notifications)
  VALUES (1, 'u', 'U', 'u@example.org', 'h', 'member', 1, '', '', '', 0, 't', '2026-01-01',
  'daily');
INSERT INTO communities (id, name, slug, purpose, learning_question, visibility, listed, status,
  created_at, member_count, thread_count)
  VALUES (1, 'C', 'c', 'p', 'q', 'open', 0, 'active', '2026-01-01', 0, 1);
INSERT INTO threads (id, community_id, author_id, title, slug, created_at, last_post_at,
  post_count, is_pinned, is_locked, is_resolved)
  VALUES (1, 1, 1, 'T', 't', '2026-01-01', '2026-01-01', 1, 0, 0, 0);
INSERT INTO posts (id, thread_id, position, author_id, body_source, body_html, render_version,
  created_at, edit_count, helpful_count, hidden_reason)
  VALUES (1, 1, 1, 1, 'b', 'b', 1, '2026-01-01', 0, 0, '');
UPDATE threads SET key_post_id = 1;
INSERT INTO thread_watches (user_id, thread_id, level) VALUES (1, 1, 'watching');
INSERT INTO flags (id, post_id, community_id, flagger_id, reason, note, status, created_at)
  VALUES (1, 1, 1, 1, 'spam', '', 'open', '2026-01-01');
"""


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
