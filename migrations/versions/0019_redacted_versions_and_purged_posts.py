"""redacted post versions and purged posts: personal information can be taken back

An earlier version of a post can be redacted by its author or the thread's
moderators: its text is overwritten, and who redacted it and when is kept so
the history can say so. A site administrator can purge a post: its text and
every version's text are overwritten, and `purged_at` lets the thread say the
post was removed by an administrator.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('redacted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_post_revisions_redacted_by_id_users'), 'users', ['redacted_by_id'],
            ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_post_revisions_redacted_by_id_users'), type_='foreignkey'
        )
        batch_op.drop_column('redacted_by_id')
        batch_op.drop_column('redacted_at')
