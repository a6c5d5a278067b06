"""Application number allocation (办件编号): one gap-free sequence per hall, handling county and day.

The number carries the receiving hall's code (``domain.appno``), so halls never coordinate: each
counts its own. The sequence row is bumped by a single upsert inside the submitting transaction,
so numbers are given exactly when the applications are stored as submitted: a rollback returns
them, a concurrent submit waits for the row lock (PostgreSQL) or the write lock (SQLite) and
takes the next ones.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from counterdesk.domain.appno import SEQ_MAX, ApplicationNumber
from counterdesk.domain.errors import Conflict
from counterdesk.services.hall import DEFAULT_SITE, get_hall

_BUMP = text(
    "INSERT INTO number_sequence (hall_code, county_code, day, last) VALUES (:hall, :county, :day, :count) "
    "ON CONFLICT (hall_code, county_code, day) DO UPDATE SET last = number_sequence.last + :count "
    "RETURNING last"
)


def numbering_hall(session: Session, county_code: str) -> str:
    """The hall code that goes into this process's numbers.

    A hall not yet set up (scripts run before ``init --county``) numbers as site 01 of the
    handling county, as a single-county hall would.
    """
    return get_hall(session).code or county_code + DEFAULT_SITE


def allocate_block(session: Session, county_code: str, day: date, count: int) -> list[ApplicationNumber]:
    """The next ``count`` numbers for ``county_code`` on ``day``, within the caller's transaction.

    Past SEQ_MAX the hall has given every number of the day for that county: refused with a
    sentence (the transaction is the caller's to roll back), never a number that could repeat.
    """
    hall = numbering_hall(session, county_code)
    last = session.execute(_BUMP, {"hall": hall, "county": county_code, "day": day.strftime("%Y%m%d"),
                                   "count": count}).scalar_one()
    if last > SEQ_MAX:
        raise Conflict(f"本大厅今天为区县 {county_code} 发出的办件编号已达上限 {SEQ_MAX} 个，"
                       "其余申请请于下一个工作日提交。", code="numbers_exhausted")
    return [ApplicationNumber(county_code=county_code, day=day, seq=seq, hall_code=hall)
            for seq in range(last - count + 1, last + 1)]


def allocate(session: Session, county_code: str, day: date) -> ApplicationNumber:
    """The next number for ``county_code`` on ``day``, within the caller's transaction."""
    return allocate_block(session, county_code, day, 1)[0]
