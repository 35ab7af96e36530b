"""Rows of a database as it stood at migration 0003 (communities and threads), for
the tests that upgrade such a database through a later migration."""

COMMUNITY_THREAD_ROWS = """
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
"""
