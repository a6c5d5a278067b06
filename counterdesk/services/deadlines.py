"""The legal clock of stored applications: computed from their events, due date kept for the queue.

The clock itself is ``domain.deadline.deadline`` over the events; the application row keeps only
its due date while the clock runs (``Application.due_date``), refreshed in the transaction of every
move and extension, so the queue's overdue and warning filters are index ranges.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

import sqlalchemy
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from counterdesk.domain.clock import local, today
from counterdesk.domain.deadline import ClockMark, ClockState, Deadline, deadline
from counterdesk.domain.errors import CounterdeskError, Forbidden, InvalidInput
from counterdesk.domain.workflow import ClockEffect, EventKind, transition
from counterdesk.services import audit
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, StatusEvent, id_of, present

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

EXTEND_MAX_DAYS = 60
"""The longest single extension (延期) a supervisor may grant, in working days."""


class EventColumns(Protocol):
    """The columns of a status event the clock reads: a ``StatusEvent`` or a row of just these."""

    @property
    def at(self) -> datetime: ...
    @property
    def kind(self) -> str: ...
    @property
    def detail(self) -> str | None: ...
    @property
    def from_status(self) -> str | None: ...
    @property
    def to_status(self) -> str: ...


def default_catalog(catalog: Catalog | None = None) -> Catalog:
    """The catalog given, or the hall's configured one (``COUNTERDESK_CATALOG`` or the shipped one)."""
    if catalog is not None:
        return catalog
    from counterdesk.catalog import hall_catalog
    from counterdesk.config import load_settings

    return hall_catalog(load_settings())


def mark_of(event: EventColumns) -> ClockMark:
    """What one stored event (a ``StatusEvent`` or a row of its columns) does to the clock.

    Events of moves no longer in the table do nothing.
    """
    day = local(event.at).date()
    if event.kind == EventKind.EXTEND:
        return ClockMark(day, extend_days=int(json.loads(event.detail or "{}").get("days", 0)))
    if event.kind != EventKind.MOVE or event.from_status is None:
        return ClockMark(day)
    try:
        move = transition(event.from_status, event.to_status)
    except InvalidInput:
        move = None
    return ClockMark(day, move.clock if move else ClockEffect.NONE)


def limit_of(catalog: Catalog, matter_code: str) -> int:
    """The matter's promised time limit in working days (承诺时限); 0 for a matter no longer listed."""
    entry = catalog.matters.get(matter_code)
    return entry.time_limit_days if entry else 0


def clocks(session: Session, applications: Iterable[tuple[int, str]], *, catalog: Catalog,
           as_of: date | None = None) -> dict[int, Deadline]:
    """The clock of each ``(application id, matter code)``, reading their events in one query."""
    wanted = dict(applications)
    marks: dict[int, list[ClockMark]] = {app_id: [] for app_id in wanted}
    if wanted:
        # Plain columns, not entities: the queue reads this for every page it shows. SQLAlchemy's own
        # select(), since SQLModel's is typed for at most four columns.
        rows = session.execute(sqlalchemy.select(col(StatusEvent.application_id), col(StatusEvent.at),
                                                 col(StatusEvent.kind), col(StatusEvent.from_status),
                                                 col(StatusEvent.to_status), col(StatusEvent.detail))
                               .where(col(StatusEvent.application_id).in_(list(wanted)))
                               .order_by(col(StatusEvent.application_id), col(StatusEvent.id))).all()
        for event in rows:
            marks[event.application_id].append(mark_of(event))
    day = as_of or today()
    return {app_id: deadline(marks[app_id], limit_days=limit_of(catalog, matter), today=day,
                             calendar=catalog.calendar)
            for app_id, matter in wanted.items()}


def clock_of(session: Session, application: Application, *, catalog: Catalog, as_of: date | None = None) -> Deadline:
    """The clock of one application."""
    app_id = id_of(application)
    return clocks(session, [(app_id, application.matter_code)], catalog=catalog, as_of=as_of)[app_id]


def refresh_due_date(session: Session, application_id: int, *, catalog: Catalog) -> Deadline:
    """Recompute the clock after an event in this transaction and store the running due date."""
    session.flush()
    application = present(session.get(Application, application_id), "application")
    found = clock_of(session, application, catalog=catalog)
    due = found.due_date if found.state == ClockState.RUNNING else None
    session.exec(update(Application).where(col(Application.id) == application_id).values(due_date=due))
    return found


def extend(session: Session, *, actor: Actor, number_or_id: int | str, days: int, reason: str | None,
           catalog: Catalog | None = None, expected_version: int | None = None) -> Deadline:
    """延期: a supervisor adds working days to an accepted application's time limit, with a reason."""
    from counterdesk.services.workflow import bump, clean_reason, find_application

    catalog = default_catalog(catalog)
    try:
        if not actor.is_supervisor:
            raise Forbidden("只有值班长可以批准延期。", code="role")
        if not 1 <= days <= EXTEND_MAX_DAYS:
            raise InvalidInput(f"延期天数应为 1 到 {EXTEND_MAX_DAYS} 个工作日。", code="days", field="days")
        reason = clean_reason(reason)
        if reason is None:
            raise InvalidInput("延期须写明理由。", code="reason_required", field="reason")
        application = find_application(session, number_or_id)
        current = clock_of(session, application, catalog=catalog)
        if current.state not in (ClockState.RUNNING, ClockState.PAUSED):
            raise InvalidInput("该办件尚未受理或已办结，没有可延长的办理时限。", code="clock_not_running")
        bump(session, application, expected_version)
        audit.record_status(session, application_id=id_of(application), from_status=application.status,
                            to_status=application.status, by_staff=actor.id, reason=reason,
                            kind=EventKind.EXTEND, detail={"days": days})
        found = refresh_due_date(session, id_of(application), catalog=catalog)
        session.commit()
        return found
    except CounterdeskError:
        session.rollback()
        raise


def due_counts(session: Session, *, actor: Actor | None = None) -> tuple[int, int]:
    """(due today, overdue) among the running clocks of the hall: the supervisors' home line."""
    if actor is not None and not actor.is_supervisor:
        raise Forbidden("只有值班长可以查看全大厅的到期情况。", code="role")
    day = today()
    due_today = session.exec(select(func.count()).where(Application.due_date == day)).one()
    overdue = session.exec(select(func.count()).where(col(Application.due_date) < day)).one()
    session.rollback()
    return due_today, overdue
