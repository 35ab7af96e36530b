"""thread content versions: an edit in one thread leaves other threads' kept pages alone

`threads.content_version` goes up with every alteration confined to that
thread's own page; `content_generation.shared` with every other alteration
(community/caching/changes.py). Both start at 0.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 20:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("threads") as batch_op:
        batch_op.add_column(
            sa.Column("content_version", sa.BigInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("content_generation") as batch_op:
        batch_op.add_column(
            sa.Column("shared", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("content_generation") as batch_op:
        batch_op.drop_column("shared")
    with op.batch_alter_table("threads") as batch_op:
        batch_op.drop_column("content_version")
