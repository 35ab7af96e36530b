"""measure chart types: proportions, rates, counts and rare events

Each measure says what kind of data it holds and so which chart it is drawn
as (chart_type: xmr, p, p_prime, u, u_prime, c, t, g). Every measure that
already exists is a single value per period, so it stays an XmR chart. A
point of a proportion or a rate keeps its numerator in `value` and its
denominator (or exposure) in the new `denominator` column, empty for the
other types. variation_side keeps which side (high or low) the latest special
cause is on, for the Making Data Count variation icon.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measures') as batch_op:
        batch_op.add_column(
            sa.Column('chart_type', sa.String(length=12), nullable=False, server_default='xmr')
        )
        # Which side the latest special cause is on (1 high, -1 low, 0 none), for the
        # Making Data Count variation icon; worked out again at each measure's next change.
        batch_op.add_column(
            sa.Column('variation_side', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('measure_points') as batch_op:
        batch_op.add_column(sa.Column('denominator', sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table('measure_points') as batch_op:
        batch_op.drop_column('denominator')
    with op.batch_alter_table('measures') as batch_op:
        batch_op.drop_column('variation_side')
        batch_op.drop_column('chart_type')
