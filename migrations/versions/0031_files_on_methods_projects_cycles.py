"""files on methods, projects and PDSA cycles, and the files each method revision had

stored_files gains method_id, project_id and cycle_id beside post_id, and a CHECK that
exactly one of the four is set (every existing row has its post_id, so it passes).
method_revision_files remembers which files a method had when each revision was kept;
a removed file's link keeps its row with file_id NULL, so the revision can say that a
file was removed without keeping anything of it.

Written for SQLite (batch mode: the table is copied with its new columns and constraint)
and PostgreSQL (ALTER TABLE).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-14 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

OWNER_COLUMNS = ("post_id", "method_id", "project_id", "cycle_id")
ONE_OWNER = (
    " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in OWNER_COLUMNS) + " = 1"
)
OWNERS = (("method_id", "methods"), ("project_id", "projects"), ("cycle_id", "pdsa_cycles"))


def upgrade():
    with op.batch_alter_table("stored_files") as batch:
        for column, table in OWNERS:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(
                f"fk_stored_files_{column}_{table}", table, [column], ["id"], ondelete="CASCADE"
            )
            batch.create_index(f"ix_stored_files_{column}", [column])
        batch.create_check_constraint("ck_stored_files_one_owner", ONE_OWNER)

    op.create_table(
        "method_revision_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["method_revisions.id"],
            name="fk_method_revision_files_revision_id_method_revisions", ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_files.id"],
            name="fk_method_revision_files_file_id_stored_files", ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_method_revision_files"),
    )
    op.create_index(
        "ix_method_revision_files_revision_id", "method_revision_files", ["revision_id"]
    )
    op.create_index("ix_method_revision_files_file_id", "method_revision_files", ["file_id"])


def downgrade():
    op.drop_index("ix_method_revision_files_file_id", table_name="method_revision_files")
    op.drop_index("ix_method_revision_files_revision_id", table_name="method_revision_files")
    op.drop_table("method_revision_files")
    # A file on anything but a post cannot be kept by the older schema: its row goes (its
    # bytes stay in storage, unreferenced; take a backup before downgrading).
    op.execute(sa.text("DELETE FROM stored_files WHERE post_id IS NULL"))
    with op.batch_alter_table("stored_files") as batch:
        batch.drop_constraint("ck_stored_files_one_owner", type_="check")
        for column, table in reversed(OWNERS):
            batch.drop_index(f"ix_stored_files_{column}")
            batch.drop_constraint(f"fk_stored_files_{column}_{table}", type_="foreignkey")
            batch.drop_column(column)
