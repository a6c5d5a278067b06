"""visits (来访), 办不成事 cases, ratings (好差评) and the 差评 ledger

Revision ID: 0006
Revises: 0005
Created: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment() -> sqlmodel.sql.sqltypes.UTCDateTime:
    return sqlmodel.sql.sqltypes.UTCDateTime()


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome", _text(16), nullable=False),
        sa.Column("matter_code", _text(64), nullable=True),
        sa.Column("county_code", _text(6), nullable=True),
        sa.Column("ticket_no", _text(32), nullable=True),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("note", _text(500), nullable=False),
        sa.Column("referred_to", _text(200), nullable=True),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("staff_id", _text(32), nullable=False),
        sa.Column("called_at", _moment(), nullable=False),
        sa.Column("ended_at", _moment(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_visit_day_window", "visit", ["day", "window"])
    op.create_table(
        "failed_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("what", _text(500), nullable=False),
        sa.Column("where", _text(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("resolution", _text(500), nullable=True),
        sa.Column("resolved_at", _moment(), nullable=True),
        sa.Column("resolved_by", _text(32), nullable=True),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("visit_id"),
    )
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("clerk_id", _text(32), nullable=False),
        sa.Column("requested_at", _moment(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("reasons", _text(200), nullable=False),
        sa.Column("comment", _text(250), nullable=False),
        sa.Column("channel", _text(16), nullable=True),
        sa.Column("rated_at", _moment(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"]),
        sa.ForeignKeyConstraint(["clerk_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("application_id"),
        sa.UniqueConstraint("visit_id"),
    )
    op.create_index("ix_rating_window_pending", "rating", ["window", "score"])
    op.create_index("ix_rating_rated_on", "rating", ["rated_on"])
    op.create_table(
        "rating_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", _moment(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("callback_note", _text(500), nullable=True),
        sa.Column("rectification", _text(500), nullable=True),
        sa.Column("review_note", _text(500), nullable=True),
        sa.Column("reviewed_by", _text(32), nullable=True),
        sa.Column("feedback", _text(500), nullable=True),
        sa.Column("updated_at", _moment(), nullable=False),
        sa.ForeignKeyConstraint(["rating_id"], ["rating.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("rating_id"),
    )
    op.create_index("ix_rating_case_due_on", "rating_case", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_rating_case_due_on", table_name="rating_case")
    op.drop_table("rating_case")
    op.drop_index("ix_rating_rated_on", table_name="rating")
    op.drop_index("ix_rating_window_pending", table_name="rating")
    op.drop_table("rating")
    op.drop_table("failed_case")
    op.drop_index("ix_visit_day_window", table_name="visit")
    op.drop_table("visit")
