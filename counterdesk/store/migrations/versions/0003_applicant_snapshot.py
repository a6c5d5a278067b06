"""the applicant as submitted, kept on each application

Revision ID: 0003
Revises: 0002
Created: 2026-11-26 09:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SNAPSHOT_FIELDS = ("id", "kind", "id_type", "id_number", "name", "sex", "birth_date", "mobile", "email",
                   "household_address", "residence_address", "legal_representative")


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("applicant_json", sa.Text(), nullable=True))
    _backfill()


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("applicant_json")


def _backfill() -> None:
    """Submitted applications get the applicant as stored today: the best record of what was submitted."""
    bind = op.get_bind()
    applicants = {row.id: row for row in bind.execute(sa.text(
        f"SELECT {', '.join(SNAPSHOT_FIELDS)} FROM applicant"))}
    pending = bind.execute(sa.text(
        "SELECT id, applicant_id FROM application WHERE status <> 'draft' AND applicant_id IS NOT NULL")).all()
    update = sa.text("UPDATE application SET applicant_json = :snapshot WHERE id = :id")
    rows = [{"id": app_id, "snapshot": json.dumps(
        {field: _plain(getattr(applicants[applicant_id], field)) for field in SNAPSHOT_FIELDS}, ensure_ascii=False)}
        for app_id, applicant_id in pending if applicant_id in applicants]
    for start in range(0, len(rows), 1000):
        bind.execute(update, rows[start:start + 1000])


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
