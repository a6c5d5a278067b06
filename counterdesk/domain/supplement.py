"""A supplement request (补正): which materials, why, and by when — checked before it is stored.

A request is a numbered notice (补正告知): the one-time notice prints exactly its materials, its
reason and its deadline. A later request is a new notice with the next number, never an edit of
an earlier one, so the deadline a citizen was given cannot be moved silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Matter
from counterdesk.domain.workdays import WorkCalendar, add_working_days

DEFAULT_DEADLINE_DAYS = 5
"""Working days the citizen has to bring the materials when the request does not say."""

MAX_DEADLINE_DAYS = 60
"""The longest deadline a request may give, in working days."""


def requested_materials(matter: Matter, codes: Iterable[str]) -> list[str]:
    """The material codes as stored: each listed by the matter, in the matter's order, once.

    Refuses an empty list and a code the matter does not list.
    """
    wanted = {code.strip() for code in codes if code.strip()}
    if not wanted:
        raise InvalidInput("补正须列明至少一项材料（--material 材料编号）。", code="materials_required",
                           field="materials")
    for code in sorted(wanted):
        matter.material(code)
    return [m.code for m in matter.materials if m.code in wanted]


def supplement_deadline(day: date, days: int | None, calendar: WorkCalendar) -> date:
    """The date by which the materials are due: ``days`` working days after ``day``."""
    days = DEFAULT_DEADLINE_DAYS if days is None else days
    if not 1 <= days <= MAX_DEADLINE_DAYS:
        raise InvalidInput(f"补正期限应为 1 到 {MAX_DEADLINE_DAYS} 个工作日。", code="deadline_days",
                           field="deadline_days")
    return add_working_days(day, days, calendar)
