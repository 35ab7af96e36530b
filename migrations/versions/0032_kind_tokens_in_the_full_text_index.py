"""a word of its own for each document's kind in SQLite's full-text index

Since 0015 the index held each document's kind as the plain word ("post",
"project"), so a search of one type asked FTS5 for `kind : "project"`. Those
words are common in the text too, and a column filter makes FTS5 read the
positions of every document holding the word to see which column it is in: for
a common word, 3–4 ms a search for projects and people alone. Now the index
holds a word no text contains (`xkindproject`, from a generated column of
search_documents, `kind_token`), matched without naming a column: the same
search reads the two words' document lists and costs about a tenth.

The table and its triggers are made again and the index rebuilt from
search_documents in SQL (a few minutes for a million documents). PostgreSQL
filters on search_documents.kind: nothing changes there.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 23:40:00.000000

"""

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

# (community/search/backends/sqlite_fts.py: KIND_TOKEN_PREFIX)
TOKEN = "'xkind' || kind"


def _full_text_index(columns: list[str], kind_column: str) -> list[str]:
    """The FTS5 table over `columns` of search_documents and its three triggers (each
    fires on a change to the text or to `kind`, which `kind_column` is made from)."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    watched = ", ".join(c for c in columns if c != kind_column) + ", kind"
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
        CREATE TRIGGER search_documents_after_update AFTER UPDATE OF {watched}
        ON search_documents BEGIN
            INSERT INTO search_fts(search_fts, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO search_fts(rowid, {names}) VALUES (new.id, {new});
        END
        """,
    ]


def _make_again(columns: list[str], kind_column: str, before=None) -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS search_documents_after_{trigger}")
    op.execute("DROP TABLE IF EXISTS search_fts")
    if before is not None:
        before()
    for statement in _full_text_index(columns, kind_column):
        op.execute(statement)
    documents = op.get_bind().exec_driver_sql("SELECT count(*) FROM search_documents").scalar()
    if documents:
        print(f"Rebuilding the full-text index of {documents:,} documents "
              "(a few minutes a million) …", flush=True)  # fmt: skip
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    # (A VIRTUAL generated column: worked out when read, so nothing is stored or copied.)
    op.execute(
        f"ALTER TABLE search_documents ADD COLUMN kind_token TEXT "
        f"GENERATED ALWAYS AS ({TOKEN}) VIRTUAL"
    )
    _make_again(["title", "body", "tags", "kind_token"], "kind_token")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    _make_again(
        ["title", "body", "tags", "kind"], "kind",
        before=lambda: op.execute("ALTER TABLE search_documents DROP COLUMN kind_token"),
    )  # fmt: skip
