"""the content generation: numbers that go up as changes to content commit

Search keeps each answer in the app process for readers who ask the same
thing. `altered` goes up with every change that may take something away or
alter it (a post hidden or edited, a thread moved); the key of a kept answer
holds it, so no answer made before such a change is shown again. `added`
goes up with changes that only add (a new reply): an answer made before one
is used for a few seconds at most (see community/generation.py). One row.

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
        sa.Column('altered', sa.BigInteger(), nullable=False),
        sa.Column('added', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_content_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'altered': 0, 'added': 0}])


def downgrade():
    op.drop_table('content_generation')
