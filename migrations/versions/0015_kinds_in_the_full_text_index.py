"""the kind of each document in SQLite's full-text index

A search for one type (people, methods, …) asked FTS5 for every match of the
words and then looked up each match's kind: "discharge" in people read the
half-million posts that mention it to find the few thousand people who do.
With the kind in the index, FTS5 gives one type's matches alone. The table is
made again with a fourth column, `kind` (read from search_documents like the
others), the triggers that keep it in step write the kind too, and the index
is rebuilt from search_documents in SQL (about 5 minutes for a million
documents). PostgreSQL filters on search_documents.kind already: nothing
changes there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 16:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _full_text_index(columns: list[str]) -> list[str]:
    """The FTS5 table over `columns` of search_documents and its three triggers."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"""
        CREATE VIRTUAL TABLE search_fts USING fts5(
            {names},
            content='search_documents', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2',
            prefix='2 3'
        )
        """,
        f"""
        CREATE TRIGGER search_documents_after_insert AFTER INSERT ON search_documents BEGIN
            INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new});
        END
        """,
        f"""
        CREATE TRIGGER search_documents_after_delete AFTER DELETE ON search_documents BEGIN
            INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old});
        END
        """,
        f"""
        CREATE TRIGGER search_documents_after_update AFTER UPDATE OF {names}
        ON search_documents BEGIN
            INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new});
        END
        """,
    ]


def _make_again(columns: list[str]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_documents_after_{trigger}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    for statement in _full_text_index(columns):
        op.execute(statement)
    documents = op.get_bind().exec_driver_sql("SELECT count(*) FROM search_documents").scalar()
    if documents:
        print(f"Rebuilding the full-text index of {documents:,} documents "
              "(about 5 minutes a million) …", flush=True)
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def upgrade():
    _make_again(["title", "body", "tags", "kind"])


def downgrade():
    _make_again(["title", "body", "tags"])
