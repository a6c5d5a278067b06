"""容缺 and 告知承诺 (DOMAIN.md §4): materials promised instead of handed in, and what follows.

At the counter the clerk marks a material of a draft as 容缺 (with the working days the applicant
has) or as 告知承诺; a batch row carries ``tolerated`` and ``committed``. Whether the catalog
allows it for the answers given is ``domain.promise.check_promise``, asked when the mark is made
and again at submit, which drops a mark the answers or an attached file made moot and dates the
rest (``services.submit``). Afterwards a tolerated material is owed (容缺待补) until it is attached
(``attachments.supply_owed``), overdue (容缺逾期) once its deadline has passed, and the application
cannot be completed (办结) meanwhile; a commitment is a check task (核查) for a supervisor, who
records whether it was true, audited. Once the application is withdrawn, refused or closed, what
was not settled is void (``domain.promise.LIVE_WHILE``): no longer owed, nothing left to check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from counterdesk.domain.clock import local, now, today
from counterdesk.domain.errors import Conflict, CounterdeskError, Forbidden, InvalidInput, NotFound
from counterdesk.domain.masking import mask_name
from counterdesk.domain.promise import (
    CHECK_OUTCOMES,
    LIVE_WHILE,
    OVERDUE_LABEL,
    OWED_LABEL,
    PROMISE_KINDS,
    PROMISE_STATES,
    PromiseKind,
    PromiseState,
    binds,
    check_days,
    check_deadline,
    check_promise,
    clean_check,
    owed_overdue,
    promise_state,
)
from counterdesk.domain.workdays import WorkCalendar
from counterdesk.domain.workflow import EventKind, Status, status_label
from counterdesk.services import audit
from counterdesk.services.access import load_draft
from counterdesk.services.applicants import applicant_of
from counterdesk.services.applications import answers_of
from counterdesk.services.deadlines import default_catalog
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, Attachment, MaterialPromise, id_of, number_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog


# -- marks on a draft -------------------------------------------------------------------------------


def marks_of(session: Session, application_id: int) -> dict[str, MaterialPromise]:
    """The promises of an application by material code."""
    rows = session.exec(select(MaterialPromise).where(MaterialPromise.application_id == application_id))
    return {row.material_code: row for row in rows}


def mark(session: Session, *, actor: Actor, catalog: Catalog, application_id: int, material_code: str,
         kind: str = PromiseKind.TOLERATED, days: int | None = None) -> MaterialPromise:
    """Mark a material of a draft as 容缺 (supplied within ``days`` working days) or 告知承诺.

    Refused when the catalog does not allow it for the draft's answers, or when a file is already
    attached to it. Marking again changes the kind or the days.
    """
    application = load_draft(session, actor, application_id)
    matter = catalog.matter(application.matter_code)
    material = check_promise(matter, answers_of(session, application_id), material_code, kind)
    given = check_days(days) if kind == PromiseKind.TOLERATED else None
    attached = session.exec(select(Attachment.id).where(Attachment.application_id == application_id,
                                                        Attachment.material_code == material.code)).first()
    if attached is not None:
        raise InvalidInput(f"“{material.name}”已提交文件，无需{PROMISE_KINDS[kind]}；如需改为{PROMISE_KINDS[kind]}，"
                           "请先移除文件。", code="already_attached", field=material.code)
    row = marks_of(session, application_id).get(material.code) or MaterialPromise(
        application_id=application_id, material_code=material.code, kind=kind, by_staff=actor.id)
    row.kind, row.days, row.by_staff, row.created_at = kind, given, actor.id, now()
    session.add(row)
    application.updated_at = now()
    session.add(application)
    session.commit()
    session.refresh(row)
    return row


def unmark(session: Session, *, actor: Actor, application_id: int, material_code: str) -> bool:
    """Take a draft's 容缺 or 告知承诺 mark off a material; False when it had none."""
    load_draft(session, actor, application_id)
    row = marks_of(session, application_id).get(material_code)
    if row is None:
        session.rollback()
        return False
    session.delete(row)
    session.commit()
    return True


def standing_marks(session: Session, catalog: Catalog, application: Application) -> dict[str, MaterialPromise]:
    """The draft's marks that still hold: the catalog allows them for the answers, and no file is attached."""
    app_id = id_of(application)
    matter = catalog.matter(application.matter_code)
    answers = answers_of(session, app_id)
    attached = set(session.exec(select(Attachment.material_code).where(Attachment.application_id == app_id)))
    standing = {}
    for code, row in marks_of(session, app_id).items():
        if code in attached:
            continue
        try:
            check_promise(matter, answers, code, row.kind)
        except InvalidInput:
            continue
        standing[code] = row
    return standing


def drop_moot_marks(session: Session, catalog: Catalog, application: Application) -> dict[str, MaterialPromise]:
    """Delete the marks that no longer hold before a draft is submitted (the caller commits)."""
    standing = standing_marks(session, catalog, application)
    for code, row in marks_of(session, id_of(application)).items():
        if code not in standing:
            session.delete(row)
    return standing


# -- what is owed -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owed:
    """The tolerated materials an application still owes (容缺待补), for lists and ``--json``."""

    codes: tuple[str, ...] = ()
    due_on: date | None = None
    """The earliest deadline among them."""
    overdue: bool = False

    @property
    def label(self) -> str:
        """容缺待补, or 容缺逾期 once a deadline has passed; empty when nothing is owed."""
        if not self.codes:
            return ""
        return OVERDUE_LABEL if self.overdue else OWED_LABEL

    def fields(self) -> dict[str, Any]:
        """``tolerated`` (codes still owed), ``tolerated_due`` and ``tolerated_overdue`` of the JSON forms."""
        return {"tolerated": list(self.codes), "tolerated_due": self.due_on.isoformat() if self.due_on else None,
                "tolerated_overdue": self.overdue}


NOTHING_OWED = Owed()


def owed(session: Session, application_ids: Iterable[int], *, as_of: date | None = None) -> dict[int, Owed]:
    """What each application still owes, read in one query; an application owing nothing is left out.

    A withdrawn, refused or closed application owes nothing (``LIVE_WHILE``), whatever its rows say.
    """
    ids = list(application_ids)
    found: dict[int, list[MaterialPromise]] = {}
    day = as_of or today()
    for start in range(0, len(ids), 500):
        for row in session.exec(select(MaterialPromise).join(Application).where(
                col(MaterialPromise.application_id).in_(ids[start:start + 500]), *owing_clauses(),
                col(Application.status).in_(LIVE_WHILE[PromiseKind.TOLERATED]))
                .order_by(col(MaterialPromise.material_code))):
            found.setdefault(row.application_id, []).append(row)
    result = {}
    for app_id, rows in found.items():
        due = min(row.due_on for row in rows if row.due_on is not None)
        result[app_id] = Owed(tuple(row.material_code for row in rows), due, owed_overdue(due, day))
    return result


def owing_clauses() -> tuple[ColumnElement[bool], ...]:
    """The promise rows of a tolerated material received without it and not supplied since."""
    return (col(MaterialPromise.kind) == PromiseKind.TOLERATED, col(MaterialPromise.supplied_at).is_(None),
            col(MaterialPromise.due_on).is_not(None))


def owing_ids(*, overdue_on: date | None = None) -> SelectOfScalar[int]:
    """The ids of applications still owing a tolerated material (with ``overdue_on``: past its deadline
    then), for a filter over every day's applications; their status is the caller's to check."""
    query = select(MaterialPromise.application_id).where(*owing_clauses())
    if overdue_on is not None:
        query = query.where(col(MaterialPromise.due_on) < overdue_on)
    return query


def owed_by(session: Session, application_id: int, *, as_of: date | None = None) -> Owed:
    """What one application still owes."""
    return owed(session, [application_id], as_of=as_of).get(application_id, NOTHING_OWED)


def refuse_completion_while_owed(session: Session, application: Application, catalog: Catalog) -> None:
    """办结 is refused while a tolerated material is still owed, naming it: a case whose 容缺 material
    never arrived is not completed (asked by ``workflow.advance`` of a move to ``completed``)."""
    found = owed_by(session, id_of(application))
    if not found.codes:
        return
    names = catalog.material_names(application.matter_code)
    listed = "、".join(f"“{names.get(code, code)}”（{code}）" for code in found.codes)
    due = f"补交期限 {found.due_on.isoformat()}" if found.due_on else "尚未补交"
    raise Conflict(f"容缺材料{listed}尚未补交（{due}{'，已逾期' if found.overdue else ''}），不能办结；请先补交。",
                   code="tolerated_owed", field="status")


# -- every promise of an application, settled or not -------------------------------------------------


@dataclass(frozen=True)
class PromiseView:
    """One material promised instead of handed in, and where it stands (detail, ``status --json``)."""

    material_code: str
    material_name: str
    kind: str
    state: PromiseState
    due_on: date | None
    """容缺: the last day to supply it; 告知承诺: the day its check is due."""
    note: str | None = None
    """告知承诺: what the check found."""

    @property
    def kind_label(self) -> str:
        """容缺 or 告知承诺."""
        return PROMISE_KINDS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        """容缺待补, 容缺逾期, 已补交, 待核查, 属实, 不属实 or 已失效."""
        return PROMISE_STATES[self.state]

    @property
    def due_label(self) -> str:
        """What ``due_on`` is: 补交期限 of a 容缺, 核查期限 of a 告知承诺."""
        return "补交期限" if self.kind == PromiseKind.TOLERATED else "核查期限"

    def to_dict(self) -> dict[str, Any]:
        """The ``promises`` rows of ``counterdesk status --json``."""
        return {"material_code": self.material_code, "material_name": self.material_name, "kind": self.kind,
                "state": self.state.value, "state_label": self.state_label,
                "due_on": self.due_on.isoformat() if self.due_on else None, "note": self.note}


def promises_of(session: Session, application: Application, *, catalog: Catalog,
                as_of: date | None = None) -> list[PromiseView]:
    """Every promise of an application, kind by kind and in material order, each with its state."""
    day = as_of or today()
    names = catalog.material_names(application.matter_code)
    received = local(application.submitted_at).date() if application.submitted_at else None
    views = []
    for code, row in sorted(marks_of(session, id_of(application)).items(), key=lambda pair: (pair[1].kind, pair[0])):
        state = promise_state(row.kind, application.status, due_on=row.due_on, supplied=row.supplied_at is not None,
                              outcome=row.outcome, today=day)
        due = row.due_on if row.kind == PromiseKind.TOLERATED else (
            check_deadline(received, catalog.calendar) if received else None)
        views.append(PromiseView(code, names.get(code, ""), row.kind, state, due, row.outcome_note))
    return views


def mark_supplied(session: Session, *, actor: Actor, application: Application, material_code: str,
                  material_name: str = "") -> None:
    """Settle a tolerated material as supplied (the caller has attached it, and commits).

    A history event says so too: a return package carries it to the window that received the
    application, which then stops showing the material as owed (``settle_supplied``).
    """
    from counterdesk.services.hall import get_hall
    from counterdesk.services.workflow import event_hall

    row = marks_of(session, id_of(application)).get(material_code)
    if row is None or row.kind != PromiseKind.TOLERATED or row.supplied_at is not None:
        raise InvalidInput(f"办件 {application.number} 没有待补交的容缺材料 {material_code}。", code="not_owed",
                           field="material")
    moment = now()
    row.supplied_at, row.supplied_by = moment, actor.id
    session.add(row)
    late = owed_overdue(row.due_on, local(moment).date())
    audit.record(session, "tolerated_supplied", staff_id=actor.id, target=f"application:{number_of(application)}",
                 detail=json.dumps({"material": material_code, "due_on": row.due_on.isoformat() if row.due_on else None,
                                    "late": late}, ensure_ascii=False, sort_keys=True))
    audit.record_status(session, application_id=id_of(application), from_status=application.status,
                        to_status=application.status, by_staff=actor.id, kind=EventKind.SUPPLIED,
                        detail={"material": material_code, "name": material_name, "late": late},
                        hall_code=event_hall(get_hall(session), application), at=moment)


def settle_supplied(session: Session, application_id: int, detail: dict[str, Any] | None, *, at: datetime,
                    by_staff: str) -> None:
    """A 补交 made at another hall (a return package's event): the material is no longer owed here."""
    code = (detail or {}).get("material")
    row = marks_of(session, application_id).get(code) if isinstance(code, str) else None
    if row is not None and row.kind == PromiseKind.TOLERATED and row.supplied_at is None:
        row.supplied_at, row.supplied_by = at, by_staff
        session.add(row)


# -- 告知承诺: the supervisor's checks ----------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A 告知承诺 to be checked (核查), checked, or void (its application withdrawn or refused)."""

    id: int
    number: str
    matter_code: str
    material_code: str
    material_name: str
    promised_at: datetime
    outcome: str | None = None
    note: str | None = None
    checked_by: str | None = None
    checked_at: datetime | None = None
    applicant_masked: str = ""
    due_on: date | None = None
    """The day the check is due (``domain.promise.CHECK_DAYS`` working days after 收件)."""
    state: PromiseState = PromiseState.TO_CHECK

    @property
    def overdue(self) -> bool:
        """Still to check after the day it was due."""
        return self.state == PromiseState.TO_CHECK and self.due_on is not None and today() > self.due_on

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk checks --json`` form."""
        return {"id": self.id, "number": self.number, "matter_code": self.matter_code,
                "material_code": self.material_code, "material_name": self.material_name,
                "applicant_masked": self.applicant_masked,
                "promised_at": local(self.promised_at).isoformat(), "due_on": self.due_on.isoformat()
                if self.due_on else None, "overdue": self.overdue, "state": self.state.value,
                "outcome": self.outcome, "outcome_label": PROMISE_STATES[self.state], "note": self.note,
                "checked_by": self.checked_by,
                "checked_at": local(self.checked_at).isoformat() if self.checked_at else None}


def _as_check(session: Session, row: MaterialPromise, application: Application, catalog: Catalog | None,
              calendar: WorkCalendar) -> Check:
    name = catalog.material_names(application.matter_code).get(row.material_code, "") if catalog else ""
    applicant = applicant_of(session, application)
    received = local(application.submitted_at).date() if application.submitted_at else None
    state = promise_state(row.kind, application.status, due_on=None, supplied=False, outcome=row.outcome,
                          today=today())
    return Check(id_of(row), number_of(application), application.matter_code, row.material_code, name,
                 row.created_at, row.outcome, row.outcome_note, row.checked_by, row.checked_at,
                 mask_name(applicant.name if applicant else ""),
                 check_deadline(received, calendar) if received else None, state)


def _require_supervisor(actor: Actor | None) -> None:
    if actor is not None and not actor.is_supervisor:
        raise Forbidden("只有值班长可以核查告知承诺。", code="role")


def checks(session: Session, *, actor: Actor | None = None, catalog: Catalog | None = None,
           include_done: bool = False) -> list[Check]:
    """The 告知承诺 of submitted applications awaiting a check, oldest first; with ``include_done``,
    every one, checked and void too. A check is void once its application was withdrawn or refused."""
    _require_supervisor(actor)
    query = (select(MaterialPromise, Application).join(Application)
             .where(MaterialPromise.kind == PromiseKind.COMMITMENT, Application.status != Status.DRAFT)
             .order_by(col(MaterialPromise.created_at), col(MaterialPromise.id)))
    if not include_done:
        query = query.where(col(MaterialPromise.outcome).is_(None),
                            col(Application.status).in_(LIVE_WHILE[PromiseKind.COMMITMENT]))
    calendar = default_catalog(catalog).calendar
    found = [_as_check(session, row, application, catalog, calendar) for row, application in session.exec(query)]
    session.rollback()
    return found


def record_check(session: Session, *, actor: Actor, check_id: int, outcome: str, note: str | None,
                 catalog: Catalog | None = None) -> Check:
    """A supervisor records a check's outcome (属实 / 不属实, a note required for 不属实), audited; once."""
    try:
        if not actor.is_supervisor:
            raise Forbidden("只有值班长可以记录告知承诺的核查结果。", code="role")
        text = clean_check(outcome, note)
        row = session.get(MaterialPromise, check_id)
        application = session.get(Application, row.application_id) if row is not None else None
        if row is None or application is None or row.kind != PromiseKind.COMMITMENT or application.number is None:
            raise NotFound(f"没有编号为 {check_id} 的告知承诺核查任务。", code="check_unknown")
        if row.outcome is not None:
            raise Conflict(f"该告知承诺已于 {local(row.checked_at or now()):%Y-%m-%d} 核查"
                           f"（{CHECK_OUTCOMES.get(row.outcome, row.outcome)}），不能重复记录。", code="check_done")
        if not binds(row.kind, application.status):
            raise Conflict(f"办件 {application.number} 已是“{status_label(application.status)}”，"
                           "该告知承诺已失效，无需核查。", code="check_void")
        moment = now()
        row.outcome, row.outcome_note, row.checked_by, row.checked_at = outcome, text, actor.id, moment
        session.add(row)
        audit.record(session, "commitment_check", staff_id=actor.id, target=f"application:{application.number}",
                     detail=json.dumps({"check": check_id, "material": row.material_code, "outcome": outcome,
                                        "note": text}, ensure_ascii=False, sort_keys=True))
        session.commit()
    except CounterdeskError:
        session.rollback()
        raise
    session.refresh(row)
    return _as_check(session, row, application, catalog, default_catalog(catalog).calendar)
