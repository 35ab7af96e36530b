"""measure limit options: leave out unusually large moving ranges, fix the limits

Two options on each measure, as NHSRplotthedots offers them:
screen_outliers leaves moving ranges at or above 3.267 x their mean out of
the limits (on for new measures; measures that already exist keep the
limits they were drawn with until someone turns it on), and fix_after fixes
the mean and limits on the first n points of each period (empty: not fixed).

Revision ID: 0024
Revises: 0020
Create Date: 2026-12-07 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measures') as batch_op:
        batch_op.add_column(
            sa.Column('screen_outliers', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('fix_after', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('measures') as batch_op:
        batch_op.drop_column('fix_after')
        batch_op.drop_column('screen_outliers')
