"""Working days (工作日): the promised completion date printed on the receipt.

Only weekends are skipped: public holidays and the make-up working days around them are set
each year by the State Council and are not known here, which is why the receipt also says
that the limit is counted in working days.
"""

from __future__ import annotations

from datetime import date, timedelta


def is_working_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The day ``days`` working days after ``start``; 0 (即办) is ``start`` itself."""
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day
