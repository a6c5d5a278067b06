"""numbered supplement notices (补正告知), append-only

Revision ID: 0009
Revises: 0008
Created: 2026-12-02 02:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplement_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("application_id", sa.Integer(), sa.ForeignKey("application.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("materials", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("by_staff", sa.String(length=32), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("application_id", "seq"),
    )
    op.create_index("ix_supplement_notice_application_id", "supplement_notice", ["application_id"])
    # A notice handed to the citizen is never changed: a new request is the next number.
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER supplement_notice_no_{verb.lower()} BEFORE {verb} ON supplement_notice "
                       "BEGIN SELECT RAISE(ABORT, 'supplement_notice is append-only'); END")
        return
    op.execute("CREATE TRIGGER supplement_notice_append_only BEFORE UPDATE OR DELETE ON supplement_notice "
               "FOR EACH ROW EXECUTE FUNCTION counterdesk_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS supplement_notice_no_{verb}")
    else:
        op.execute("DROP TRIGGER IF EXISTS supplement_notice_append_only ON supplement_notice")
    op.drop_index("ix_supplement_notice_application_id", table_name="supplement_notice")
    op.drop_table("supplement_notice")
