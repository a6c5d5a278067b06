"""Receiving (收件): checked applications become received ones, all in one pass.

One path for every way an application reaches the hall. The counter builds a draft step by step
and submits it as a batch of one; the batch importer (and, later, the transfer import) hands over
many new applications at once. Either way, within the caller's transaction: numbers are taken one
block per county, every row is stamped ``received``, and the draft → received events are chained
in one pass. New applications also bring their applicants (upserted, the last one wins), answers,
pickup, attachments and promised materials (容缺, 告知承诺), each table filled by one statement —
which is what keeps a large import fast. A 容缺 promise is dated here, in working days from 收件,
and the received event names what was promised. The caller commits, so a rollback returns the
numbers and stores nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from counterdesk.domain.applicant import ApplicantData, ApplicantForm
from counterdesk.domain.appno import ApplicationNumber
from counterdesk.domain.attachment import AttachmentSource, Precheck
from counterdesk.domain.clock import now
from counterdesk.domain.matter import Matter
from counterdesk.domain.promise import Promised, PromiseKind, tolerance_deadline
from counterdesk.domain.workdays import WEEKENDS_ONLY, WorkCalendar
from counterdesk.domain.workflow import EventKind, Status
from counterdesk.services import audit, chain, numbers
from counterdesk.services.applicants import APPLICANT_SAVED, applicant_digest, applicant_snapshot, applicant_target
from counterdesk.services.staff import Actor
from counterdesk.store.engine import insert_ids, insert_rows
from counterdesk.store.models import (
    Applicant,
    Application,
    Attachment,
    AuditEntry,
    GuidanceAnswer,
    MaterialPromise,
    Pickup,
    StatusEvent,
    StoredFile,
)

if TYPE_CHECKING:
    # Only a type here: the counter's submit need not load the scan checks (PIL, pypdf).
    from counterdesk.documents.inbox import ScanInfo

APPLICANT_COLUMNS = ("kind", "name", "sex", "birth_date", "mobile", "email", "household_address",
                     "residence_address", "legal_representative")
"""What a newer form of the same applicant (证件类型 and number) overwrites."""


class Channel(StrEnum):
    """How an application reached the hall."""

    COUNTER = "counter"
    """Taken at a window, step by step (the ordinary case)."""
    BATCH = "batch"
    """Entered from a batch file collected elsewhere (批量导入)."""

    @property
    def note(self) -> str | None:
        """The received event's reason: how it came, when nobody at a window met the citizen.

        The timeline is where a supervisor sees it; a counter submission carries no note.
        """
        return None if self is Channel.COUNTER else "批量导入"


@dataclass(frozen=True)
class CheckedFile:
    """An attachment that passed the inbox checks, with its content hash."""

    material_code: str
    path: Path | None
    """None for an e-license: its file is already in the store."""
    info: ScanInfo
    sha256: str
    license_id: int | None = None
    """The e-license (电子证照) standing in for the material, if any."""


@dataclass(frozen=True)
class Submission:
    """A new application that passed every check of the counter, placed in a county handling it."""

    matter: Matter
    county: str
    answers: dict[str, str]
    form: ApplicantForm
    pickup: dict[str, str | None]
    files: tuple[CheckedFile, ...]
    """Already in the store: copy them in before the transaction that refers to them."""
    ref: str | None = None
    """The sender's own key for the application (a batch row's ``ref``), if any."""
    digest: str | None = None
    """The content digest that tells a resent ``ref`` as a duplicate or a conflict."""
    promises: tuple[Promised, ...] = ()
    """Materials promised instead of files: 容缺 (dated at receipt unless given) and 告知承诺."""


def applicant_columns(data: ApplicantData) -> dict[str, Any]:
    """The applicant's columns that a newer form overwrites."""
    return {key: getattr(data, key) for key in APPLICANT_COLUMNS}


def form_columns(form: ApplicantForm) -> dict[str, Any]:
    """The application's columns that the applicant form fills (agent, remark, ticket, identity check)."""
    agent = form.agent
    return {"agent_id_type": agent.id_type if agent else None, "agent_id_number": agent.id_number if agent else None,
            "agent_name": agent.name if agent else None, "agent_phone": agent.phone if agent else None,
            "remark": form.remark, "ticket_no": form.ticket_no, "identity_check": form.identity_check}


def _received(number: ApplicationNumber, moment: datetime) -> dict[str, Any]:
    """What receiving stamps on an application: its number, and the hall that received it (收件)."""
    return {"number": str(number), "received_by": number.hall_code, "status": Status.RECEIVED, "step": "done",
            "updated_at": moment, "submitted_at": moment, "submitted_on": moment.date()}


def receive(session: Session, *, actor: Actor, channel: Channel, drafts: Sequence[Application] = (),
            new: Sequence[Submission] = (), calendar: WorkCalendar = WEEKENDS_ONLY) -> list[str]:
    """Store checked drafts and new applications as received (the caller commits).

    ``calendar`` counts the working days of 容缺 promises. Returns the numbers given, drafts
    first, each list in its order.
    """
    moment = now()
    given = _allocate(session, [d.county_code for d in drafts] + [s.county for s in new], moment.date())
    ids = _stamp(session, drafts, given[:len(drafts)], moment) + _insert(
        session, actor, new, [_received(number, moment) for number in given[len(drafts):]], moment, calendar=calendar)
    if ids:
        promised = _date_marks(session, ids[:len(drafts)], moment, calendar)
        if any(item.promises for item in new):
            promised.update(_promises_of(session, ids[len(drafts):]))
        # One hall numbers everything received here; its code is on every event, as on every move.
        _record_events(session, actor, ids, moment, channel.note, given[0].hall_code, promised)
    return [str(number) for number in given]


def _date_marks(session: Session, draft_ids: list[int], moment: datetime,
                calendar: WorkCalendar) -> dict[int, list[MaterialPromise]]:
    """Date the drafts' 容缺 marks from the day of receipt; returns every promise of these applications."""
    rows = list(session.scalars(select(MaterialPromise).where(col(MaterialPromise.application_id).in_(draft_ids))
                                .order_by(col(MaterialPromise.material_code)))) if draft_ids else []
    for row in rows:
        if row.kind == PromiseKind.TOLERATED:
            row.due_on = tolerance_deadline(moment.date(), row.days, calendar)
            session.add(row)
    found: dict[int, list[MaterialPromise]] = {}
    for row in rows:
        found.setdefault(row.application_id, []).append(row)
    return found


def promise_rows(app_id: int, promises: Sequence[Promised], staff_id: str, moment: datetime,
                 calendar: WorkCalendar) -> list[dict[str, Any]]:
    """A new application's promises as rows: a 容缺 dated from receipt unless it came with its date."""
    return [{"application_id": app_id, "material_code": p.material_code, "kind": p.kind, "days": p.days,
             "due_on": (p.due_on or tolerance_deadline(moment.date(), p.days, calendar))
             if p.kind == PromiseKind.TOLERATED else None, "by_staff": staff_id, "created_at": moment}
            for p in promises]


def promised_detail(rows: Sequence[MaterialPromise]) -> dict[str, Any] | None:
    """What the received event says was promised: tolerated materials with their dates, commitments."""
    tolerated = {r.material_code: r.due_on.isoformat() for r in rows
                 if r.kind == PromiseKind.TOLERATED and r.due_on is not None}
    committed = [r.material_code for r in rows if r.kind == PromiseKind.COMMITMENT]
    detail: dict[str, Any] = {}
    if tolerated:
        detail["tolerated"] = tolerated
    if committed:
        detail["committed"] = sorted(committed)
    return detail or None


def _allocate(session: Session, counties: list[str], day: date) -> list[ApplicationNumber]:
    """Numbers for the counties, in order: one block per county, in this transaction."""
    blocks = {county: iter(numbers.allocate_block(session, county, day, count))
              for county, count in Counter(counties).items()}
    return [next(blocks[county]) for county in counties]


def _stamp(session: Session, drafts: Sequence[Application], given: list[ApplicationNumber],
           moment: datetime) -> list[int]:
    """Stamp drafts already stored with everything else (answers, applicant, pickup, files)."""
    for draft, number in zip(drafts, given, strict=True):
        draft.sqlmodel_update(_received(number, moment))
        applicant = session.get(Applicant, draft.applicant_id) if draft.applicant_id else None
        # The application keeps the applicant as received, whatever a later form changes.
        draft.applicant_json = applicant_snapshot(applicant, applicant.id) if applicant else None
        session.add(draft)
    session.flush()
    return [_stored_id(draft) for draft in drafts]


def _stored_id(application: Application) -> int:
    if application.id is None:
        raise ValueError("a flushed application has an id")
    return application.id


def _insert(session: Session, actor: Actor, new: Sequence[Submission], stamps: list[dict[str, Any]],
            moment: datetime, source: AttachmentSource = AttachmentSource.BATCH, *,
            calendar: WorkCalendar = WEEKENDS_ONLY) -> list[int]:
    """Insert new applications with their applicants, answers, pickups, attachments and promises.

    ``stamps`` are each application's number and state (``_received`` here, ``_signed_for`` for
    an arrival); ``source`` is where files not standing for an e-license came from.
    """
    if not new:
        return []
    applicant_ids = _upsert_applicants(session, new, moment, actor.id)
    application_ids = insert_ids(session, Application, [
        _application(item, stamp, applicant_ids, actor, moment) for item, stamp in zip(new, stamps, strict=True)])
    answers: list[dict[str, Any]] = []
    pickups: list[dict[str, Any]] = []
    attachments: list[dict[str, Any]] = []
    promises: list[dict[str, Any]] = []
    for item, app_id in zip(new, application_ids, strict=True):
        promises.extend(promise_rows(app_id, item.promises, actor.id, moment, calendar))
        answers.extend({"application_id": app_id, "question_id": q, "option_id": o} for q, o in item.answers.items())
        pickups.append({"application_id": app_id, **item.pickup})
        attachments.extend({"application_id": app_id, "material_code": f.material_code, "sha256": f.sha256,
                            "original_name": f.info.name[:255], "license_id": f.license_id,
                            "source": AttachmentSource.LICENSE if f.license_id else source,
                            "precheck": Precheck.PENDING, "created_at": moment}
                           for f in item.files)
    if answers:
        insert_rows(session, GuidanceAnswer, answers)
    insert_rows(session, Pickup, pickups)
    _record_files(session, new, moment)
    if attachments:
        insert_rows(session, Attachment, attachments)
    if promises:
        insert_rows(session, MaterialPromise, promises)
    return application_ids


def _upsert_applicants(session: Session, new: Sequence[Submission], moment: datetime,
                       staff_id: str) -> dict[tuple[str, str], int]:
    """Insert new applicants and update returning ones (the last form wins), each change audited
    with the applicant's digest as ``upsert_applicant`` does."""
    latest: dict[tuple[str, str], ApplicantData] = {}
    for item in new:
        data = item.form.applicant
        latest[(data.id_type, data.id_number)] = data
    ids = {(t, n): i for i, t, n in session.execute(
        select(col(Applicant.id), col(Applicant.id_type), col(Applicant.id_number)).where(
            col(Applicant.id_number).in_({number for _, number in latest})))
        if (t, n) in latest}
    if ids:
        session.execute(update(Applicant), [
            {"id": i, "updated_at": moment, **applicant_columns(latest[key])} for key, i in ids.items()])
    fresh = [key for key in latest if key not in ids]
    if fresh:
        new_ids = insert_ids(session, Applicant, [
            {"id_type": t, "id_number": n, "created_at": moment, "updated_at": moment,
             **applicant_columns(latest[(t, n)])} for t, n in fresh])
        ids.update(zip(fresh, new_ids, strict=True))
    chain.append_many(session, AuditEntry, audit.audit_fields, [
        {"at": moment, "staff_id": staff_id, "action": APPLICANT_SAVED, "target": applicant_target(i),
         "detail": applicant_digest(latest[key], i)} for key, i in ids.items()])
    return ids


def _application(item: Submission, stamp: dict[str, Any], applicant_ids: dict[tuple[str, str], int], actor: Actor,
                 moment: datetime) -> dict[str, Any]:
    applicant = item.form.applicant
    applicant_id = applicant_ids[(applicant.id_type, applicant.id_number)]
    return {
        "ref": item.ref, "ref_digest": item.digest, "matter_code": item.matter.code, "county_code": item.county,
        "window": actor.window, "clerk_id": actor.id, "applicant_id": applicant_id,
        "applicant_json": applicant_snapshot(applicant, applicant_id),
        "created_at": moment, "version": 1, **form_columns(item.form), **stamp,
    }


def _record_files(session: Session, new: Sequence[Submission], moment: datetime) -> None:
    blobs = {f.sha256: f.info for item in new for f in item.files}
    if not blobs:
        return
    known = set(session.scalars(select(col(StoredFile.sha256)).where(col(StoredFile.sha256).in_(blobs))))
    fresh = [{"sha256": sha, "size": info.size, "pages": info.pages, "media_type": info.media_type,
              "created_at": moment} for sha, info in blobs.items() if sha not in known]
    if fresh:
        insert_rows(session, StoredFile, fresh)


def _record_events(session: Session, actor: Actor, application_ids: list[int], moment: datetime,
                   reason: str | None, hall_code: str | None,
                   promised: dict[int, list[MaterialPromise]]) -> None:
    """The draft → received events, hash-chained in id order in one statement.

    An event names the materials its application promised, so the timeline shows what the
    applicant signed for.
    """
    details = {app_id: promised_detail(rows) for app_id, rows in promised.items()}
    chain.append_many(session, StatusEvent, audit.event_fields, [
        {"application_id": app_id, "at": moment, "from_status": Status.DRAFT, "to_status": Status.RECEIVED,
         "by_staff": actor.id, "reason": reason, "kind": EventKind.MOVE,
         "detail": json.dumps(details[app_id], ensure_ascii=False, sort_keys=True) if details.get(app_id) else None,
         "hall_code": hall_code}
        for app_id in application_ids])


def _promises_of(session: Session, application_ids: list[int]) -> dict[int, list[MaterialPromise]]:
    found: dict[int, list[MaterialPromise]] = {}
    for start in range(0, len(application_ids), 500):
        for row in session.scalars(select(MaterialPromise).where(
                col(MaterialPromise.application_id).in_(application_ids[start:start + 500]))):
            found.setdefault(row.application_id, []).append(row)
    return found

@dataclass(frozen=True)
class Arrival:
    """An application another hall received for this county, arriving in its transfer package."""

    submission: Submission
    number: str
    """The number the citizen holds, kept as the receiving hall gave it."""
    received_by: str
    submitted_at: datetime
    history: tuple[dict[str, Any], ...]
    """Its status events from the package not yet stored here, as rows (``origin`` names each)."""


def sign_for(session: Session, *, actor: Actor, arrivals: Sequence[Arrival], batch: str, hall_code: str) -> list[int]:
    """Store a transfer batch's applications as signed for here (签收), history first (the caller commits)."""
    moment = now()
    stamps = [{"number": a.number, "received_by": a.received_by, "status": Status.SIGNED_FOR, "step": "done",
               "updated_at": moment, "submitted_at": a.submitted_at, "submitted_on": a.submitted_at.date(),
               "transfer_batch": batch} for a in arrivals]
    ids = _insert(session, actor, [a.submission for a in arrivals], stamps, moment, AttachmentSource.TRANSFER)
    events: list[dict[str, Any]] = []
    for arrival, app_id in zip(arrivals, ids, strict=True):
        events.extend({**event, "application_id": app_id} for event in arrival.history)
        events.append({"application_id": app_id, "at": moment,
                       "from_status": arrival.history[-1]["to_status"] if arrival.history else Status.IN_TRANSIT,
                       "to_status": Status.SIGNED_FOR, "by_staff": actor.id, "reason": None, "kind": EventKind.MOVE,
                       "detail": json.dumps({"batch": batch}, ensure_ascii=False, sort_keys=True),
                       "hall_code": hall_code, "origin": None})
    chain.append_many(session, StatusEvent, audit.event_fields, events)
    return ids
