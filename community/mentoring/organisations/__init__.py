"""Mentoring seen from an organisation or a system: capability self-assessments,
mentoring history, the dashboard and its charts."""
