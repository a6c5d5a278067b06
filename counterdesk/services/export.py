"""Rows the batch importer reads: the export of stored applications and a template for one matter.

An export is written in the import format: importing it into an empty database reproduces the
applications (with new numbers: the original number is the row's ``ref`` for applications
entered at the counter, and ``_number`` repeats it for people reading the file). Attachments are
copied next to the export file, under ``<name>.files/<number>/``, owner-only like the export.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from counterdesk.config import Settings
from counterdesk.documents.output import refuse_unsafe_target, staged_folder
from counterdesk.domain.applicant import ApplicantKind
from counterdesk.domain.clock import local
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.idnumbers import IdType
from counterdesk.domain.matter import Matter
from counterdesk.domain.promise import Promised, PromiseKind
from counterdesk.domain.workflow import Status
from counterdesk.services import audit
from counterdesk.services.applicants import applicant_of
from counterdesk.services.attachments import MEDIA_KINDS, store_of
from counterdesk.services.batchfile import FORMATS, write_rows
from counterdesk.services.batchrows import (
    AGENT_KEYS,
    DATE_MARK,
    PICKUP_KEYS,
    SCALARS,
    applicant_content,
    content_digest,
    flatten,
    promised_codes,
)
from counterdesk.services.integrity import require_intact
from counterdesk.services.staff import Actor
from counterdesk.store.models import (
    Application,
    Attachment,
    GuidanceAnswer,
    MaterialPromise,
    Pickup,
    StoredFile,
    id_of,
)

_PERSONAL = ("kind", "id_type", "id_number", "name", "sex", "mobile", "email", "household_address",
             "residence_address")
_ENTERPRISE = ("kind", "credit_code", "name", "legal_representative", "mobile", "email", "residence_address")


def _parts(session: Session, application: Application) -> dict[str, Any]:
    return parts_of(session, [application])[id_of(application)]


def parts_of(session: Session, applications: list[Application]) -> dict[int, dict[str, Any]]:
    """Each application's applicant, answers, agent, attachments, pickup and the materials it still
    has promised (容缺 owed, 告知承诺), read a chunk at a time."""
    ids = [id_of(application) for application in applications]
    answers: dict[int, dict[str, str]] = {i: {} for i in ids}
    pickups: dict[int, Pickup] = {}
    attachments: dict[int, list[Attachment]] = {i: [] for i in ids}
    promises: dict[int, list[MaterialPromise]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for answer in session.exec(select(GuidanceAnswer).where(col(GuidanceAnswer.application_id).in_(chunk))):
            answers[answer.application_id][answer.question_id] = answer.option_id
        pickups.update((p.application_id, p) for p in session.exec(
            select(Pickup).where(col(Pickup.application_id).in_(chunk))))
        for attachment in session.exec(select(Attachment).where(col(Attachment.application_id).in_(chunk))
                                       .order_by(col(Attachment.id))):
            attachments[attachment.application_id].append(attachment)
        for promise in session.exec(select(MaterialPromise).where(
                col(MaterialPromise.application_id).in_(chunk), col(MaterialPromise.supplied_at).is_(None))
                .order_by(col(MaterialPromise.material_code))):
            promises[promise.application_id].append(promise)
    parts: dict[int, dict[str, Any]] = {}
    for application, app_id in zip(applications, ids, strict=True):
        agent = None
        if application.agent_id_number:
            agent = {"id_type": application.agent_id_type, "id_number": application.agent_id_number,
                     "name": application.agent_name, "phone": application.agent_phone}
        pickup = pickups.get(app_id)
        parts[app_id] = {
            "applicant": applicant_of(session, application), "answers": answers[app_id], "agent": agent,
            "attachments": attachments[app_id], "promises": promises[app_id],
            "pickup": {key: getattr(pickup, key) if pickup else None for key in PICKUP_KEYS}}
    return parts


def _promise_lists(promises: list[MaterialPromise]) -> dict[str, list[str]]:
    """``tolerated`` (owed, each with its deadline) and ``committed`` of a row, when there are any."""
    lists: dict[str, list[str]] = {}
    for promise in promises:
        if promise.kind == PromiseKind.TOLERATED:
            day = f"{DATE_MARK}{promise.due_on.isoformat()}" if promise.due_on else ""
            lists.setdefault("tolerated", []).append(promise.material_code + day)
        else:
            lists.setdefault("committed", []).append(promise.material_code)
    return lists


def application_digest(session: Session, application: Application) -> str:
    """The content digest of a stored application, comparable with a checked batch row's."""
    parts = _parts(session, application)
    hashes: dict[str, list[str]] = {}
    for attachment in parts["attachments"]:
        hashes.setdefault(attachment.material_code, []).append(attachment.sha256)
    return content_digest(
        matter=application.matter_code, county=application.county_code, answers=parts["answers"],
        applicant=applicant_content(parts["applicant"]), agent=parts["agent"], remark=application.remark,
        ticket_no=application.ticket_no, pickup=parts["pickup"], attachments=hashes,
        promised=promised_codes(Promised(p.material_code, PromiseKind(p.kind)) for p in parts["promises"]))


def export(session: Session, *, actor: Actor, settings: Settings, out: Path, fmt: str = "jsonl",
           day: date | None = None, force: bool = False) -> int:
    """Write the submitted applications (of ``day``, or all) to ``out`` in the import format; returns the count.

    Supervisors only: an export holds every citizen's data of the hall. The file and the folder of
    attachments beside it appear together or not at all; an existing export is replaced only with
    ``force``.
    """
    if not actor.is_supervisor:
        raise Forbidden("只有值班长可以导出办件。", code="role")
    if fmt not in FORMATS:
        raise InvalidInput(f"不支持的格式 {fmt}，只能是 jsonl 或 csv。", code="batch_format")
    out = Path(out)
    refuse_unsafe_target(out, force=force)
    query = select(Application).where(Application.status != Status.DRAFT)
    if day is not None:
        query = query.where(Application.submitted_on == day)
    applications = list(session.exec(query.order_by(col(Application.submitted_at), col(Application.id))))
    _require_intact_files(session, settings, applications)
    with staged_folder(out.with_name(f"{out.name}.files"), force=force) as staging:
        rows = [_row(session, settings, application, out.name, staging) for application in applications]
        if fmt == "jsonl":
            write_rows(out, fmt, rows, force=force)
        else:
            flat = [flatten(row) for row in rows]
            write_rows(out, fmt, flat, _columns(flat), force=force)
    audit.record(session, "export", staff_id=actor.id, target=out.name[-128:],
                 detail=f"day={day.isoformat() if day else 'all'} count={len(rows)}")
    session.commit()
    return len(rows)


def _require_intact_files(session: Session, settings: Settings, applications: list[Application]) -> None:
    """Refuse the export before anything is written when a file to be copied was altered or lost."""
    ids = [application.id for application in applications]
    numbers = {application.id: application.number for application in applications}
    for start in range(0, len(ids), 500):
        attachments = session.exec(select(Attachment).where(col(Attachment.application_id).in_(ids[start:start + 500]))
                                   .order_by(col(Attachment.id))).all()
        require_intact(store_of(settings), [(a.sha256, f"“{a.original_name}”（办件 {numbers[a.application_id]}）")
                                            for a in attachments], doing="导出")


def _row(session: Session, settings: Settings, application: Application, out_name: str, staging: Path) -> dict[str, Any]:
    return application_row(session, application, lambda attachments: _copy_files(
        session, settings, application, attachments, out_name, staging))


def application_row(session: Session, application: Application,
                    attachment_paths: Callable[[list[Attachment]], dict[str, list[str]]],
                    parts: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stored application as a row of the import format; ``attachment_paths`` says where its files go.

    ``parts`` is what ``parts_of`` read for it, when many rows are made at once.
    """
    parts = parts or _parts(session, application)
    applicant = parts["applicant"]
    keys = _ENTERPRISE if applicant.kind == ApplicantKind.ENTERPRISE else _PERSONAL
    values = {key: applicant.id_number if key == "credit_code" else getattr(applicant, key) for key in keys}
    row: dict[str, Any] = {
        "ref": application.ref or application.number, "matter": application.matter_code,
        "county": application.county_code, "answers": parts["answers"],
        "applicant": {key: value for key, value in values.items() if value},
        "agent": parts["agent"], "remark": application.remark,
        "attachments": attachment_paths(parts["attachments"]),
        "pickup": {key: value for key, value in parts["pickup"].items() if value},
        **_promise_lists(parts["promises"]),
    }
    if application.ticket_no:
        row["ticket_no"] = application.ticket_no
    row.update(_number=application.number, _status=application.status,
               _submitted_at=local(application.submitted_at).isoformat() if application.submitted_at else None)
    return row


def _copy_files(session: Session, settings: Settings, application: Application, attachments: list[Attachment],
                out_name: str, staging: Path) -> dict[str, list[str]]:
    """Copy the files into the staged folder; the rows name them where the folder will be, beside the export."""
    store = store_of(settings)
    copied: dict[str, list[str]] = {}
    for attachment in attachments:
        stored = session.get(StoredFile, attachment.sha256)
        paths = copied.setdefault(attachment.material_code, [])
        ext = MEDIA_KINDS.get(stored.media_type, "bin") if stored else "bin"
        name = f"{application.number}/{attachment.material_code}-{len(paths) + 1}.{ext}"
        _copy_private(store.path_of(attachment.sha256), staging / name)
        paths.append(f"{out_name}.files/{name}")
    return copied


def _copy_private(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
        shutil.copyfileobj(src, dst)


def _columns(flat_rows: list[dict[str, str]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in flat_rows:
        seen.update(dict.fromkeys(row))
    order = {name: i for i, name in enumerate(SCALARS)}
    groups = ("applicant", "agent", "answers", "attachments", "pickup")

    def rank(name: str) -> tuple[int, int, str]:
        group = name.partition(".")[0]
        if name in order:
            return (0, order[name], name)
        if group in groups:
            return (1, groups.index(group), name)
        return (2, 0, name)

    return sorted(seen, key=rank)


def template_row(matter: Matter, county: str | None = None) -> dict[str, Any]:
    """A row to fill in for ``matter``: placeholders, and ``_questions``/``_materials`` explaining them.

    An unconditional question shows its options as ``a|b|c`` (keep one); a question or material
    that only applies after some answer is left empty, with its condition under ``_``.
    """
    counties = sorted(matter.counties) if matter.counties is not None else []
    if matter.audience == "enterprise":
        applicant = {"kind": ApplicantKind.ENTERPRISE, "credit_code": "<18 位统一社会信用代码>", "name": "<企业名称>",
                     "legal_representative": "<法定代表人>", "mobile": "<联系电话>", "email": "",
                     "residence_address": ""}
    else:
        applicant = {"kind": ApplicantKind.PERSONAL, "id_type": IdType.RESIDENT_ID, "id_number": "<18 位身份证号码>",
                     "name": "<姓名>", "sex": "", "mobile": "<11 位手机号码>", "email": "",
                     "household_address": "", "residence_address": ""}
    return {
        "ref": "<本行唯一编号>", "matter": matter.code,
        "county": county or ("|".join(counties) if 0 < len(counties) <= 10 else "<6 位区县代码>"),
        "answers": {q.id: "" if q.when else "|".join(o.id for o in q.options) for q in matter.questions},
        "applicant": applicant, "agent": None, "remark": "", "ticket_no": "",
        "attachments": {m.code: [] if m.when else [f"scans/{m.code}.pdf"] for m in matter.materials},
        "tolerated": [], "committed": [],
        "pickup": {"method": "onsite|courier", "recipient": "", "phone": "", "address": ""},
        "_questions": {q.id: {"text": q.text, "options": {o.id: o.text for o in q.options},
                              "when": _when(q.when)} for q in matter.questions},
        "_materials": {m.code: {"name": m.name, "required": m.required, "when": _when(m.when),
                                "file_kinds": list(m.file_kinds), "license": m.license,
                                "tolerable": _tolerable(m.tolerable_when), "commitment": m.commitment}
                       for m in matter.materials},
    }


def template_csv_row(row: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The CSV columns and the one placeholder row of a template (agent columns included, empty)."""
    plain = {key: value for key, value in row.items() if not key.startswith("_")}
    plain["agent"] = dict.fromkeys(AGENT_KEYS, "")
    flat = flatten(plain)
    return _columns([flat]), flat


def _tolerable(clauses: tuple[tuple[str, str], ...] | None) -> bool | str:
    """容缺 as the template explains it: never, always, or the answers that allow it."""
    return False if clauses is None else _when(clauses) or True


def _when(clauses: tuple[tuple[str, str], ...]) -> str | None:
    return " 或 ".join(f"{question}={option}" for question, option in clauses) or None
