"""Migration 0012 repairs audit entries that named `LocalProxy` and projects left in
their organisation's old system, and touches nothing else (on both databases)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from community import ROOT

STALE_ROWS = """
INSERT INTO systems (id, name, slug, region, created_at) VALUES (1, 'S', 's', 'r', '2026-01-01');
INSERT INTO organisations (id, name, slug, type, system_id, created_at)
  VALUES (1, 'O', 'o', 'acute_trust', 1, '2026-01-01');
INSERT INTO systems (id, name, slug, region, created_at) VALUES (2, 'S2', 's2', 'r', '2026-01-01');
INSERT INTO organisations (id, name, slug, type, system_id, created_at)
  VALUES (2, 'O2', 'o2', 'acute_trust', 2, '2026-01-01');
INSERT INTO projects (id, title, slug, aim, problem_source, problem_html, problem_render_version,
  organisation_id, system_id, programme_type, national_programme, status, start_date,
  cycle_count, created_at, last_activity_at)
  VALUES (1, 'Moved', 'moved', 'a', '', '', 0, 1, 2, 'local', '', 'testing', '2026-01-01', 0,
  '2026-01-01', '2026-01-01');
INSERT INTO projects (id, title, slug, aim, problem_source, problem_html, problem_render_version,
  organisation_id, system_id, programme_type, national_programme, status, start_date,
  cycle_count, created_at, last_activity_at)
  VALUES (2, 'Stayed', 'stayed', 'a', '', '', 0, 2, 2, 'local', '', 'testing', '2026-01-01', 0,
  '2026-01-01', '2026-01-01');
INSERT INTO audit_events (id, occurred_at, action, actor_id, target_type, target_id, summary,
  ip_address)
  VALUES (1, '2026-01-01', 'account.password_changed', NULL, 'LocalProxy', 1, '', '10.0.0.1');
INSERT INTO audit_events (id, occurred_at, action, actor_id, target_type, target_id, summary,
  ip_address)
  VALUES (2, '2026-01-01', 'community.created', NULL, 'Community', 1, 'C', '10.0.0.1');
"""


def _before_0012() -> str:
    script = ScriptDirectory(str(ROOT / "migrations"))
    return script.get_revision("0012").down_revision


def test_the_repairs_fix_only_the_wrong_rows(app, db):
    engine = db.engine
    with app.app_context():
        # The suite's database is at head: step back to just before the repairs.
        downgrade(revision=_before_0012())
        try:
            with engine.begin() as connection:
                for statement in STALE_ROWS.split(";"):
                    if statement.strip():
                        connection.execute(sa.text(statement))
            upgrade()
            with engine.connect() as connection:
                projects = connection.execute(
                    sa.text("SELECT title, system_id FROM projects ORDER BY id")
                ).all()
                audit = connection.execute(
                    sa.text("SELECT id, target_type FROM audit_events ORDER BY id")
                ).all()
        finally:
            db.session.remove()
            upgrade()
    assert [tuple(row) for row in projects] == [("Moved", 1), ("Stayed", 2)]
    assert [tuple(row) for row in audit] == [(1, "User"), (2, "Community")]
