"""the digest's index of notifications by time, so a reply's fan-out appends to it

`ix_notifications_digest` was (emailed_at, recipient_id): a reply that
notifies 250 watchers put each row in a different place of it (by
recipient), so the commit wrote about 250 more pages of index. It is now
(emailed_at, created_at, recipient_id): new rows are the newest and go at
the end of the unemailed ones, and the daily digest reads only the last
seven days of them instead of every unemailed row ever written (those of
members who chose no email stay unemailed forever).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 07:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest')
        batch_op.create_index(
            'ix_notifications_digest', ['emailed_at', 'created_at', 'recipient_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_digest')
        batch_op.create_index('ix_notifications_digest', ['emailed_at', 'recipient_id'], unique=False)
