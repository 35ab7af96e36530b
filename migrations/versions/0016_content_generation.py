"""the content generation: a number every change to content adds one to

Search keeps each answer in the app process for readers who ask the same
thing; the key of a kept answer holds this number, so an answer made before
any later change (a post hidden, a thread moved, a new post) is never shown
(see community/generation.py). One row, starting at 0.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'content_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('content_generation')
