"""The supervisor's day queue (当日办件), progress lookup (我的办件查询) and the detail view.

The queue is read one page at a time: a busy hall's day is a few thousand rows among millions,
and both the page and the counts per status come straight from the ``submitted_on`` indexes.
Lists are always masked; a detail view is full only for a supervisor or the window that took the
application, and every full view is written to the audit log.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col, select

from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.clock import CST, local, today
from counterdesk.domain.deadline import SIGN_FOR_DAYS, WARNING_DAYS, ClockState, Deadline
from counterdesk.domain.errors import Forbidden, InvalidInput, NotFound
from counterdesk.domain.masking import mask_id_number, mask_name
from counterdesk.domain.promise import LIVE_WHILE, OVERDUE_LABEL, OWED_LABEL, PromiseKind
from counterdesk.domain.query import read_lookup_query, refuse_unknown_id_number
from counterdesk.domain.text import fold_width, has_control, is_han
from counterdesk.domain.validators import validate_window
from counterdesk.domain.workdays import WorkCalendar, add_working_days, working_days_before
from counterdesk.domain.workflow import STATUSES, Status, status_label
from counterdesk.services import audit, deadlines
from counterdesk.services.applicants import applicant_of
from counterdesk.services.items import ItemView, items_of
from counterdesk.services.promises import (
    NOTHING_OWED,
    Owed,
    PromiseView,
    owed,
    owed_by,
    owing_clauses,
    owing_ids,
    promises_of,
)
from counterdesk.services.staff import Actor
from counterdesk.services.workflow import find_application
from counterdesk.store.models import (
    Applicant,
    Application,
    MaterialPromise,
    Staff,
    StatusEvent,
    TransferBatch,
    id_of,
    number_of,
    present,
)

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

SORTS: dict[str, Mapped[Any] | ColumnElement[Any]] = {
    "submitted_at": col(Application.submitted_at),
    "number": col(Application.number),
    "status": col(Application.status),
    "window": col(Application.window),
    "clerk": col(Application.clerk_id),
    "matter": col(Application.matter_code),
    "county": col(Application.county_code),
    "due_date": col(Application.due_date),
    "tolerated_due": select(func.min(MaterialPromise.due_on)).where(
        col(MaterialPromise.application_id) == col(Application.id), *owing_clauses()).scalar_subquery(),
}
"""Sort keys of the queue; prefix one with ``-`` for descending order. ``tolerated_due`` is the
earliest deadline of the tolerated materials an application still owes."""

PAGE_SIZE = 50

DUE_FILTERS = {"overdue": "逾期", "warning": "预警", "in_transit": "在途", "unsigned": "超时未签收",
               "owed": OWED_LABEL, "owed_overdue": OVERDUE_LABEL}
"""Filters over every day's applications that watch a clock: past the due date, ≤ 2 working days
left, sent to the 办理地 and not yet signed for, and so for more than ``SIGN_FOR_DAYS`` working days;
still owing a tolerated material (容缺待补), and so past its deadline (容缺逾期)."""

DUE_SORTS = {"overdue": "due_date", "warning": "due_date", "owed": "tolerated_due", "owed_overdue": "tolerated_due"}
"""The order a watch filter lists in unless another is asked for: soonest due first."""


def iso(moment: datetime | None) -> str | None:
    """A stored time as ISO 8601 in the hall's zone (the CLI's JSON form)."""
    return local(moment).isoformat() if moment else None


class Names:
    """Matter and county names from the catalog, tolerant of codes it no longer has."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog
        """The catalog, or None when names are not needed (they are then empty)."""

    def matter(self, code: str) -> str:
        """The matter's name, or "" when unknown."""
        matter = self.catalog.matters.get(code) if self.catalog else None
        return matter.name if matter else ""

    def county(self, code: str) -> str:
        """The county's name, or "" when unknown."""
        if self.catalog is None:
            return ""
        try:
            return self.catalog.county(code).name
        except InvalidInput:
            return ""


@dataclass(frozen=True)
class QueueRow:
    """One line of the day queue; the applicant is masked."""

    id: int
    number: str
    status: str
    matter_code: str
    matter_name: str
    county_code: str
    county_name: str
    window: int | None
    clerk: str
    clerk_name: str
    submitted_at: datetime | None
    applicant_masked: str
    version: int
    """For the next move (optimistic locking)."""
    deadline: Deadline | None = None
    """The legal clock (None only for a row built without one)."""
    owed: Owed = NOTHING_OWED
    """Tolerated materials still owed (容缺待补)."""

    @property
    def status_label(self) -> str:
        """The status in Chinese, with 容缺待补 (容缺逾期) while a tolerated material is owed."""
        return with_owed(status_label(self.status), self.owed)

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk queue --json`` form."""
        return {"number": self.number, "status": self.status, "matter_code": self.matter_code,
                "county_code": self.county_code, "window": self.window, "clerk": self.clerk,
                "submitted_at": iso(self.submitted_at), "applicant_masked": self.applicant_masked,
                **clock_fields(self.deadline), **self.owed.fields()}


def with_owed(label: str, found: Owed) -> str:
    """A status label followed by 容缺待补 (容缺逾期 once past its deadline) while a material is owed."""
    return f"{label}·{found.label}" if found.codes else label


def clock_fields(found: Deadline | None) -> dict[str, Any]:
    """``due_date``, ``remaining_workdays`` and ``clock`` of the JSON forms."""
    if found is None:
        return {"due_date": None, "remaining_workdays": None, "clock": ClockState.NOT_STARTED.value}
    return {"due_date": found.due_date.isoformat() if found.due_date else None,
            "remaining_workdays": found.remaining, "clock": found.state.value}


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue, the number of matching rows and the counts per status.

    The counts follow every filter but the status one, so the bar on top still shows how many
    of each status there are while the table shows one of them.
    """

    rows: list[QueueRow]
    total: int
    counts_by_status: dict[str, int]
    page: int = 0
    page_size: int | None = PAGE_SIZE

    @property
    def pages(self) -> int:
        """How many pages the matching rows fill (at least one)."""
        if not self.page_size:
            return 1
        return max(1, math.ceil(self.total / self.page_size))


def status_order(status: str) -> int:
    """Statuses in the order an application passes through them (STATUSES)."""
    order = list(STATUSES)
    return order.index(status) if status in order else len(order)


def _require_supervisor(actor: Actor | None) -> None:
    # None is the command line on the hall's own machine: it holds the database already and
    # only ever prints masked rows.
    if actor is not None and not actor.is_supervisor:
        raise Forbidden("只有值班长可以查看全大厅的办件队列。", code="role")


def _refuse_control(text: str) -> None:
    # Nothing stored contains control characters (the validators refuse them), and PostgreSQL
    # cannot even be asked about a NUL.
    if has_control(text):
        raise InvalidInput("查询内容含有不可见的控制字符，请重新输入。", code="query_control", field="query")


def _search_clause(text: str) -> ColumnElement[bool] | None:
    """Find by application number (whole or part) or by the applicant's masked name."""
    query = fold_width(text).strip()
    if not query:
        return None
    _refuse_control(query)
    upper = query.upper()
    if all(ch.isdigit() or ch in "-X" for ch in upper):
        try:
            return col(Application.number) == str(parse_application_number(upper))
        except InvalidInput:
            return col(Application.number).contains(upper, autoescape=True)
    first = query[0]
    clause = col(Applicant.name).startswith(first, autoescape=True)
    if is_han(first) and len(query) > 1:
        # A masked Chinese name shows its length (张** is three characters): match on both.
        clause = clause & (func.length(col(Applicant.name)) == len(query))
    return clause


def day_queue(session: Session, *, actor: Actor | None, day: date, catalog: Catalog | None = None,
              status: str | None = None,
              window: int | None = None, clerk: str | None = None, matter: str | None = None,
              county: str | None = None, search: str | None = None, sort: str = "submitted_at",
              page: int = 0, page_size: int | None = PAGE_SIZE, due: str | None = None) -> QueuePage:
    """The applications submitted on ``day``, filtered, sorted, one page (all with page_size None).

    ``due`` (see DUE_FILTERS) lists instead the applications of every day whose running clock is past
    its due date or has at most two working days left, soonest due first; those in transit; or those
    under way that still owe a tolerated material (past its deadline), soonest deadline first.
    """
    _require_supervisor(actor)
    validate_window(window)
    clock_catalog = deadlines.default_catalog(catalog)
    if due is not None and due not in DUE_FILTERS:
        raise InvalidInput(f"未知的时限筛选“{due}”，可选：{'、'.join(DUE_FILTERS)}。", code="due", field="due")
    if due in DUE_SORTS and sort == "submitted_at":
        sort = DUE_SORTS[due]
    if status:
        status_label(status)
    sort_key = sort.lstrip("-")
    if sort_key not in SORTS:
        raise InvalidInput(f"不能按“{sort}”排序，可选：{'、'.join(SORTS)}。", code="sort", field="sort")
    where = [_due_clause(due, clock_catalog.calendar) if due else col(Application.submitted_on) == day]
    filters: tuple[tuple[Mapped[Any], int | str | None], ...] = (
        (col(Application.window), window), (col(Application.clerk_id), clerk),
        (col(Application.matter_code), matter), (col(Application.county_code), county))
    for column, value in filters:
        if value not in (None, ""):
            if isinstance(value, str):
                _refuse_control(value)
            where.append(column == value)
    searched = _search_clause(search or "")
    if searched is not None:
        where.append(searched)
    counts_query = select(Application.status, func.count()).where(*where).group_by(col(Application.status))
    if searched is not None:
        counts_query = counts_query.join(Applicant, col(Application.applicant_id) == Applicant.id, isouter=True)
    counts = dict(sorted(session.exec(counts_query).all(), key=lambda pair: status_order(pair[0])))
    total = counts.get(status, 0) if status else sum(counts.values())
    if status:
        where.append(col(Application.status) == status)
    order = SORTS[sort_key].desc() if sort.startswith("-") else SORTS[sort_key].asc()
    # SQLAlchemy's own select(): SQLModel's is typed for at most four columns.
    rows_query = (
        sqlalchemy.select(col(Application.id), col(Application.number), col(Application.status),
                          col(Application.matter_code), col(Application.county_code), col(Application.window),
                          col(Application.clerk_id), col(Application.submitted_at), col(Application.version),
                          col(Applicant.name))
        .join(Applicant, col(Application.applicant_id) == Applicant.id, isouter=True)
        .where(*where)
        .order_by(order, col(Application.id))
    )
    if page_size:
        rows_query = rows_query.offset(max(page, 0) * page_size).limit(page_size)
    names = Names(catalog)
    clerk_names = staff_names(session)
    found = [(present(r[0], "application id"), *r[1:]) for r in session.execute(rows_query).all()]
    clocks = deadlines.clocks(session, [(r[0], r[3]) for r in found], catalog=clock_catalog)
    owing = owed(session, [r[0] for r in found])
    rows = [
        QueueRow(id=r[0], number=r[1], status=r[2], matter_code=r[3], matter_name=names.matter(r[3]),
                 county_code=r[4], county_name=names.county(r[4]), window=r[5], clerk=r[6],
                 clerk_name=clerk_names.get(r[6], ""), submitted_at=r[7], version=r[8],
                 applicant_masked=mask_name(r[9]), deadline=clocks[r[0]], owed=owing.get(r[0], NOTHING_OWED))
        for r in found
    ]
    # End the read at once: on SQLite every transaction holds the write lock (BEGIN IMMEDIATE),
    # and a queue refreshing every few seconds must not make the windows' submits wait.
    session.rollback()
    return QueuePage(rows, total, counts, page, page_size)


def _due_clause(due: str, calendar: WorkCalendar) -> ColumnElement[bool]:
    """The index range on the running clocks' due dates, the hand-overs still travelling, or the
    applications under way that still owe a tolerated material (by the promises' open index)."""
    day = today()
    if due in ("owed", "owed_overdue"):
        return col(Application.id).in_(owing_ids(overdue_on=day if due == "owed_overdue" else None)) & col(
            Application.status).in_(LIVE_WHILE[PromiseKind.TOLERATED])
    if due == "overdue":
        return col(Application.due_date) < day
    if due == "warning":
        return col(Application.due_date).between(day, add_working_days(day, WARNING_DAYS, calendar))
    travelling = col(Application.status) == Status.IN_TRANSIT
    if due == "in_transit":
        return travelling
    since = datetime.combine(working_days_before(day, SIGN_FOR_DAYS, calendar), time.min, CST)
    return travelling & col(Application.transfer_batch).in_(
        select(TransferBatch.id).where(col(TransferBatch.created_at) < since))


def staff_names(session: Session) -> dict[str, str]:
    """Staff ID → name, for lists and histories."""
    return {staff_id: name for staff_id, name in session.exec(select(Staff.id, Staff.name)).all()}


@dataclass(frozen=True)
class TimelineEvent:
    """One move in an application's history."""

    at: datetime
    from_status: str | None
    to_status: str
    by: str
    reason: str | None
    kind: str = "move"
    hall_code: str | None = None
    """The hall whose staff made it (a hand-over crosses halls)."""
    detail: dict[str, Any] | None = None
    """What the act carried beyond the move (transfer batch, waybill, collector …)."""

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk status --json`` form."""
        return {"at": iso(self.at), "from": self.from_status, "to": self.to_status, "by": self.by,
                "reason": self.reason, "kind": self.kind, "hall_code": self.hall_code, "detail": self.detail}


def timeline(session: Session, application_id: int) -> list[TimelineEvent]:
    """The status events of an application, oldest first."""
    events = session.exec(select(StatusEvent).where(StatusEvent.application_id == application_id)
                          .order_by(col(StatusEvent.id)))
    return [TimelineEvent(e.at, e.from_status, e.to_status, e.by_staff, e.reason, e.kind, e.hall_code,
                          json.loads(e.detail) if e.detail else None) for e in events]


@dataclass(frozen=True)
class Progress:
    """How far an application is (办件进度): what anyone at a window may tell the citizen."""

    number: str
    status: str
    matter_code: str
    matter_name: str
    county_code: str
    county_name: str
    submitted_at: datetime | None
    applicant_masked: str
    events: list[TimelineEvent] = field(default_factory=list)
    deadline: Deadline | None = None
    received_by: str | None = None
    """The hall code of the window that received it (收件)."""
    owed: Owed = NOTHING_OWED
    """Tolerated materials still owed (容缺待补)."""
    items: list[ItemView] = field(default_factory=list)
    """包含事项 and their progress (``items.items_of``)."""
    promises: list[PromiseView] = field(default_factory=list)
    """Every material promised instead of handed in, settled, owed or void."""

    @property
    def status_label(self) -> str:
        """The status in Chinese, with 容缺待补 (容缺逾期) while a tolerated material is owed."""
        return with_owed(status_label(self.status), self.owed)

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk status --json`` form."""
        return {"number": self.number, "status": self.status,
                "matter": {"code": self.matter_code, "name": self.matter_name},
                "county": {"code": self.county_code, "name": self.county_name},
                "submitted_at": iso(self.submitted_at), "received_by": self.received_by,
                "handled_in": self.county_code, **clock_fields(self.deadline), **self.owed.fields(),
                "items": [i.to_dict() for i in self.items], "promises": [p.to_dict() for p in self.promises],
                "events": [e.to_dict() for e in self.events]}


def _progress(session: Session, application: Application, names: Names) -> Progress:
    applicant = applicant_of(session, application)
    catalog = deadlines.default_catalog(names.catalog)
    return Progress(number_of(application), application.status, application.matter_code,
                    names.matter(application.matter_code), application.county_code,
                    names.county(application.county_code), application.submitted_at,
                    mask_name(applicant.name if applicant else ""), timeline(session, id_of(application)),
                    deadlines.clock_of(session, application, catalog=catalog), application.received_by,
                    owed_by(session, id_of(application)), items_of(session, application, catalog),
                    promises_of(session, application, catalog=catalog))


def progress(session: Session, *, number: str, catalog: Catalog | None = None) -> Progress:
    """The progress of one application by its number; a typo in the number is named as such."""
    result = _progress(session, find_application(session, number), Names(catalog))
    session.rollback()
    return result


def lookup(session: Session, *, actor: Actor | None = None, text: str,
           catalog: Catalog | None = None) -> list[Progress]:
    """办件查询 by application number or by the applicant's ID number (newest first).

    Open to anyone at a window: what is shown is masked. A lookup by ID number searches for a
    person, so it is written to the audit log. A number that cannot be right (a wrong check
    character, too few digits, a name) is refused as a typo, never answered with "not found".
    """
    query = read_lookup_query(text)
    if query.kind == "application":
        return [progress(session, number=query.value, catalog=catalog)]
    compact = query.value
    applicants = session.exec(select(Applicant.id).where(Applicant.id_number == compact)).all()
    if not applicants:
        refuse_unknown_id_number(compact)
        raise NotFound("没有该证件号码的申请人办件。", code="applicant_unknown")
    applications = session.exec(
        select(Application)
        .where(col(Application.applicant_id).in_(applicants), col(Application.number).is_not(None))
        .order_by(col(Application.submitted_at).desc(), col(Application.id).desc())
    ).all()
    names = Names(catalog)
    found = [_progress(session, a, names) for a in applications]
    audit.record(session, "lookup_id", staff_id=actor.id if actor else None, target=mask_id_number(compact),
                 detail=f"{len(found)} 件")
    session.commit()
    if not found:
        raise NotFound("该申请人还没有已提交的办件。", code="application_unknown")
    return found
