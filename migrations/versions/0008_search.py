"""search: the search_documents table and its full-text index

SQLite: an FTS5 table over search_documents' text (porter stemming, unicode,
no diacritics, prefix indexes), kept in step by triggers in the same
transaction as every write. PostgreSQL: a generated tsvector column (title A,
tags B, body D) with a GIN index. The names match community/search/schema.py.

Existing content is not copied in here (a migration must not import the app):
run `flask search reindex` after upgrading a database that already has content.

Revision ID: 0008
Revises: 0003
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0003'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        title, body, tags,
        content='search_documents', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2',
        prefix='2 3'
    )
    """,
    """
    CREATE TRIGGER search_documents_after_insert AFTER INSERT ON search_documents BEGIN
        INSERT INTO search_fts(rowid, title, body, tags)
        VALUES (new.id, new.title, new.body, new.tags);
    END
    """,
    """
    CREATE TRIGGER search_documents_after_delete AFTER DELETE ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
    END
    """,
    """
    CREATE TRIGGER search_documents_after_update AFTER UPDATE OF title, body, tags
    ON search_documents BEGIN
        INSERT INTO search_fts(search_fts, rowid, title, body, tags)
        VALUES ('delete', old.id, old.title, old.body, old.tags);
        INSERT INTO search_fts(rowid, title, body, tags)
        VALUES (new.id, new.title, new.body, new.tags);
    END
    """,
]

POSTGRESQL_VECTOR = [
    """
    ALTER TABLE search_documents ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(tags, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(body, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)",
]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('tags', sa.Text(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('system_id', sa.Integer(), nullable=True),
    sa.Column('dated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('boost', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_search_documents_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_search_documents_community_id_communities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_search_documents_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['system_id'], ['systems.id'], name=op.f('fk_search_documents_system_id_systems')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_documents_kind'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_dated_at'), ['dated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_system_id'), ['system_id'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRESQL_VECTOR:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS search_documents_after_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_system_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_dated_at'))
        batch_op.drop_index(batch_op.f('ix_search_documents_community_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_author_id'))
    op.drop_table('search_documents')
