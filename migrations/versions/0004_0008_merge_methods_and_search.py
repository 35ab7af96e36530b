"""join the methods (0004) and search (0008) migrations into one head

Both revise 0003 and change different tables, so either may run first; this
revision has no operations of its own.

Revision ID: 0004_0008
Revises: 0004, 0008
Create Date: 2026-11-26 10:30:00

"""


# revision identifiers, used by Alembic.
revision = '0004_0008'
down_revision = ('0004', '0008')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
