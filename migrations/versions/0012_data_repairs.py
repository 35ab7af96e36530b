"""repair two kinds of rows that earlier code wrote wrongly

* Audit entries made from a page before the fix named their target as
  `LocalProxy` (the `current_user` proxy) instead of `User`. Every such entry
  was about the member who made the request, so they become `User` entries:
  the member's data export then lists them, and deleting the account removes
  the member's address from them.
* A project keeps its organisation's system (for the projects list's system
  filter and the system dashboard). Moving an organisation to another system
  did not move its projects; they follow it now, and this brings existing
  projects into line.

Nothing to undo on the way down: the repaired rows are what the code writes.

Revision ID: 0012
Revises: 0005
Create Date: 2026-11-26 13:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_events SET target_type = 'User' WHERE target_type = 'LocalProxy'")
    op.execute(
        "UPDATE projects SET system_id = ("
        " SELECT organisations.system_id FROM organisations"
        " WHERE organisations.id = projects.organisation_id)"
        " WHERE system_id <> ("
        " SELECT organisations.system_id FROM organisations"
        " WHERE organisations.id = projects.organisation_id)"
    )


def downgrade():
    pass
