"""single sign-on identities and organisations' email domains

A member's link to their NHSmail (OpenID Connect) account, by the provider's
issuer and subject; and the email domains site administrators keep, each one
organisation's or shared (nhs.net).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 20:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "single_sign_on_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("issuer", "subject", name="uq_single_sign_on_identities_subject"),
        sa.UniqueConstraint("user_id", "issuer", name="uq_single_sign_on_identities_member"),
    )
    op.create_table(
        "email_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("domain"),
    )
    with op.batch_alter_table("email_domains") as batch_op:
        batch_op.create_index(batch_op.f("ix_email_domains_organisation_id"), ["organisation_id"])


def downgrade():
    with op.batch_alter_table("email_domains") as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_domains_organisation_id"))
    op.drop_table("email_domains")
    op.drop_table("single_sign_on_identities")
