"""A material promised instead of handed in (DOMAIN.md §4): 容缺受理 and 告知承诺.

- **容缺** (``tolerated``): a secondary material may be missing at 受理 when the applicant signs a
  commitment (容缺受理承诺书) to supply it by a deadline, counted in working days from 收件. Until
  it is attached the application is "容缺待补"; still missing after the deadline, it is overdue.
- **告知承诺** (``commitment``): for the certificates the catalog lists, a signed commitment
  replaces the paper for good; a supervisor checks it afterwards (事后核查) and records whether it
  was true (属实) or not (不属实).

A promise binds the applicant only while the application it was made for still stands
(``LIVE_WHILE``): once an application is withdrawn (撤回), refused (不予受理) or otherwise closed, a
material still owed is no longer the citizen's debt, and a commitment nobody relied on needs no
check. The rows stay for history and are reported as void (``PromiseState.VOID``).

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
from counterdesk.domain.text import has_control
from counterdesk.domain.workdays import WorkCalendar, add_working_days
from counterdesk.domain.workflow import OPEN_STATUSES, Status

DEFAULT_TOLERANCE_DAYS = 10
"""Working days the applicant has to supply a tolerated material when nobody says otherwise."""

MAX_TOLERANCE_DAYS = 60
"""The longest deadline a 容缺 promise may give, in working days."""

NOTE_MAX = 500
"""The longest note a check outcome may carry."""

CHECK_DAYS = 20
"""Working days after 收件 by which a 告知承诺 is to be checked (核查期限).

Each department sets its own 核查时间 (国办发〔2020〕42号); until the catalog carries a matter's, the
hall works to this one."""


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

OVERDUE_LABEL = "容缺逾期"
"""What it shows once the deadline of a material still owed has passed."""

LIVE_WHILE: dict[str, frozenset[Status]] = {
    PromiseKind.TOLERATED: OPEN_STATUSES - {Status.DRAFT},
    PromiseKind.COMMITMENT: frozenset(Status) - {Status.DRAFT, Status.REJECTED, Status.WITHDRAWN},
}
"""The statuses of a submitted application in which a promise not yet settled still binds.

A tolerated material is owed while the application is under way: withdrawn, refused or closed,
it is owed no more (completion itself is refused while one is owed). A commitment is checked after
the decision it served (事后核查), so it waits for its check after 办结 too, but not once the
application was withdrawn or refused: nothing was decided on it."""


class PromiseState(StrEnum):
    """Where a promise stands, as reported; it follows from the row and its application's status."""

    MARKED = "marked"
    """On a draft: marked at the counter, promised to nobody yet."""
    OWED = "owed"
    OVERDUE = "overdue"
    SUPPLIED = "supplied"
    TO_CHECK = "to_check"
    TRUE = "true"
    FALSE = "false"
    VOID = "void"
    """Not settled when its application was withdrawn, refused or closed: kept for history only."""


PROMISE_STATES: dict[str, str] = {
    PromiseState.MARKED: "已标记", PromiseState.OWED: OWED_LABEL, PromiseState.OVERDUE: OVERDUE_LABEL,
    PromiseState.SUPPLIED: "已补交", PromiseState.TO_CHECK: "待核查", PromiseState.TRUE: "属实",
    PromiseState.FALSE: "不属实", PromiseState.VOID: "已失效",
}
"""Promise state → Chinese label."""


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


def binds(kind: str, status: str) -> bool:
    """Whether a promise of ``kind`` not yet settled still binds an application in ``status``."""
    return status in LIVE_WHILE.get(kind, frozenset())


def promise_state(kind: str, status: str, *, due_on: date | None, supplied: bool, outcome: str | None,
                  today: date) -> PromiseState:
    """Where a promise stands: settled (supplied, checked) for good; else owed or to check while it binds."""
    if status == Status.DRAFT:
        return PromiseState.MARKED
    if kind == PromiseKind.TOLERATED:
        if supplied:
            return PromiseState.SUPPLIED
        if not binds(kind, status):
            return PromiseState.VOID
        return PromiseState.OVERDUE if owed_overdue(due_on, today) else PromiseState.OWED
    if outcome in CHECK_OUTCOMES:
        return PromiseState(outcome)
    return PromiseState.TO_CHECK if binds(kind, status) else PromiseState.VOID


def clean_check(outcome: str, note: str | None) -> str | None:
    """The note a check's outcome is recorded with, after refusing an unknown outcome, a note too long or
    with control characters, and 不属实 without a note (what was found must be on the record)."""
    if outcome not in CHECK_OUTCOMES:
        choices = "、".join(f"{code}（{label}）" for code, label in CHECK_OUTCOMES.items())
        raise InvalidInput(f"核查结果只能是 {choices}。", code="check_outcome", field="outcome")
    text = (note or "").strip() or None
    if text is not None and (len(text) > NOTE_MAX or has_control(text, allow_newline=True)):
        raise InvalidInput(f"核查说明不超过 {NOTE_MAX} 个字，且不能含控制字符。", code="check_note", field="note")
    if outcome == CheckOutcome.FALSE and text is None:
        raise InvalidInput("核查不属实时须写明核查情况。", code="check_note", field="note")
    return text


def check_deadline(received_on: date, calendar: WorkCalendar) -> date:
    """The date by which a 告知承诺 received on ``received_on`` is to be checked."""
    return add_working_days(received_on, CHECK_DAYS, calendar)


def supplied_event_text(detail: Mapping[str, object]) -> str:
    """A 补交 event as one line of a history: 补交容缺材料“邮政储蓄银行活期存折”（M05）, and 已过补交期限 when late."""
    name, code = detail.get("name"), detail.get("material", "?")
    text = f"补交容缺材料“{name}”（{code}）" if name else f"补交容缺材料 {code}"
    return text + "，已过补交期限" if detail.get("late") else text
