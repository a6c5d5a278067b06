"""Transfer and return packages between halls with separate databases.

The window's hall writes a **transfer package** of a batch: every application in the import
format keeping the number the citizen holds, every attachment, their history, signed with the
hall's Ed25519 key. The 办理地 imports it whole or not at all; importing it is the 签收. Later the
办理地 writes a **return package** of the events it made on applications received by that hall
since the last one, and the window imports it so ``status`` shows the 办理地's progress.

Every event copied between halls keeps its time and hall and names its origin
(``<hall>:<event id>``), which is unique: replaying a package, or two overlapping ones, never adds
an event twice.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from counterdesk.config import Settings
from counterdesk.documents import signing
from counterdesk.documents.inbox import ScanInfo
from counterdesk.documents.package import Package, read_package, write_package
from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.clock import now
from counterdesk.domain.errors import CounterdeskError, InvalidInput, NotFound
from counterdesk.domain.text import has_control
from counterdesk.domain.workflow import EventKind
from counterdesk.services import audit, chain, items, submit
from counterdesk.services.attachments import MEDIA_KINDS, store_of
from counterdesk.services.batchrows import CheckedRow, check_row, normalise
from counterdesk.services.export import application_row, parts_of
from counterdesk.services.hall import WorkingHall, hall_row
from counterdesk.services.promises import settle_supplied
from counterdesk.services.staff import Actor
from counterdesk.services.transfer import working_hall
from counterdesk.store.models import (
    Application,
    Attachment,
    StatusEvent,
    StoredFile,
    TransferBatch,
    TransferLog,
    id_of,
    number_of,
    present,
)
from counterdesk.store.models import Hall as HallRow

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog


@dataclass(frozen=True)
class Written:
    """A package written: what it carries."""

    kind: str
    batch: str | None
    count: int
    digest: str


@dataclass(frozen=True)
class Imported:
    """A package imported (or recognised as already imported)."""

    kind: str
    batch: str | None
    imported: int
    duplicates: int

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``counterdesk transfer import --json``."""
        return {"kind": self.kind, "batch": self.batch, "imported": self.imported, "duplicates": self.duplicates}


def _signer(session: Session, settings: Settings, hall: WorkingHall) -> Callable[[bytes], str]:
    """The hall's signing function; the key pair is made (and its public half registered) on first use."""
    public = signing.ensure_key_pair(settings.home / "data", hall.code)
    own = session.get(HallRow, hall.code) or HallRow(code=hall.code, name=hall.name, county_code=hall.county_code)
    if own.public_key != public or not own.own:
        own.public_key, own.own = public, True
        session.add(own)
    key = signing.load_private_key(signing.key_paths(settings.home / "data", hall.code)[0])
    return lambda message: signing.sign(key, message)


def _event_dict(number: str, event: StatusEvent, hall_code: str) -> dict[str, Any]:
    return {"number": number, "origin": event.origin or f"{hall_code}:{event.id}", "at": event.at.isoformat(),
            "from": event.from_status, "to": event.to_status, "by": event.by_staff, "reason": event.reason,
            "kind": event.kind, "detail": json.loads(event.detail) if event.detail else None,
            "hall_code": event.hall_code or hall_code}


def _log(session: Session, actor: Actor, *, kind: str, direction: str, hall_code: str, batch: str | None,
         digest: str, count: int, last_event_id: int | None = None) -> None:
    session.add(TransferLog(kind=kind, direction=direction, hall_code=hall_code, batch=batch, digest=digest,
                            count=count, last_event_id=last_event_id, by_staff=actor.id))
    audit.record(session, f"package_{direction}", staff_id=actor.id, target=batch or hall_code,
                 detail=f"kind={kind} count={count} digest={digest}")


def export_batch(session: Session, *, actor: Actor, settings: Settings, batch: str, out: Path) -> Written:
    """Write the transfer package of a batch this hall dispatched."""
    hall = working_hall(session)
    row = session.get(TransferBatch, batch)
    if row is None or row.from_hall != hall.code:
        raise NotFound(f"本大厅没有编号为 {batch} 的流转批次。", code="batch_unknown")
    applications = list(session.exec(select(Application).where(Application.transfer_batch == batch)
                                     .order_by(col(Application.id))))
    store = store_of(settings)
    files: dict[str, Path] = {}
    file_info: dict[str, dict[str, Any]] = {}

    parts = parts_of(session, applications)
    shas = list({a.sha256 for part in parts.values() for a in part["attachments"]})
    blobs = {f.sha256: f for start in range(0, len(shas), 500)
             for f in session.exec(select(StoredFile).where(col(StoredFile.sha256).in_(shas[start:start + 500])))}

    def attachment_paths(attachments: list[Attachment]) -> dict[str, list[str]]:
        paths: dict[str, list[str]] = {}
        for attachment in attachments:
            files[attachment.sha256] = store.path_of(attachment.sha256)
            stored = blobs[attachment.sha256]
            file_info[attachment.sha256] = {"name": attachment.original_name, "pages": stored.pages,
                                            "media_type": stored.media_type}
            paths.setdefault(attachment.material_code, []).append(f"files/{attachment.sha256}")
        return paths

    rows = [application_row(session, a, attachment_paths, parts[id_of(a)]) | {"_received_by": a.received_by}
            for a in applications]
    numbers = {id_of(a): number_of(a) for a in applications}
    events = [_event_dict(numbers[e.application_id], e, hall.code) for e in session.exec(
        select(StatusEvent).where(col(StatusEvent.application_id).in_(numbers)).order_by(col(StatusEvent.id)))]
    header = {"kind": "transfer", "from_hall": hall.code, "from_name": hall.name, "to_county": row.to_county,
              "batch": batch, "waybill": row.waybill, "created_at": now().isoformat(), "file_info": file_info}
    digest = write_package(out, header=header, rows=rows, events=events, files=files,
                           sign=_signer(session, settings, hall))
    _log(session, actor, kind="transfer", direction="out", hall_code=row.to_county, batch=batch,
         digest=digest, count=len(rows))
    session.commit()
    return Written("transfer", batch, len(rows), digest)


def write_return(session: Session, *, actor: Actor, settings: Settings, to_hall: str, out: Path) -> Written:
    """Write the events made here since the last return on applications that ``to_hall`` received."""
    hall = working_hall(session)
    partner = hall_row(session, to_hall)
    if partner is None or partner.own:
        raise NotFound(f"没有登记代码为 {to_hall} 的合作大厅。", code="hall_unknown")
    last = session.exec(select(func.max(TransferLog.last_event_id)).where(
        TransferLog.kind == "return", TransferLog.direction == "out", TransferLog.hall_code == to_hall)).one() or 0
    found = session.exec(select(StatusEvent, Application.number).join(Application)
                         .where(Application.received_by == to_hall, col(StatusEvent.id) > last,
                                col(StatusEvent.origin).is_(None))
                         .order_by(col(StatusEvent.id))).all()
    if not found:
        session.rollback()
        raise NotFound(f"自上次回传以来，{to_hall} 收件的办件没有新的办理进度。", code="nothing_to_return")
    events = [_event_dict(present(number, "number of a received application"), event, hall.code)
              for event, number in found]
    header = {"kind": "return", "from_hall": hall.code, "from_name": hall.name, "to_hall": to_hall,
              "batch": None, "created_at": now().isoformat()}
    digest = write_package(out, header=header, rows=None, events=events, files={},
                           sign=_signer(session, settings, hall))
    _log(session, actor, kind="return", direction="out", hall_code=to_hall, batch=None, digest=digest,
         count=len(events), last_event_id=found[-1][0].id)
    session.commit()
    return Written("return", None, len(events), digest)


def import_package(session: Session, *, actor: Actor, settings: Settings, catalog: Catalog, path: Path) -> Imported:
    """Import a transfer or return package whole, or refuse it whole naming what is wrong."""
    hall = working_hall(session)

    def key_of(code: str) -> str | None:
        row = hall_row(session, code)
        return row.public_key if row is not None and not row.own else None

    with tempfile.TemporaryDirectory(prefix="counterdesk-package-") as folder:
        package = read_package(Path(path), Path(folder), key_of=key_of, verify=signing.verify,
                               max_file_bytes=settings.max_file_bytes)
        try:
            if package.kind == "transfer":
                result = _import_transfer(session, actor, settings, catalog, hall, package)
            else:
                result = _import_return(session, actor, hall, package)
        except CounterdeskError:
            session.rollback()
            raise
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            # Signed by a trusted hall, yet not in the shape this version writes: refuse it whole.
            session.rollback()
            raise InvalidInput(f"移交包内容格式不符（{type(error).__name__}: {str(error)[:80]}），整包未导入。",
                               code="package_content", field="package") from error
    return result


def _seen(session: Session, package: Package) -> bool:
    return session.exec(select(TransferLog.id).where(TransferLog.direction == "in",
                                                     TransferLog.digest == package.digest)).first() is not None


def _import_transfer(session: Session, actor: Actor, settings: Settings, catalog: Catalog, hall: WorkingHall,
                     package: Package) -> Imported:
    manifest = package.manifest
    batch, sender = str(manifest.get("batch") or ""), package.sender
    if manifest.get("to_county") != hall.county_code:
        raise InvalidInput(f"移交包寄往区县 {manifest.get('to_county')}，不是本大厅所在县区，整包未导入。",
                           code="package_address", field="package")
    rows = package.rows()
    if _seen(session, package):
        session.rollback()
        return Imported("transfer", batch, 0, len(rows))
    checked = []
    for line, data in enumerate(rows, start=1):
        number = str(data.get("_number") or "")
        try:
            parsed = parse_application_number(number)
            if parsed.hall_code not in (None, sender):
                raise InvalidInput(f"编号不是寄出大厅 {sender} 发出的。", code="package_number")
            row = check_row(normalise({k: v for k, v in data.items() if not k.startswith("_")}), catalog=catalog,
                            base_dir=package.folder, max_bytes=settings.max_file_bytes, licenses=None,
                            known=lambda path: _known(package, path))
        except CounterdeskError as error:
            raise InvalidInput(f"移交包第 {line} 件（{number or '无编号'}）不合格：{error.message}整包未导入。",
                               code="package_row", field="package") from error
        if row.county != hall.county_code:
            raise InvalidInput(f"移交包第 {line} 件（{number}）的办理地不是本县区，整包未导入。",
                               code="package_row", field="package")
        checked.append((str(parsed), data, row))
    events: dict[str, list[dict[str, Any]]] = {}
    for event in package.events():
        events.setdefault(event["number"], []).append(event)
    origins = _present_origins(session, [e for group in events.values() for e in group])
    existing = set(session.exec(select(Application.number).where(
        col(Application.number).in_([number for number, _, _ in checked]))))
    fresh = [item for item in checked if item[0] not in existing]
    store = store_of(settings)
    with store.writing():
        with store.many():
            for _, _, row in fresh:
                for item in row.files:
                    if item.path is not None:  # an e-license's file is in the store already
                        store.put(item.path, info=item.info)
        submit.sign_for(session, actor=actor, batch=batch, hall_code=hall.code, arrivals=[
            _arrival(number, data, row, sender, events.get(number, []), origins) for number, data, row in fresh])
        moment = now()
        if session.get(TransferBatch, batch) is None:
            session.add(TransferBatch(id=batch, from_hall=sender, to_county=hall.county_code,
                                      waybill=manifest.get("waybill"), count=len(rows),
                                      created_at=datetime.fromisoformat(manifest["created_at"]),
                                      created_by=str(manifest.get("from_name") or sender)[:32],
                                      signed_at=moment, signed_by=actor.id, signed_hall=hall.code))
        _log(session, actor, kind="transfer", direction="in", hall_code=sender, batch=batch, digest=package.digest,
             count=len(fresh))
        session.commit()
    return Imported("transfer", batch, len(fresh), len(checked) - len(fresh))


def _arrival(number: str, data: dict[str, Any], row: CheckedRow, sender: str, events: list[dict[str, Any]],
             origins: set[str]) -> submit.Arrival:
    """One application of the package as the 办理地 signs for it: its number and the history not yet here."""
    history = []
    for event in events:
        origin = str(event["origin"])[:40]
        if origin not in origins:
            origins.add(origin)
            history.append(_event_row(event, origin))
    submitted = datetime.fromisoformat(data["_submitted_at"]) if data.get("_submitted_at") else now()
    return submit.Arrival(submission=row, number=number, received_by=str(data.get("_received_by") or sender),
                           submitted_at=submitted, history=tuple(history))


def _event_row(event: dict[str, Any], origin: str) -> dict[str, Any]:
    """A status event of another hall as stored here: its time and hall kept, its origin named."""
    detail = event.get("detail")
    return {"at": datetime.fromisoformat(event["at"]), "from_status": event.get("from"), "to_status": event["to"],
            "by_staff": str(event.get("by") or "")[:32], "reason": event.get("reason"),
            "kind": EventKind(event.get("kind") or EventKind.MOVE),
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
            "hall_code": event.get("hall_code"), "origin": origin}


def _present_origins(session: Session, events: list[dict[str, Any]]) -> set[str]:
    """The origins among ``events`` already stored here (looked up once, not per event)."""
    wanted = list({str(event["origin"])[:40] for event in events})
    stored: set[str] = set()
    for start in range(0, len(wanted), 500):
        stored.update(origin for origin in session.exec(select(col(StatusEvent.origin)).where(
            col(StatusEvent.origin).in_(wanted[start:start + 500]))) if origin is not None)
    return stored


def _known(package: Package, path: Path) -> ScanInfo | None:
    """What the sending hall found a file to be, when the signed manifest says so plausibly."""
    info = package.manifest.get("file_info", {}).get(path.name) if path.parent.name == "files" else None
    if not isinstance(info, dict) or info.get("media_type") not in MEDIA_KINDS:
        return None
    pages, name = info.get("pages"), info.get("name")
    if not isinstance(pages, int) or pages < 1 or not isinstance(name, str) or has_control(name):
        return None
    return ScanInfo(path, name[:255], path.stat().st_size, pages, info["media_type"], now().replace(tzinfo=None))


def _copy_event(session: Session, application_id: int, event: dict[str, Any], origins: set[str]) -> bool:
    """Append an event from another hall unless its origin is already here; whether it was added."""
    origin = str(event["origin"])[:40]
    if origin in origins:
        return False
    origins.add(origin)
    chain.append(session, StatusEvent, audit.event_fields, application_id=application_id, **_event_row(event, origin))
    return True


def _import_return(session: Session, actor: Actor, hall: WorkingHall, package: Package) -> Imported:
    manifest = package.manifest
    if manifest.get("to_hall") != hall.code:
        raise InvalidInput(f"回传包寄给大厅 {manifest.get('to_hall')}，不是本大厅，整包未导入。",
                           code="package_address", field="package")
    events = package.events()
    if _seen(session, package):
        session.rollback()
        return Imported("return", None, 0, len(events))
    numbers = {event["number"] for event in events}
    applications = {a.number: a for a in session.exec(select(Application).where(col(Application.number).in_(numbers)))}
    stranger = sorted(n for n in numbers if n not in applications or applications[n].received_by != hall.code)
    if stranger:
        raise InvalidInput(f"回传包中的办件 {stranger[0]} 不是本大厅收件的，整包未导入。", code="package_row",
                           field="package")
    added = 0
    moment = now()
    origins = _present_origins(session, events)
    for event in events:
        application = applications[event["number"]]
        if not _copy_event(session, id_of(application), event, origins):
            continue
        added += 1
        at, by = datetime.fromisoformat(event["at"]), str(event.get("by") or "")[:32]
        items.follow(session, id_of(application), kind=event.get("kind") or EventKind.MOVE,
                     detail=event.get("detail"), at=at, by_staff=by, note=event.get("reason"))
        if event.get("kind") == EventKind.SUPPLIED:
            settle_supplied(session, id_of(application), event.get("detail"), at=at, by_staff=by)
        if (event.get("kind") or EventKind.MOVE) == EventKind.MOVE:
            application.status, application.version, application.updated_at = (
                event["to"], application.version + 1, moment)
            session.add(application)
    _log(session, actor, kind="return", direction="in", hall_code=package.sender, batch=None, digest=package.digest,
         count=added)
    session.commit()
    return Imported("return", None, added, len(events) - added)
