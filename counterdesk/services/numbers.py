"""Application number allocation (办件编号): one gap-free sequence per county and day.

The sequence row is bumped by a single upsert inside the submitting transaction, so numbers are
given exactly when the applications are stored as submitted: a rollback returns them, a concurrent
submit waits for the row lock (PostgreSQL) or the write lock (SQLite) and takes the next ones.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from counterdesk.domain.appno import ApplicationNumber

_BUMP = text(
    "INSERT INTO number_sequence (county_code, day, last) VALUES (:county, :day, :count) "
    "ON CONFLICT (county_code, day) DO UPDATE SET last = number_sequence.last + :count "
    "RETURNING last"
)


def allocate_block(session: Session, county_code: str, day: date, count: int) -> list[ApplicationNumber]:
    """The next ``count`` numbers of ``county_code`` on ``day``, within the caller's transaction."""
    last = session.execute(_BUMP, {"county": county_code, "day": day.strftime("%Y%m%d"), "count": count}).scalar_one()
    return [ApplicationNumber(county_code=county_code, day=day, seq=seq) for seq in range(last - count + 1, last + 1)]


def allocate(session: Session, county_code: str, day: date) -> ApplicationNumber:
    """The next number of ``county_code`` on ``day``, within the caller's transaction."""
    return allocate_block(session, county_code, day, 1)[0]
