"""材料提交: attach scans from the inbox, reuse earlier files or e-licenses (资料复用), detach,
pre-check (预审), and the materials table the screen and the notice show.

A file is copied into the content-addressed store durably before any row refers to it, and the
inbox copy moves to ``attached/`` only after the row is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, or_, select

from counterdesk.config import Settings
from counterdesk.documents.filestore import FileStore, StoredBlob
from counterdesk.documents.inbox import InboxEntry, ScanInfo, inspect_file, list_inbox
from counterdesk.domain import guidance
from counterdesk.domain.attachment import PRECHECK_REASON_MAX, SOURCES, AttachmentSource, Precheck, folded_precheck
from counterdesk.domain.clock import today
from counterdesk.domain.errors import CounterdeskError, InvalidInput, NotFound
from counterdesk.domain.promise import PROMISE_KINDS, PromiseKind, binds
from counterdesk.domain.workflow import Status, status_label
from counterdesk.services.access import load, load_draft
from counterdesk.services.applications import answers_of
from counterdesk.services.promises import marks_of, owed_by, standing_marks
from counterdesk.services.staff import Actor
from counterdesk.store.models import (
    Applicant,
    Application,
    Attachment,
    ELicense,
    MaterialPromise,
    StoredFile,
    id_of,
    present,
)

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.domain.matter import Material

MEDIA_KINDS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/tiff": "tif"}


@dataclass
class MaterialRow:
    """One line of the materials table (序号, 材料名称, 份数, 材料类型, 是否提交, 提交方式, 是否必填)."""

    index: int
    material: Material
    attachments: list[Attachment] = field(default_factory=list)
    promise: MaterialPromise | None = None
    """The 容缺 or 告知承诺 mark that holds for it (none once a file is attached)."""
    tolerable: bool = False
    """Whether the catalog allows 容缺 for it, for the answers given."""

    @property
    def submitted(self) -> bool:
        return bool(self.attachments)

    @property
    def precheck(self) -> Precheck:
        """The material's pre-check, folded from its files' (``domain.attachment.folded_precheck``)."""
        return folded_precheck(a.precheck for a in self.attachments)

    @property
    def failed(self) -> list[Attachment]:
        return [a for a in self.attachments if a.precheck == Precheck.FAILED]

    @property
    def outstanding(self) -> bool:
        """Still needed from the citizen now: required, missing and not promised, or failed at pre-check."""
        return bool(self.failed) or (self.material.required and not self.attachments and self.promise is None)

    @property
    def promise_label(self) -> str:
        """容缺 or 告知承诺 for a marked material, else empty."""
        return PROMISE_KINDS[self.promise.kind] if self.promise is not None else ""

    @property
    def how(self) -> str:
        return "、".join(sorted({SOURCES[a.source] for a in self.attachments}))


@dataclass(frozen=True)
class ReuseCandidate:
    """An earlier file of the same applicant, or an e-license, that could satisfy a material."""

    label: str
    attachment_id: int | None = None
    license_id: int | None = None


def store_of(settings: Settings) -> FileStore:
    return FileStore(settings.store_dir)


def ensure_inbox(settings: Settings) -> bool:
    """Create the scanner inbox (owner only) if it is missing; ``True`` when it was just created.

    A fresh home has no ``scans/`` yet; listing a folder that does not exist would only ever say
    "empty", and the clerk would never learn where the scanner must put its files.
    """
    if settings.scans_dir.is_dir():
        return False
    settings.scans_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return True


def inbox(settings: Settings, *, wait: bool = True) -> list[InboxEntry]:
    """The scanner inbox, newest first, refused files with their reasons.

    ``wait=False`` (a screen's periodic refresh) lists a file whose check would wait for another
    file's as being checked, instead of blocking.
    """
    return list_inbox(settings.scans_dir, settings.max_file_bytes, cache_file=settings.verdicts_file, wait=wait)


def _material(catalog: Catalog, application: Application, material_code: str) -> Material:
    matter = catalog.matter(application.matter_code)
    for material in matter.materials:
        if material.code == material_code:
            return material
    raise InvalidInput(f"事项“{matter.name}”没有编号为 {material_code} 的材料。", code="material_unknown",
                       field="material")


def check_kind(material: Material, info: ScanInfo) -> None:
    """The material accepts this kind of file."""
    kind = MEDIA_KINDS.get(info.media_type)
    if material.file_kinds and kind not in material.file_kinds:
        allowed = "、".join(k.upper() for k in material.file_kinds)
        raise InvalidInput(f"“{material.name}”只接受 {allowed} 文件。", code="file_kind", field="file")


def record_file(session: Session, blob: StoredBlob) -> None:
    """The store's index row for a blob (the caller commits)."""
    if session.get(StoredFile, blob.sha256) is None:
        session.add(StoredFile(sha256=blob.sha256, size=blob.size, pages=blob.pages, media_type=blob.media_type))
        session.flush()


def attach_from_inbox(session: Session, *, actor: Actor, settings: Settings, catalog: Catalog, application_id: int,
                      material_code: str, path: Path) -> Attachment:
    """Attach a scan: check it, store it durably, record it, then move it out of the inbox."""
    application = load_draft(session, actor, application_id)
    return _attach_scan(session, settings, application, _material(catalog, application, material_code), Path(path),
                        in_inbox=True)


def _attach_scan(session: Session, settings: Settings, application: Application, material: Material, path: Path,
                 *, in_inbox: bool, also: Callable[[], None] | None = None) -> Attachment:
    """Check a scan, store it durably and record it (with ``also``'s writes, in the same commit); a
    scan from the inbox then moves to ``attached/``. Any other file is only read."""
    info = inspect_file(path, max_bytes=settings.max_file_bytes, root=settings.scans_dir if in_inbox else path.parent,
                        cache_file=settings.verdicts_file)
    check_kind(material, info)
    store = store_of(settings)
    with store.writing():
        blob = store.put(path, info=info)
        record_file(session, blob)
        attachment = Attachment(application_id=id_of(application), material_code=material.code, sha256=blob.sha256,
                                original_name=info.name, source=AttachmentSource.INBOX)
        session.add(attachment)
        if also is not None:
            also()
        session.commit()
    session.refresh(attachment)
    if in_inbox:
        store.move_to_attached(path, settings.attached_dir, sha256=blob.sha256)
    return attachment


def supply_owed(session: Session, *, actor: Actor, settings: Settings, catalog: Catalog, number_or_id: int | str,
                material_code: str, path: Path) -> Attachment:
    """补交 a tolerated material (容缺) after submission: attach its scan, which settles what was owed.

    Only a material the application still owes may be attached to it after submission; the
    window that took it or a supervisor may do so, audited with whether the deadline was kept.
    """
    from counterdesk.services.promises import mark_supplied
    from counterdesk.services.workflow import find_application

    found = find_application(session, number_or_id)
    application = load(session, actor, id_of(found))
    material = _material(catalog, application, material_code)
    owed = owed_by(session, id_of(application))
    if material.code not in owed.codes:
        session.rollback()
        if not binds(PromiseKind.TOLERATED, application.status):
            raise InvalidInput(f"办件 {application.number} 已是“{status_label(application.status)}”，"
                               "容缺材料无需再补交。", code="promise_void", field="material")
        raise InvalidInput(f"办件 {application.number} 没有待补交的容缺材料“{material.name}”（{material.code}）。",
                           code="not_owed", field="material")
    _refuse_after_hand_over(session, catalog, application)
    path = Path(path)
    try:
        return _attach_scan(session, settings, application, material, path,
                            in_inbox=path.resolve().is_relative_to(settings.scans_dir.resolve()),
                            also=lambda: mark_supplied(session, actor=actor, application=application,
                                                       material_code=material.code, material_name=material.name))
    except CounterdeskError:
        session.rollback()
        raise


def _refuse_after_hand_over(session: Session, catalog: Catalog, application: Application) -> None:
    """Refuse a 补交 at the receiving window once the application went to the 办理地 in a package.

    The 办理地 then keeps its own database: a file attached here would never reach it, and the
    window would tell the citizen 已补交 while the 办理地 still waits for the material.
    """
    from counterdesk.store.models import TransferLog

    if application.transfer_batch is None or session.exec(select(TransferLog.id).where(
            TransferLog.kind == "transfer", TransferLog.direction == "out",
            TransferLog.batch == application.transfer_batch)).first() is None:
        return
    session.rollback()
    try:
        place = catalog.place_name(application.county_code)
    except InvalidInput:
        place = application.county_code
    raise InvalidInput(f"办件 {application.number} 已随批次 {application.transfer_batch} 移交办理地（{place}），"
                       "在本窗口附加的材料到不了办理地："
                       "请将容缺材料交办理地窗口，或寄往办理地。", code="handed_over", field="material")


def usable_licenses(session: Session, holder: str, license_type: str) -> list[ELicense]:
    """The holder's e-licenses of this type that can stand in for a material: with a file, not expired.

    The counter's reuse list and a batch row's ``license:<type>`` both ask here.
    """
    return list(session.exec(select(ELicense).where(
        ELicense.holder_id_number == holder, ELicense.license_type == license_type,
        col(ELicense.sha256).is_not(None),
        or_(col(ELicense.valid_until).is_(None), col(ELicense.valid_until) >= today()),
    ).order_by(col(ELicense.id))))


def reuse_candidates(session: Session, *, actor: Actor, catalog: Catalog, application_id: int,
                     material_code: str) -> list[ReuseCandidate]:
    """Earlier files of this applicant for a material of the same name, and matching e-licenses."""
    application = load(session, actor, application_id)
    material = _material(catalog, application, material_code)
    if application.applicant_id is None:
        return []
    candidates: list[ReuseCandidate] = []
    earlier = session.exec(
        select(Attachment, Application).join(Application)
        .where(Application.applicant_id == application.applicant_id, Application.id != application.id)
        .order_by(col(Attachment.created_at).desc())
    ).all()
    seen: set[str] = set()
    for attachment, other in earlier:
        other_matter = catalog.find(other.matter_code)
        other_material = other_matter.material(attachment.material_code) if other_matter else None
        if other_material is None or other_material.name != material.name or attachment.sha256 in seen:
            continue
        if attachment.precheck == Precheck.FAILED:
            continue
        seen.add(attachment.sha256)
        when = attachment.created_at.strftime("%Y-%m-%d") if attachment.created_at else ""
        candidates.append(ReuseCandidate(f"{attachment.original_name}（{when} 提交）", attachment_id=attachment.id))
    if material.license:
        applicant = present(session.get(Applicant, application.applicant_id), "applicant of the application")
        for lic in usable_licenses(session, applicant.id_number, material.license):
            candidates.append(ReuseCandidate(f"电子证照：{lic.title}（{lic.license_no}）", license_id=lic.id))
    return candidates


def reuse(session: Session, *, actor: Actor, catalog: Catalog, application_id: int, material_code: str,
          candidate: ReuseCandidate) -> Attachment:
    """Satisfy a material with an earlier file or an e-license of the same applicant."""
    application = load_draft(session, actor, application_id)
    material = _material(catalog, application, material_code)
    offered = reuse_candidates(session, actor=actor, catalog=catalog, application_id=application_id,
                               material_code=material_code)
    if candidate not in offered:
        raise InvalidInput("所选文件不属于该申请人，或不适用于此材料。", code="reuse_invalid", field="material")
    if candidate.attachment_id is not None:
        earlier = present(session.get(Attachment, candidate.attachment_id), "attachment offered for reuse")
        sha, name, source, license_id = earlier.sha256, earlier.original_name, AttachmentSource.REUSE, None
    else:
        lic = present(session.get(ELicense, candidate.license_id), "e-license offered for reuse")
        sha = present(lic.sha256, "file of an offered e-license")
        name, source, license_id = f"{lic.title}.pdf", AttachmentSource.LICENSE, id_of(lic)
    attachment = Attachment(application_id=id_of(application), material_code=material.code, sha256=sha,
                            original_name=name, source=source, license_id=license_id)
    session.add(attachment)
    session.commit()
    session.refresh(attachment)
    return attachment


def _attachment(session: Session, actor: Actor, attachment_id: int) -> tuple[Attachment, Application]:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("找不到该附件。", code="attachment_unknown")
    return attachment, load_draft(session, actor, attachment.application_id)


def detach(session: Session, *, actor: Actor, attachment_id: int, settings: Settings | None = None) -> Path | None:
    """Remove a file from a material (the stored copy stays until ``scans gc``).

    With ``settings``, a scan that came from the inbox goes back there, so a file attached to the
    wrong material can be attached again; returns where it went (None for reused files).
    """
    attachment, _ = _attachment(session, actor, attachment_id)
    source, sha256, name = attachment.source, attachment.sha256, attachment.original_name
    session.delete(attachment)
    session.commit()
    if settings is None or source != "inbox":
        return None
    return store_of(settings).give_back(sha256, name, settings.attached_dir, settings.scans_dir)


def precheck(session: Session, *, actor: Actor, attachment_id: int, passed: bool, reason: str = "") -> None:
    """The clerk's pre-check (预审): passed, or failed with the reason the citizen will read."""
    attachment, _ = _attachment(session, actor, attachment_id)
    reason = reason.strip()
    if not passed and not reason:
        raise InvalidInput("预审不通过时请写明原因。", code="precheck_reason", field="reason")
    if len(reason) > PRECHECK_REASON_MAX:
        raise InvalidInput(f"预审原因不超过 {PRECHECK_REASON_MAX} 个字。", code="precheck_reason", field="reason")
    attachment.precheck = Precheck.PASSED if passed else Precheck.FAILED
    attachment.precheck_reason = None if passed else reason
    session.add(attachment)
    session.commit()


def material_rows(session: Session, catalog: Catalog, application: Application) -> list[MaterialRow]:
    """The materials that apply given the answers, each with its attachments and its promise.

    A draft's promise is its mark while it holds; a submitted application's is the tolerated
    material still owed, or the commitment that replaced the material.
    """
    matter = catalog.matter(application.matter_code)
    answers = answers_of(session, id_of(application))
    materials = guidance.applicable_materials(matter, answers)
    attached = session.exec(select(Attachment).where(Attachment.application_id == application.id)
                            .order_by(col(Attachment.id))).all()
    if application.status == Status.DRAFT:
        marks = standing_marks(session, catalog, application)
    else:
        marks = {code: row for code, row in marks_of(session, id_of(application)).items() if row.supplied_at is None}
    return [MaterialRow(i, m, [a for a in attached if a.material_code == m.code], marks.get(m.code),
                        guidance.tolerable(matter, m, answers))
            for i, m in enumerate(materials, start=1)]
