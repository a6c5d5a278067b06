"""Hand-over to the 办理地 (寄递 and 签收): transfer batches, the 材料流转单, signing for a batch.

The window groups the applications it received for one handling county into a batch, records
the courier's waybill, prints the transfer sheet, and every application moves to ``in_transit``.
On a shared database the 办理地's back office then sees the batch as "received elsewhere for my
county" and signs for it (``signed_for``); with separate databases the transfer package does the
carrying (``services.package``) and its import is the 签收.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, update
from sqlmodel import Session, col, select

from counterdesk.domain.clock import local, now
from counterdesk.domain.errors import Conflict, InvalidInput, NotFound
from counterdesk.domain.masking import mask_name
from counterdesk.domain.workflow import Status, check_move
from counterdesk.services import audit
from counterdesk.services.hall import WorkingHall, get_hall
from counterdesk.services.staff import Actor
from counterdesk.store.models import Applicant, Application, Attachment, StoredFile, TransferBatch, id_of, number_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.config import Settings
    from counterdesk.documents.pdf.rendered import RenderedPdf
    from counterdesk.documents.pdf.transfer_sheet import TransferSheetData

WAYBILL = re.compile(r"[0-9A-Za-z-]{4,40}")


@dataclass(frozen=True)
class Dispatched:
    """A transfer batch just made."""

    batch: str
    count: int
    numbers: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``counterdesk transfer dispatch --json``."""
        return {"batch": self.batch, "count": self.count, "numbers": self.numbers}


@dataclass(frozen=True)
class IncomingBatch:
    """A batch on its way to this hall's county (在途), as the back office sees it."""

    batch: str
    from_hall: str
    waybill: str | None
    count: int
    dispatched_at: datetime
    from_hall_name: str | None = None
    """The sending hall's name, when it is registered in this database."""


@dataclass(frozen=True)
class Waiting:
    """Applications this hall received for one 办理地 and has not sent yet (待寄递)."""

    county_code: str
    county_name: str
    count: int
    oldest: datetime | None
    """When the one waiting longest was received."""


def clean_waybill(waybill: str | None) -> str | None:
    """The courier's waybill number, letters, digits and dashes only."""
    text = (waybill or "").strip()
    if not text:
        return None
    if not WAYBILL.fullmatch(text):
        raise InvalidInput("快递运单号应为 4 至 40 位字母、数字或连字符。", code="waybill", field="waybill")
    return text


def working_hall(session: Session) -> WorkingHall:
    """This process's hall, refused when it has no county yet (nothing can be sent from nowhere)."""
    hall = get_hall(session).working()
    if hall is None:
        raise InvalidInput("本大厅尚未设置所在县区和大厅代码，请先运行 counterdesk init。", code="hall_unset")
    return hall


def _next_batch_id(session: Session, hall_code: str, moment: datetime) -> str:
    prefix = f"{hall_code}-{local(moment):%Y%m%d}-"
    made = session.exec(select(func.count()).select_from(TransferBatch)
                        .where(col(TransferBatch.id).startswith(prefix))).one()
    return f"{prefix}{made + 1:02d}"


def _waiting_here(hall: WorkingHall) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """What a dispatch from ``hall`` takes: received here, not sent yet (the county narrows it further)."""
    return col(Application.status) == Status.RECEIVED, col(Application.received_by) == hall.code


def waiting(session: Session, *, catalog: Catalog) -> list[Waiting]:
    """待寄递: the counties this hall holds received applications for, with how many and since when."""
    hall = working_hall(session)
    rows = session.exec(select(Application.county_code, func.count(), func.min(Application.submitted_at))
                        .where(*_waiting_here(hall), Application.county_code != hall.county_code)
                        .group_by(Application.county_code).order_by(Application.county_code)).all()
    session.rollback()
    return [Waiting(code, _county_name(catalog, code), count, oldest) for code, count, oldest in rows]


def _county_name(catalog: Catalog, code: str) -> str:
    try:
        return str(catalog.county(code).name)
    except InvalidInput:
        return code


def dispatch(session: Session, *, actor: Actor, catalog: Catalog, to_county: str, waybill: str | None = None) -> Dispatched:
    """寄递: put every application this hall received for ``to_county`` into one batch, in transit."""
    hall = working_hall(session)
    county = catalog.county(to_county)
    waybill = clean_waybill(waybill)
    if not hall.is_remote(county.code):
        raise InvalidInput(f"{county.name}是本大厅所在县区，本地办件直接交后台办理，无需寄递。", code="local",
                           field="county")
    waiting = list(session.exec(
        select(Application).where(Application.county_code == county.code, *_waiting_here(hall))
        .order_by(col(Application.submitted_at), col(Application.id))))
    if not waiting:
        session.rollback()
        raise NotFound(f"没有待寄往{county.name}的已收件办件。", code="nothing_to_dispatch")
    for application in waiting:
        check_move(application.status, Status.IN_TRANSIT, actor.role, remote=True)
    moment = now()
    batch = _next_batch_id(session, hall.code, moment)
    session.add(TransferBatch(id=batch, from_hall=hall.code, to_county=county.code, waybill=waybill,
                              count=len(waiting), created_at=moment, created_by=actor.id))
    detail = {"batch": batch, "waybill": waybill} if waybill else {"batch": batch}
    for application in waiting:
        changed = session.exec(update(Application)
                               .where(col(Application.id) == application.id, col(Application.version) == application.version)
                               .values(status=Status.IN_TRANSIT, version=application.version + 1,
                                       transfer_batch=batch, updated_at=moment)).rowcount
        if changed != 1:
            session.rollback()
            raise Conflict("寄递期间有办件被他人修改，请重新寄递。", code="stale")
        audit.record_status(session, application_id=id_of(application), from_status=Status.RECEIVED,
                            to_status=Status.IN_TRANSIT, by_staff=actor.id, detail=detail, hall_code=hall.code)
    audit.record(session, "transfer_dispatch", staff_id=actor.id, target=batch,
                 detail=f"to={county.code} count={len(waiting)} waybill={waybill or ''}")
    session.commit()
    return Dispatched(batch, len(waiting), [number_of(a) for a in waiting])


def sheet_data(session: Session, *, catalog: Catalog, batch: str) -> TransferSheetData:
    """The 材料流转单 of a batch, from the applications as they were sent."""
    from counterdesk.documents.pdf.transfer_sheet import SheetLine, SheetMaterial, TransferSheetData
    from counterdesk.domain import guidance
    from counterdesk.services.applications import answers_of
    from counterdesk.store.models import Hall as HallRow
    from counterdesk.store.models import Staff

    row = session.get(TransferBatch, batch)
    if row is None:
        raise NotFound(f"没有编号为 {batch} 的流转批次。", code="batch_unknown")
    hall = session.get(HallRow, row.from_hall)
    sender = session.get(Staff, row.created_by)
    lines = []
    for application in session.exec(select(Application).where(Application.transfer_batch == batch)
                                    .order_by(col(Application.submitted_at), col(Application.id))):
        matter = catalog.find(application.matter_code)
        pages: dict[str, int] = {}
        for code, count in session.exec(select(Attachment.material_code, StoredFile.pages).join(StoredFile)
                                        .where(Attachment.application_id == application.id)):
            pages[code] = pages.get(code, 0) + count
        materials = guidance.applicable_materials(matter, answers_of(session, id_of(application))) if matter else []
        applicant = session.get(Applicant, application.applicant_id) if application.applicant_id else None
        lines.append(SheetLine(
            number_of(application), matter.name if matter else application.matter_code,
            mask_name(applicant.name if applicant else ""),
            [SheetMaterial(m.name, m.kind_label, m.copies, pages.get(m.code, 0), m.kind == "original")
             for m in materials if m.code in pages or m.required]))
    session.rollback()
    return TransferSheetData(
        batch=batch, hall_name=hall.name if hall else row.from_hall, hall_code=row.from_hall,
        to_county_name=catalog.county(row.to_county).name, to_county_code=row.to_county, waybill=row.waybill,
        sender=f"{sender.name}（{sender.id}）" if sender else row.created_by, dispatched_at=local(row.created_at),
        lines=lines)


def transfer_sheet_pdf(session: Session, *, catalog: Catalog, batch: str) -> RenderedPdf:
    """The 材料流转单 PDF of a batch."""
    from counterdesk.documents.pdf.transfer_sheet import render_transfer_sheet

    return render_transfer_sheet(sheet_data(session, catalog=catalog, batch=batch))


def save_sheet(session: Session, *, catalog: Catalog, settings: Settings, batch: str) -> Path:
    """The 材料流转单 of a batch saved in the hall's output folder (never over another file); its path."""
    from counterdesk.documents.printing import save_pdf

    return save_pdf(transfer_sheet_pdf(session, catalog=catalog, batch=batch), settings.output_dir,
                    f"材料流转单-{batch}.pdf")


def incoming(session: Session) -> list[IncomingBatch]:
    """Batches on the way to this hall's county and not yet signed for: "received elsewhere for my county"."""
    from counterdesk.store.models import Hall as HallRow

    hall = working_hall(session)
    rows = session.exec(select(TransferBatch, HallRow.name).join(HallRow, col(HallRow.code) == col(TransferBatch.from_hall),
                                                                 isouter=True)
                        .where(TransferBatch.to_county == hall.county_code, col(TransferBatch.signed_at).is_(None))
                        .order_by(col(TransferBatch.created_at), col(TransferBatch.id))).all()
    session.rollback()
    return [IncomingBatch(r.id, r.from_hall, r.waybill, r.count, r.created_at, name) for r, name in rows]


def sign_for(session: Session, *, actor: Actor, batch: str) -> list[str]:
    """签收 a batch that reached this hall's county on the shared database: each application ``signed_for``."""
    hall = working_hall(session)
    row = session.get(TransferBatch, batch)
    if row is None or row.to_county != hall.county_code:
        session.rollback()
        raise NotFound(f"没有寄往本县区、编号为 {batch} 的流转批次。", code="batch_unknown")
    if row.signed_at is not None:
        session.rollback()
        raise Conflict(f"流转批次 {batch} 已于 {local(row.signed_at):%Y-%m-%d %H:%M} 签收。", code="signed")
    applications = list(session.exec(select(Application).where(Application.transfer_batch == batch,
                                                                Application.status == Status.IN_TRANSIT)))
    moment = now()
    for application in applications:
        check_move(application.status, Status.SIGNED_FOR, actor.role, remote=True)
        application.status, application.version, application.updated_at = (
            Status.SIGNED_FOR, application.version + 1, moment)
        session.add(application)
        audit.record_status(session, application_id=id_of(application), from_status=Status.IN_TRANSIT,
                            to_status=Status.SIGNED_FOR, by_staff=actor.id, detail={"batch": batch},
                            hall_code=hall.code)
    row.signed_at, row.signed_by, row.signed_hall = moment, actor.id, hall.code
    session.add(row)
    audit.record(session, "transfer_sign", staff_id=actor.id, target=batch, detail=f"count={len(applications)}")
    session.commit()
    return [number_of(a) for a in applications]
