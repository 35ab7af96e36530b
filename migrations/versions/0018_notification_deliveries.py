"""notification deliveries: new posts whose watchers are yet to be told

A reply's notifications are written just after its response is sent (see
community/notifications/delivery.py). The post's transaction records the
delivery here, and the transaction that writes the notifications deletes
it, so a server that stops in between leaves the record for the background
sender, and watchers are told exactly once.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 08:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['post_id'], ['posts.id'], name=op.f('fk_notification_deliveries_post_id_posts'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_deliveries')),
        sa.UniqueConstraint('post_id', name=op.f('uq_notification_deliveries_post_id')),
    )


def downgrade():
    op.drop_table('notification_deliveries')
