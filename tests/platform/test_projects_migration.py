"""Migration 0006 gives threads a third home (a project) without losing a discussion.

SQLite rebuilds the threads table to add the column and the new CHECK, so
this runs on its own SQLite file whatever DATABASE_URL says. Going down again
removes the project discussions (they cannot exist without projects) and
keeps every other thread.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from helpers import make_test_config
from migration_rows import COMMUNITY_THREAD_ROWS

from community import create_app
from community.core.extensions import db

BEFORE = COMMUNITY_THREAD_ROWS

A_PROJECT_DISCUSSION = """
INSERT INTO projects (id, title, slug, aim, problem_source, problem_html, problem_render_version,
  organisation_id, system_id, programme_type, national_programme, status, start_date,
  cycle_count, created_at, last_activity_at)
  VALUES (1, 'P', 'p', 'a', '', '', 0, 1, 1, 'local', '', 'testing', '2026-01-01', 0,
  '2026-01-01', '2026-01-01');
INSERT INTO threads (id, project_id, author_id, title, slug, created_at, last_post_at,
  post_count, is_pinned, is_locked, is_resolved)
  VALUES (2, 1, 1, 'P', 'p', '2026-01-01', '2026-01-01', 1, 0, 0, 0);
INSERT INTO posts (id, thread_id, position, author_id, body_source, body_html, render_version,
  created_at, edit_count, helpful_count, hidden_reason)
  VALUES (2, 2, 1, 1, 'b', 'b', 1, '2026-01-01', 0, 0, '');
INSERT INTO thread_watches (user_id, thread_id, level) VALUES (1, 2, 'watching');
"""


def _run(connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(sa.text(statement))


def _count(connection, table: str) -> int:
    return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


def test_project_discussions_come_and_go_with_the_migration_on_sqlite(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'projects.db'}"))
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            _run(connection, BEFORE)
        upgrade()
        with db.engine.begin() as connection:
            assert (_count(connection, "threads"), _count(connection, "posts")) == (1, 1)
            _run(connection, A_PROJECT_DISCUSSION)
            # A thread still has exactly one home.
            both = "UPDATE threads SET community_id = 1 WHERE id = 2"
            try:
                with connection.begin_nested():
                    connection.execute(sa.text(both))
                raise AssertionError("a thread in a community and a project was allowed")
            except sa.exc.IntegrityError:
                pass
        downgrade(revision="0004")
        with db.engine.connect() as connection:
            assert (_count(connection, "threads"), _count(connection, "posts")) == (1, 1)
            assert _count(connection, "thread_watches") == 0
            assert connection.execute(sa.text("SELECT title FROM threads")).scalar() == "T"
        upgrade()
        with db.engine.connect() as connection:
            assert _count(connection, "threads") == 1
        db.session.remove()
        db.engine.dispose()
