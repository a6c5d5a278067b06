"""the clock and the paper trail: due dates the queue filters on, numbered supplement notices

Revision ID: 0007
Revises: 0006
Created: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The due date of a running clock only: overdue and warning filters are ranges on it.
    op.add_column("application", sa.Column("due_date", sa.Date(), nullable=True))
    op.create_index("ix_application_due_status", "application", ["due_date", "status"])


def downgrade() -> None:
    op.drop_index("ix_application_due_status", table_name="application")
    op.drop_column("application", "due_date")
