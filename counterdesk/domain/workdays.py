"""Working days (工作日): the promised completion date printed on the receipt.

A working day is Monday to Friday, except public holidays (法定节假日), plus the weekend days the
State Council's yearly notice turns into working days (调休上班). The calendar of those days is
data (``data/holidays.toml``, read by the catalog); for a year it does not know, only weekends are
skipped and ``WorkCalendar.knows`` says so, so the receipt can tell the citizen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up working days of the years it knows."""

    holidays: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()
    years: frozenset[int] = field(default=frozenset())
    """The years whose notice is in the calendar."""

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def knows(self, start: date, end: date) -> bool:
        """Whether every year from ``start`` to ``end`` has its notice in the calendar."""
        return all(year in self.years for year in range(start.year, end.year + 1))


WEEKENDS_ONLY = WorkCalendar()
"""A calendar that knows no holidays: Monday to Friday."""


def is_working_day(day: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> bool:
    """Whether ``day`` is a working day in ``calendar``."""
    return calendar.is_working_day(day)


def add_working_days(start: date, days: int, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """The day ``days`` working days after ``start``; 0 (即办) is ``start`` itself."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = start
    while days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def working_days_before(end: date, days: int, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """The day ``days`` working days before ``end`` (``add_working_days`` run backwards)."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = end
    while days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day
