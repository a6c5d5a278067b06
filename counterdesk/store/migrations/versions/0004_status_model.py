"""one status model: received instead of submitted; events carry kind, detail and hall

Revision ID: 0004
Revises: 0003
Created: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of the table would drop its append-only triggers on SQLite.
    op.add_column("status_event", sa.Column("kind", sa.String(length=16), nullable=False,
                                            server_default="move"))
    op.add_column("status_event", sa.Column("detail", sa.Text(), nullable=True))
    op.add_column("status_event", sa.Column("hall_code", sa.String(length=16), nullable=True))
    # Submission is 收件, not 受理 (DOMAIN.md §1). Old events keep the code they were chained with.
    op.execute("UPDATE application SET status = 'received' WHERE status = 'submitted'")


def downgrade() -> None:
    op.execute("UPDATE application SET status = 'submitted' WHERE status = 'received'")
    for column in ("hall_code", "detail", "kind"):
        op.drop_column("status_event", column)
