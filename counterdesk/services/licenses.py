"""E-licenses (电子证照) imported from the provincial licence system, so the counter can reuse them.

One JSON Lines object (or CSV row) per licence::

    {"holder": "<resident ID number or credit code>", "type": "resident_id", "number": "...",
     "title": "居民身份证", "issuer": "...", "issued_on": "YYYY-MM-DD", "valid_until": "YYYY-MM-DD" | null,
     "file": "relative/path.pdf"}

A licence is identified by holder, type and number: importing it again is a duplicate when
nothing changed and a ``conflict`` (rejected, never overwritten) when something did. The file,
optional, goes through the same checks and store as a scan; only licences with a file can stand
in for a material.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from counterdesk.config import Settings
from counterdesk.documents.inbox import inspect_file
from counterdesk.domain.clock import today
from counterdesk.domain.errors import CounterdeskError, Forbidden, InvalidInput
from counterdesk.domain.idnumbers import validate_credit_code, validate_resident_id
from counterdesk.domain.text import as_text, fold_width, has_control
from counterdesk.services import audit
from counterdesk.services.attachments import record_file, store_of
from counterdesk.services.batch import BatchResult, Rejection, default_rejects_path
from counterdesk.services.batchfile import BatchReader, RejectsWriter
from counterdesk.services.batchrows import file_sha256, resolve_path
from counterdesk.store.models import ELicense, present

if TYPE_CHECKING:
    from counterdesk.services.staff import Actor

KEYS = ("holder", "type", "number", "title", "issuer", "issued_on", "valid_until", "file")
_TYPE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_RESIDENT_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _holder(value: str) -> str:
    compact = fold_width(value).replace(" ", "")
    if _RESIDENT_SHAPE.fullmatch(compact):
        return validate_resident_id(compact, field="holder")
    return validate_credit_code(compact, field="holder")


def _text(data: dict[str, Any], key: str, label: str, limit: int, required: bool = True) -> str:
    value = as_text(data.get(key), label=label, field=key)
    if required and not value:
        raise InvalidInput(f"缺少 {key}（{label}）。", code=f"license_{key}", field=key)
    if len(value) > limit or has_control(value):
        raise InvalidInput(f"{label}不超过 {limit} 个字符，且不能含控制字符。", code=f"license_{key}", field=key)
    return value


def _date(data: dict[str, Any], key: str, label: str) -> date | None:
    value = as_text(data.get(key), label=label, field=key)
    if not value:
        return None
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidInput(f"{label}“{value}”不是 YYYY-MM-DD 格式的有效日期。", code="license_date", field=key)


def check_license(data: dict[str, Any]) -> dict[str, Any]:
    """The checked fields of one licence row (file path not yet resolved)."""
    unknown = [key for key in data if key not in KEYS]
    if unknown:
        raise InvalidInput(f"无法识别的字段“{unknown[0]}”，可用：{'、'.join(KEYS)}。", code="unknown_field",
                           field=unknown[0])
    holder = as_text(data.get("holder"), label="持证人证件号码", field="holder")
    if not holder:
        raise InvalidInput("缺少 holder（持证人身份证号码或统一社会信用代码）。", code="license_holder", field="holder")
    license_type = _text(data, "type", "证照类型", 64)
    if not _TYPE.fullmatch(license_type):
        raise InvalidInput("证照类型应为小写英文代码，如 resident_id。", code="license_type", field="type")
    checked: dict[str, Any] = {
        "holder_id_number": _holder(holder), "license_type": license_type,
        "license_no": _text(data, "number", "证照编号", 64), "title": _text(data, "title", "证照名称", 200),
        "issuer": _text(data, "issuer", "发证机关", 200, required=False),
    }
    issued_on, valid_until = _date(data, "issued_on", "发证日期"), _date(data, "valid_until", "有效期至")
    if issued_on and issued_on > today():
        raise InvalidInput("发证日期晚于今天，请核对。", code="license_date", field="issued_on")
    if issued_on and valid_until and valid_until < issued_on:
        raise InvalidInput("有效期截止日早于发证日期，请核对。", code="license_date", field="valid_until")
    return checked | {"issued_on": issued_on, "valid_until": valid_until}


def import_licenses(session: Session, *, actor: Actor, settings: Settings, path: Path, fmt: str | None = None,
                    dry_run: bool = False, rejects_path: Path | None = None) -> BatchResult:
    """Import e-licenses (supervisors only); each row is checked, stored and committed on its own."""
    if not actor.is_supervisor:
        raise Forbidden("只有值班长可以导入电子证照。", code="role")
    path = Path(path)
    reader = BatchReader(path, fmt)
    rejects = RejectsWriter(Path(rejects_path or default_rejects_path(path, reader.format)), reader.format)
    base_dir = path.resolve().parent
    result = BatchResult(dry_run=dry_run)
    try:
        for raw in reader:
            result.total += 1
            try:
                if raw.problem is not None:
                    raise raw.problem
                outcome = _import_one(session, settings, present(raw.data, "data of a readable row"), base_dir,
                                      dry_run)
            except CounterdeskError as error:
                session.rollback()
                rejects.header = reader.header
                rejects.write(raw, error.code, error.message)
                result.rejections.append(Rejection(raw.line, error.code, error.message))
                continue
            if outcome == "duplicate":
                result.duplicates += 1
            else:
                result.imported += 1
    finally:
        rejects.close()
    result.rejects_path = rejects.path if rejects.count else None
    result.check()
    if not dry_run and result.total:
        audit.record(session, "licenses_import", staff_id=actor.id, target=path.name[-128:],
                     detail=f"total={result.total} imported={result.imported} duplicates={result.duplicates} "
                            f"rejected={result.rejected}")
        session.commit()
    return result


def _import_one(session: Session, settings: Settings, data: dict[str, Any], base_dir: Path, dry_run: bool) -> str:
    checked = check_license(data)
    sha256, file_path, info = None, None, None
    file_text = as_text(data.get("file"), label="证照文件", field="file")
    if file_text:
        file_path = resolve_path(base_dir, file_text)
        info = inspect_file(file_path, max_bytes=settings.max_file_bytes, root=base_dir,
                            cache_file=settings.verdicts_file)
        sha256 = file_sha256(file_path)
    existing = session.exec(select(ELicense).where(
        ELicense.holder_id_number == checked["holder_id_number"], ELicense.license_type == checked["license_type"],
        ELicense.license_no == checked["license_no"])).first()
    if existing is not None:
        same = all(getattr(existing, key) == value for key, value in checked.items()) and existing.sha256 == sha256
        session.rollback()
        if not same:
            raise InvalidInput("该证照（持证人、类型、编号相同）已导入过，但内容不同；为防止覆盖，本行不予导入。",
                               code="conflict", field="number")
        return "duplicate"
    if dry_run:
        session.rollback()
        return "imported"
    store = store_of(settings)
    with store.writing():
        if file_path is not None and info is not None:
            # Stored before the row that refers to it is committed: a kill leaves at most an unused file.
            blob = store.put(file_path, info=info)
            if blob.sha256 != sha256:
                raise InvalidInput(f"“{info.name}”在检查后发生了变化，请重新导入该行。", code="file_changed",
                                   field="file")
            record_file(session, blob)
        session.add(ELicense(sha256=sha256, **checked))
        session.commit()
    return "imported"
