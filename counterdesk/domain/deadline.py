"""The legal clock of an application (限时办结): due date and remaining working days.

A pure function over the clock marks of an application's events (受理 starts the clock, 补正 and
特别程序 pause it, 已补正 and 办理中 resume it, 办结 / 不予受理 / 撤回 stop it, 延期 adds working days;
see ``ClockEffect`` in ``domain.workflow``) and the holiday calendar.

Days are counted the way the receipt always promised: the day of 受理 itself does not count, so a
limit of N working days falls due on ``add_working_days(accepted_on, N)``. A working day counts
when the clock ran all of it: the day a pause begins does not count, nor the day it is resumed,
while the day it is stopped does (a matter completed on its due day is on time).
A second 受理 after a supplement resumes the clock rather than starting it afresh: the promise made
at the first 受理 stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from counterdesk.domain.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days
from counterdesk.domain.workflow import ClockEffect

WARNING_DAYS = 2
"""预警: at most this many working days left."""

SIGN_FOR_DAYS = 3
"""Working days a dispatched batch may travel before its 办理地 is late in signing for it (超时未签收)."""


class ClockState(StrEnum):
    """Where the clock is (the ``clock`` field of ``status --json``)."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPED = "stopped"


CLOCK_LABELS: dict[str, str] = {
    ClockState.NOT_STARTED: "未起算",
    ClockState.RUNNING: "计时中",
    ClockState.PAUSED: "暂停计时",
    ClockState.STOPPED: "已停止",
}
"""Clock state → Chinese label."""


@dataclass(frozen=True)
class ClockMark:
    """One event as the clock sees it: the hall's day, what the move did, or days of an extension."""

    day: date
    effect: ClockEffect = ClockEffect.NONE
    extend_days: int = 0
    """延期: working days a supervisor added (the effect is then NONE)."""


@dataclass(frozen=True)
class Deadline:
    """The clock of one application as of a day."""

    state: ClockState
    due_date: date | None
    """承诺办结日期; None before 受理, while paused short of it, or stopped during a pause."""
    remaining: int | None
    """Working days left (0 on the due day, negative once overdue); None before 受理."""
    limit_days: int
    """The time limit with every extension."""
    extended_days: int = 0
    stopped_on: date | None = None
    as_of: date | None = None

    @property
    def overdue(self) -> bool:
        """逾期: the due date has passed while the clock ran (or it stopped after it)."""
        if self.due_date is None:
            return False
        if self.state == ClockState.STOPPED:
            return self.stopped_on is not None and self.stopped_on > self.due_date
        if self.state == ClockState.PAUSED:
            return self.remaining is not None and self.remaining < 0
        return self.as_of is not None and self.as_of > self.due_date

    @property
    def warning(self) -> bool:
        """预警: a running clock with at most WARNING_DAYS working days left, not yet overdue."""
        return (self.state == ClockState.RUNNING and not self.overdue and self.remaining is not None
                and self.remaining <= WARNING_DAYS)

    @property
    def remaining_label(self) -> str:
        """剩余工作日 as lists show it: 逾期, n 天, 暂停（余 n 天）, or — without a running promise."""
        if self.remaining is None or self.state == ClockState.STOPPED:
            return "—"
        if self.overdue:
            return "逾期"
        if self.state == ClockState.PAUSED:
            return f"暂停（余 {self.remaining} 天）"
        return f"{self.remaining} 天"

    @property
    def remaining_sentence(self) -> str:
        """The same for a line of prose, where no column heading says the days are working days."""
        if self.state == ClockState.STOPPED:
            return "已停止计时"
        if self.remaining is None:
            return "受理后开始计时"
        if self.overdue:
            return "已逾期"
        if self.state == ClockState.PAUSED:
            return f"计时暂停，余 {self.remaining} 个工作日"
        return f"剩余 {self.remaining} 个工作日"

    @property
    def on_time(self) -> bool | None:
        """按期: for a clock stopped after 受理, whether it stopped by the due date; else None."""
        if self.state != ClockState.STOPPED or self.remaining is None:
            return None
        return not self.overdue


def working_days_between(after: date, through: date, calendar: WorkCalendar = WEEKENDS_ONLY) -> int:
    """How many working days d there are with ``after < d <= through`` (0 when through <= after)."""
    count, day = 0, after
    while day < through:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def deadline(marks: list[ClockMark], *, limit_days: int, today: date,
             calendar: WorkCalendar = WEEKENDS_ONLY) -> Deadline:
    """The clock after ``marks`` (in the order they happened), as of ``today``.

    The clock runs in segments: each starts the day it is (re)started, not counted, and ends the
    day before a pause or on the day it stops; the open one runs through ``today``.
    """
    state = ClockState.NOT_STARTED
    segments: list[tuple[date, date | None]] = []
    total, extended, stopped_on, stopped_running = limit_days, 0, None, False
    for mark in marks:
        if mark.extend_days:
            total += mark.extend_days
            extended += mark.extend_days
            continue
        effect = mark.effect
        if (effect == ClockEffect.START and state == ClockState.NOT_STARTED) or (
                effect in (ClockEffect.START, ClockEffect.RESUME) and state == ClockState.PAUSED):
            segments.append((mark.day, None))
            state = ClockState.RUNNING
        elif effect == ClockEffect.PAUSE and state == ClockState.RUNNING:
            segments[-1] = (segments[-1][0], mark.day - timedelta(days=1))
            state = ClockState.PAUSED
        elif effect == ClockEffect.STOP and state != ClockState.STOPPED:
            stopped_running = state == ClockState.RUNNING
            if stopped_running:
                segments[-1] = (segments[-1][0], mark.day)
            state, stopped_on = ClockState.STOPPED, mark.day
    if not segments:
        return Deadline(state, None, None, total, extended, stopped_on, today)

    consumed, due = 0, None
    for start, end in segments:
        counted = working_days_between(start, today if end is None else end, calendar)
        if due is None and (end is None or consumed + counted >= total):
            # Earlier segments fell short, so total - consumed is never negative here.
            due = add_working_days(start, total - consumed, calendar)
        consumed += counted
    last_end = segments[-1][1]
    if due is None and stopped_running and last_end is not None:
        # Completed before the limit was used up: the date it had been promised for.
        due = add_working_days(last_end, total - consumed, calendar)
    return Deadline(state, due, total - consumed, total, extended, stopped_on, today)
