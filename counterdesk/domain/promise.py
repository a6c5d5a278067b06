"""A material promised instead of handed in (DOMAIN.md §4): 容缺受理 and 告知承诺.

- **容缺** (``tolerated``): a secondary material may be missing at 受理 when the applicant signs a
  commitment (容缺受理承诺书) to supply it by a deadline, counted in working days from 收件. Until
  it is attached the application is "容缺待补"; still missing after the deadline, it is overdue.
- **告知承诺** (``commitment``): for the certificates the catalog lists, a signed commitment
  replaces the paper for good; a supervisor checks it afterwards (事后核查) and records whether it
  was true (属实) or not (不属实).

Which material may be promised, for which answers, is the catalog's (``guidance.tolerable`` and
``Material.commitment``); this module checks a promise against it and dates it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counterdesk.domain import guidance
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Material, Matter
from counterdesk.domain.workdays import WorkCalendar, add_working_days

DEFAULT_TOLERANCE_DAYS = 10
"""Working days the applicant has to supply a tolerated material when nobody says otherwise."""

MAX_TOLERANCE_DAYS = 60
"""The longest deadline a 容缺 promise may give, in working days."""

NOTE_MAX = 500
"""The longest note a check outcome may carry."""


class PromiseKind(StrEnum):
    """What the applicant promised about a material, as stored."""

    TOLERATED = "tolerated"
    COMMITMENT = "commitment"


PROMISE_KINDS: dict[str, str] = {PromiseKind.TOLERATED: "容缺", PromiseKind.COMMITMENT: "告知承诺"}
"""Promise kind → Chinese label."""


class CheckOutcome(StrEnum):
    """The outcome of a 告知承诺's 事后核查, as stored."""

    TRUE = "true"
    FALSE = "false"


CHECK_OUTCOMES: dict[str, str] = {CheckOutcome.TRUE: "属实", CheckOutcome.FALSE: "不属实"}
"""Check outcome → Chinese label."""

OWED_LABEL = "容缺待补"
"""What an application shows while a tolerated material is still owed."""


@dataclass(frozen=True)
class Promised:
    """A promise as a new application carries it to submit: which material, which kind, until when.

    ``due_on`` is given by a transfer package (the date the receiving hall promised) or left None,
    and then submit counts ``days`` working days (the default when None) from 收件.
    """

    material_code: str
    kind: PromiseKind
    days: int | None = None
    due_on: date | None = None


def check_days(days: int | None) -> int:
    """The working days of a 容缺 promise, the default when None; refuses a number out of range."""
    days = DEFAULT_TOLERANCE_DAYS if days is None else days
    if not 1 <= days <= MAX_TOLERANCE_DAYS:
        raise InvalidInput(f"容缺补交期限应为 1 到 {MAX_TOLERANCE_DAYS} 个工作日。", code="tolerance_days",
                           field="days")
    return days


def tolerance_deadline(day: date, days: int | None, calendar: WorkCalendar) -> date:
    """The date by which a tolerated material is due: ``days`` working days after ``day`` (收件)."""
    return add_working_days(day, check_days(days), calendar)


def check_promise(matter: Matter, answers: Mapping[str, str], code: str, kind: str) -> Material:
    """The material, after refusing a promise the catalog does not allow for these answers."""
    if kind not in PROMISE_KINDS:
        raise InvalidInput(f"未知的承诺方式“{kind}”。", code="promise_kind", field=code)
    material = matter.material(code)
    applies = any(m.code == material.code for m in guidance.applicable_materials(matter, answers))
    if not applies:
        raise InvalidInput(f"按所选情形，材料“{material.name}”（{code}）不适用。", code="material_not_applicable",
                           field=code)
    if kind == PromiseKind.TOLERATED and not guidance.tolerable(matter, material, answers):
        raise InvalidInput(f"材料“{material.name}”（{code}）按所选情形不能容缺受理，须当场提交。",
                           code="not_tolerable", field=code)
    if kind == PromiseKind.COMMITMENT and not material.commitment:
        raise InvalidInput(f"材料“{material.name}”（{code}）不适用告知承诺制，须提交材料本身。",
                           code="no_commitment", field=code)
    return material


def owed_overdue(due_on: date | None, today: date) -> bool:
    """A tolerated material still missing after its deadline (the deadline day itself is in time)."""
    return due_on is not None and today > due_on
