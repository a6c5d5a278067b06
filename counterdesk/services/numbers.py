"""Application number allocation (办件编号): one gap-free sequence per county and day.

The sequence row is bumped by a single upsert inside the submitting transaction, so the number is
given exactly when the application is stored as submitted: a rollback returns it, a concurrent
submit waits for the row lock (PostgreSQL) or the write lock (SQLite) and takes the next one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from counterdesk.domain.appno import ApplicationNumber

_NEXT = text(
    "INSERT INTO number_sequence (county_code, day, last) VALUES (:county, :day, 1) "
    "ON CONFLICT (county_code, day) DO UPDATE SET last = number_sequence.last + 1 "
    "RETURNING last"
)


def allocate(session: Session, county_code: str, day: date) -> ApplicationNumber:
    """The next number of ``county_code`` on ``day``, within the caller's transaction."""
    seq = session.execute(_NEXT, {"county": county_code, "day": day.strftime("%Y%m%d")}).scalar_one()
    return ApplicationNumber(county_code=county_code, day=day, seq=seq)
