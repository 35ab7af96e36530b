"""load the expertise vocabulary

Every deployment starts with the same improvement approaches and topics for
members to choose from on their profiles.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:05:00
"""

import sqlalchemy as sa
from alembic import op

from community.accounts.vocabulary import INITIAL_VOCABULARY
from community.core.slugs import slugify

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

expertise_tags = sa.table(
    "expertise_tags",
    sa.column("name", sa.String),
    sa.column("slug", sa.String),
    sa.column("kind", sa.String),
)


def upgrade():
    op.bulk_insert(
        expertise_tags,
        [{"name": name, "slug": slugify(name), "kind": kind} for kind, name in INITIAL_VOCABULARY],
    )


def downgrade():
    op.execute(
        expertise_tags.delete().where(
            expertise_tags.c.slug.in_([slugify(name) for _, name in INITIAL_VOCABULARY])
        )
    )
