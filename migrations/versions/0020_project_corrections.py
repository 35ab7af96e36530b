"""project corrections: who entered and changed each data point; archived and deleted projects

A data point records who entered it and when, and who last changed it and
when (points entered before this revision have no entrant on record). A
project can be archived (out of the active lists, still readable, can be
restored) or deleted (gone for everyone; the row stays so the audit log
still names it).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measure_points') as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('changed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_measure_points_created_by_id_users'), 'users', ['created_by_id'],
            ['id'], ondelete='SET NULL',
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_measure_points_changed_by_id_users'), 'users', ['changed_by_id'],
            ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('projects') as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('projects') as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('measure_points') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_measure_points_changed_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_measure_points_created_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('changed_at')
        batch_op.drop_column('changed_by_id')
        batch_op.drop_column('created_at')
        batch_op.drop_column('created_by_id')
