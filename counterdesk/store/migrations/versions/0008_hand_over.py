"""hand-over between halls: hall codes in numbers, registered halls, transfer batches and packages

Revision ID: 0008
Revises: 0007
Created: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Numbers now carry the receiving hall, so each hall counts on its own. The old per-county
    # counters only ever served the old form of number, which is no longer issued.
    op.drop_table("number_sequence")
    op.create_table(
        "number_sequence",
        sa.Column("hall_code", sa.String(length=8), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hall_code", "county_code", "day"),
    )
    op.create_table(
        "hall",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=True),
        sa.Column("own", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "transfer_batch",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("from_hall", sa.String(length=8), nullable=False),
        sa.Column("to_county", sa.String(length=6), nullable=False),
        sa.Column("waybill", sa.String(length=64), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("signed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("signed_by", sa.String(length=32), nullable=True),
        sa.Column("signed_hall", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transfer_batch_to_county", "transfer_batch", ["to_county", "signed_at"])
    op.create_table(
        "transfer_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("hall_code", sa.String(length=8), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("by_staff", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("direction", "digest"),
    )
    op.create_index("ix_transfer_log_hall", "transfer_log", ["hall_code", "kind", "direction"])
    # Plain ADD COLUMN: a batch copy of status_event would drop its append-only triggers on SQLite.
    op.add_column("status_event", sa.Column("origin", sa.String(length=40), nullable=True))
    op.create_index("ix_status_event_origin", "status_event", ["origin"], unique=True)
    op.add_column("application", sa.Column("received_by", sa.String(length=8), nullable=True))
    op.add_column("application", sa.Column("transfer_batch", sa.String(length=40), nullable=True))
    op.create_index("ix_application_transfer_batch", "application", ["transfer_batch"])
    op.create_index("ix_application_county_status", "application", ["county_code", "status"])


def downgrade() -> None:
    op.drop_index("ix_application_county_status", table_name="application")
    op.drop_index("ix_application_transfer_batch", table_name="application")
    with op.batch_alter_table("application") as batch:
        batch.drop_column("transfer_batch")
        batch.drop_column("received_by")
    op.drop_index("ix_status_event_origin", table_name="status_event")
    op.drop_column("status_event", "origin")
    op.drop_index("ix_transfer_log_hall", table_name="transfer_log")
    op.drop_table("transfer_log")
    op.drop_index("ix_transfer_batch_to_county", table_name="transfer_batch")
    op.drop_table("transfer_batch")
    op.drop_table("hall")
    op.drop_table("number_sequence")
    op.create_table(
        "number_sequence",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "day"),
    )
