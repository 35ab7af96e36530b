"""expertise synonyms: other names for each expertise tag (acronyms, spellings)

"SPC", "statistical process control" and "Statistical process control (SPC)"
are one topic to the expertise finder; administrators add more names on the
reference-data pages. Loads the synonyms of the initial vocabulary.

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-07 15:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

from community.accounts.vocabulary import INITIAL_SYNONYMS
from community.core.slugs import slugify

revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None


def normalised(text: str) -> str:
    """community.search.vocabulary.normalised as it was when this was written."""
    return slugify(text.replace("&", " and "))


def upgrade():
    synonyms = op.create_table(
        "expertise_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["expertise_tags.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("expertise_synonyms") as batch_op:
        batch_op.create_index(batch_op.f("ix_expertise_synonyms_tag_id"), ["tag_id"])
    tags = sa.table("expertise_tags", sa.column("id", sa.Integer), sa.column("name", sa.String))
    ids = dict(op.get_bind().execute(sa.select(tags.c.name, tags.c.id)).all())
    rows = [
        {"tag_id": ids[name], "text": text, "key": normalised(text)}
        for name, texts in INITIAL_SYNONYMS.items()
        if name in ids  # a deployment that renamed or removed a tag keeps its choice
        for text in texts
    ]
    if rows:
        op.bulk_insert(synonyms, rows)


def downgrade():
    with op.batch_alter_table("expertise_synonyms") as batch_op:
        batch_op.drop_index(batch_op.f("ix_expertise_synonyms_tag_id"))
    op.drop_table("expertise_synonyms")
