"""materials promised instead of handed in (容缺, 告知承诺) and the counter's repeat override

Revision ID: 0010
Revises: 0009
Created: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material_promise",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("material_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("by_staff", sa.String(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("supplied_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("supplied_by", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_note", sa.String(length=500), nullable=True),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("checked_by", sa.String(length=32), nullable=True),
        sa.UniqueConstraint("application_id", "material_code"),
    )
    op.create_index("ix_material_promise_application_id", "material_promise", ["application_id"])
    op.create_index("ix_material_promise_open", "material_promise", ["kind", "supplied_at", "outcome"])
    op.add_column("application", sa.Column("repeat_override_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application") as batch:
        batch.drop_column("repeat_override_by")
    op.drop_index("ix_material_promise_open", table_name="material_promise")
    op.drop_index("ix_material_promise_application_id", table_name="material_promise")
    op.drop_table("material_promise")
