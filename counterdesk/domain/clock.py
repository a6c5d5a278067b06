"""The hall's clock: China Standard Time (UTC+8, no daylight saving), whatever the machine's zone.

Times are timezone-aware everywhere (the store keeps them in UTC); the day of an application
number and every time shown to a person is the hall's local day and time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    """The current time in the hall, aware, to the second."""
    return datetime.now(CST).replace(microsecond=0)


def today() -> date:
    """The hall's current day."""
    return now().date()


def local(moment: datetime) -> datetime:
    """``moment`` in the hall's zone (naive values are taken as UTC, as SQLite returns them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CST)


def show(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time as people at the counter read it, or an empty string."""
    return local(moment).strftime(fmt) if moment else ""
