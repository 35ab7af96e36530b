"""retired usernames: a deleted member's username is not given to anyone else

Only a SHA-256 digest of each name is kept.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retired_usernames',
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_retired_usernames'))
    )


def downgrade():
    op.drop_table('retired_usernames')
