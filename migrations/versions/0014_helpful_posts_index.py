"""index the posts marked helpful by author, for mentor evidence

The hourly recount of every mentor's helpful marks read each post a mentor
ever wrote (about 10 000 rows, scattered through the posts table, per thousand
mentors). This partial index holds only shown posts with a helpful mark, and
every column the sum needs.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-26 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CONDITION = "helpful_count > 0 AND deleted_at IS NULL AND hidden_at IS NULL"


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_posts_helpful_by_author', ['author_id', 'thread_id', 'helpful_count', 'deleted_at', 'hidden_at'],
            unique=False, sqlite_where=sa.text(CONDITION), postgresql_where=sa.text(CONDITION),
        )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_helpful_by_author')
