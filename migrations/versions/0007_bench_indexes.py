"""index each community's threads by latest activity, for the home feed

The home feed takes each of a member's communities' newest threads from this
index instead of sorting every thread they hold (found by `make bench`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 06:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.create_index('ix_threads_community_last_post', ['community_id', 'last_post_at'], unique=False)


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_index('ix_threads_community_last_post')
