"""files and images: files attached to posts, and each post's count of them

A file's facts are a row of stored_files; its bytes are in the storage FILES_STORAGE
chooses (a folder under the instance folder, or an S3 bucket). posts.file_count lets a
thread page read files only for the posts that have some.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 20:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("alt_text", sa.String(length=300), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=100), nullable=False),
        sa.Column("scan_status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploader_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_index("ix_stored_files_post_id", "stored_files", ["post_id"])
    op.create_index(
        "ix_stored_files_uploader_created", "stored_files", ["uploader_id", "created_at"]
    )
    with op.batch_alter_table("posts") as batch:
        batch.add_column(
            sa.Column("file_count", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )


def downgrade():
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("file_count")
    op.drop_index("ix_stored_files_uploader_created", table_name="stored_files")
    op.drop_index("ix_stored_files_post_id", table_name="stored_files")
    op.drop_table("stored_files")
