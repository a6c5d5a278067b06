"""Moving an application through its statuses (受理, 补正, 不予受理, 办结, 撤回 …).

The rules of which move is allowed for which role live in ``domain.workflow``; here they are
applied to stored applications with optimistic locking: every move names the version the person
was looking at, and a move made meanwhile by someone else wins, the late one is told to refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.clock import now
from counterdesk.domain.errors import Conflict, CounterdeskError, InvalidInput, NotFound
from counterdesk.domain.items import check_settled
from counterdesk.domain.text import has_control
from counterdesk.domain.workflow import Status, check_move, status_label
from counterdesk.services import audit, deadlines, items
from counterdesk.services.access import load
from counterdesk.services.hall import Hall, get_hall
from counterdesk.services.promises import refuse_completion_while_owed
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

REASON_MAX = 500
"""Longest reason kept with a move (a supplement request lists every missing material)."""

STALE = "该办件已被他人修改，请刷新后重试。"


@dataclass(frozen=True)
class MoveResult:
    """A move that was made: what the application is now."""

    application_id: int
    number: str | None
    from_status: str
    to_status: str
    version: int
    """The application's version after the move (for the next move)."""
    at: datetime


def find_application(session: Session, number_or_id: int | str) -> Application:
    """The application with this database id (int) or application number (str, as typed).

    A malformed number or a wrong check character is refused as InvalidInput, so a slip at the
    keyboard is named as such rather than reported as "not found".
    """
    if isinstance(number_or_id, int):
        application = session.get(Application, number_or_id)
        if application is None:
            raise NotFound("找不到该办件。", code="application_unknown")
        return application
    number = str(parse_application_number(number_or_id))
    application = session.exec(select(Application).where(Application.number == number)).first()
    if application is None:
        raise NotFound(f"没有编号为 {number} 的办件。", code="application_unknown")
    return application


def clean_reason(reason: str | None) -> str | None:
    """The reason as stored: stripped, at most REASON_MAX characters, no control characters."""
    text = (reason or "").strip()
    if not text:
        return None
    if len(text) > REASON_MAX:
        raise InvalidInput(f"原因不能超过 {REASON_MAX} 个字。", code="reason_long", field="reason")
    if has_control(text, allow_newline=True):
        raise InvalidInput("原因中含有不可见的控制字符，请重新输入。", code="reason_control", field="reason")
    return text


def advance(session: Session, *, actor: Actor, number_or_id: int | str, to_status: str,
            reason: str | None = None, expected_version: int | None = None, catalog: Catalog | None = None,
            detail: dict[str, Any] | None = None) -> MoveResult:
    """Move an application to ``to_status`` and record the event, in one transaction.

    ``expected_version`` is the version the person saw; when another window moved the
    application since, the move is refused with Conflict ``stale``. Without it the version read
    here is used, which still catches a concurrent move between this read and the write.
    ``catalog`` gives the time limit and holidays of the clock (the hall's catalog when None);
    ``detail`` is what the act carries beyond the move (a supplement notice's number …).

    An application handled in another county than the hall's must travel and be signed for
    before a decision (``check_move(remote=…)``); every event names the hall that made it. 办结 is
    refused while a tolerated material is still owed (``promises.refuse_completion_while_owed``).
    """
    status_label(to_status)
    reason = clean_reason(reason)
    try:
        return _move(session, actor, number_or_id, to_status, reason, expected_version,
                     deadlines.default_catalog(catalog), detail)
    except CounterdeskError:
        # A refused move must not keep the transaction (and SQLite's write lock) open.
        session.rollback()
        raise


def _move(session: Session, actor: Actor, number_or_id: int | str, to_status: str, reason: str | None,
          expected_version: int | None, catalog: Catalog, detail: dict[str, Any] | None) -> MoveResult:
    found = find_application(session, number_or_id)
    application = load(session, actor, id_of(found))
    app_id, from_status, number = id_of(application), application.status, application.number
    if expected_version is not None and expected_version != application.version:
        raise Conflict(STALE, code="stale")
    hall = get_hall(session)
    check_move(from_status, to_status, actor.role, reason, remote=hall.is_remote(application.county_code))
    if to_status == Status.COMPLETED:
        check_settled(items.items_of(session, application, catalog))
        refuse_completion_while_owed(session, application, catalog)
    moment = now()
    version = bump(session, application, status=to_status, updated_at=moment)
    if to_status == Status.ACCEPTED:
        opened = items.open_items(session, app_id, items.of_matter(catalog, application), by_staff=actor.id,
                                  at=moment)
        detail = {**(detail or {}), **items.opened_detail(opened)} or None
    audit.record_status(session, application_id=app_id, from_status=from_status,
                        to_status=to_status, by_staff=actor.id, reason=reason, detail=detail,
                        hall_code=event_hall(hall, application))
    deadlines.refresh_due_date(session, app_id, catalog=catalog)
    session.commit()
    return MoveResult(app_id, number, from_status, to_status, version, moment)


def event_hall(hall: Hall, application: Application) -> str | None:
    """The hall code an event on ``application`` carries: this hall's, or while it is not set up, the
    code its numbers carry (see ``numbers.numbering_hall``)."""
    return hall.code or application.received_by


def bump(session: Session, application: Application, expected_version: int | None = None, **values: Any) -> int:
    """Bump the application's version (optimistic locking), writing ``values`` with it; the new version.

    Refused with Conflict ``stale`` when the version is not ``expected_version`` (the one the person
    saw), or when another window changed the application between its read here and this write.
    """
    version = application.version
    if expected_version is not None and expected_version != version:
        raise Conflict(STALE, code="stale")
    changed = session.exec(
        update(Application)
        .where(col(Application.id) == id_of(application), col(Application.version) == version)
        .values(version=version + 1, **values)
    ).rowcount
    if changed != 1:
        raise Conflict(STALE, code="stale")
    return version + 1


def withdraw(session: Session, *, actor: Actor, number_or_id: int | str, reason: str,
             expected_version: int | None = None) -> MoveResult:
    """撤回 at the citizen's request: a draft or a submitted application of the actor's window."""
    return advance(session, actor=actor, number_or_id=number_or_id, to_status=Status.WITHDRAWN,
                   reason=reason, expected_version=expected_version)
