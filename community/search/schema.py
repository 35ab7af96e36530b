"""Names of the database objects the search migration makes outside the models.

Alembic's autogenerate compares the models with the database. The FTS5 table
(and the shadow tables SQLite keeps for it, and the generated column it reads the
kind from, migration 0032) and PostgreSQL's generated
`search_vector` column with its GIN index are made by hand in migration 0008,
so the comparison must not see them as strays. `migrations/env.py` and
`tests/platform/test_migrations.py` pass these two hooks to Alembic.
"""

from __future__ import annotations

FTS_TABLE = "search_fts"
# SQLite: the generated column the full-text index reads each document's kind from.
KIND_TOKEN_COLUMN = "kind_token"  # noqa: S105  (a column, not a secret)
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_search_documents_search_vector"
# FTS5 keeps its index in these tables beside the virtual table itself.
FTS_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


def is_search_machinery(name: str | None) -> bool:
    if not name:
        return False
    if name == FTS_TABLE or name in (VECTOR_COLUMN, VECTOR_INDEX, KIND_TOKEN_COLUMN):
        return True
    return any(name == FTS_TABLE + suffix for suffix in FTS_SHADOW_SUFFIXES)


def include_name(name, type_, parent_names) -> bool:
    """Alembic `include_name` hook: skip the hand-made search objects."""
    return not is_search_machinery(name)


def include_object(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic `include_object` hook: the same rule for reflected columns and indexes."""
    return not is_search_machinery(name)
