"""How the applicant's identity was checked at the counter (身份核验方式).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.add_column(sa.Column("identity_check", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("identity_check")
