"""One batch row: its shape (JSON Lines object or flat CSV columns) and the counter's checks on it.

A row is checked exactly as the wizard checks a form: the matter is handled in the county, every
question that applies is answered with one of its options, the applicant form passes
``validate_form``, the pickup passes ``validate_pickup``, and every required material has a
file that passes the scanner inbox's checks, or names one of the applicant's imported e-licenses
(``license:<type>``, 资料复用) that the material accepts, or is promised instead: ``tolerated``
(容缺, when the catalog allows it for the answers; supplied later) or ``committed`` (告知承诺).
Unlike the wizard, which silently drops what no longer applies, a row carrying an answer, a
material, a promise or a pickup field that does not apply is refused: in a file nobody watches,
dropped data would be lost data.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counterdesk.documents.inbox import ScanInfo, inspect_file
from counterdesk.domain import guidance
from counterdesk.domain.applicant import (
    ENTERPRISE_FIELDS,
    KINDS,
    LABELS,
    PERSONAL_FIELDS,
    ApplicantKind,
    validate_form,
)
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Material, Matter
from counterdesk.domain.pickup import PickupMethod
from counterdesk.domain.promise import Promised, PromiseKind, check_promise
from counterdesk.domain.text import as_text, has_control
from counterdesk.services.applications import place, validate_pickup
from counterdesk.services.attachments import check_kind
from counterdesk.services.submit import CheckedFile, Submission
from counterdesk.services.visits import check_receivable

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

SCALARS = ("ref", "matter", "county", "remark", "ticket_no")
LISTS = ("tolerated", "committed")
"""Lists of material codes: 容缺 (``M05``, or ``M05@2026-12-20`` with its deadline) and 告知承诺.
In CSV one cell, the codes separated by ``;``."""
DATE_MARK = "@"
APPLICANT_KEYS = ("kind", "id_type", "id_number", "name", "sex", "mobile", "email", "household_address",
                  "residence_address", "credit_code", "legal_representative")
AGENT_KEYS = ("id_type", "id_number", "name", "phone")
PICKUP_KEYS = ("method", "recipient", "phone", "address")
GROUPS = {"applicant": APPLICANT_KEYS, "agent": AGENT_KEYS, "pickup": PICKUP_KEYS}
FREE_GROUPS = ("answers", "attachments")
"""Groups whose keys come from the catalog: question ids and material codes."""
REQUIRED_COLUMNS = ("ref", "matter", "county")
PATH_SEPARATOR = ";"
"""Separates several files of one material in a CSV cell."""
LICENSE_PREFIX = "license:"
"""An attachment written ``license:resident_id`` is the applicant's imported e-license of that type."""
REF_MAX = 128


@dataclass(frozen=True)
class BatchRow:
    """A row of the right shape, not yet checked against the catalog and the validators."""

    ref: str
    matter: str
    county: str
    answers: dict[str, str]
    form: dict[str, str]
    """The applicant form as ``validate_form`` takes it (agent and remark included)."""
    attachments: dict[str, tuple[str, ...]]
    pickup: dict[str, str]
    tolerated: dict[str, date | None] = field(default_factory=dict)
    """容缺: material code → its deadline when the row gives one (a transfer keeps the promised date)."""
    committed: tuple[str, ...] = ()
    """告知承诺: material codes a signed commitment replaces."""


@dataclass(frozen=True)
class LicenseFile:
    """An imported e-license with its stored file, as ``license:<type>`` finds it."""

    id: int
    title: str
    sha256: str
    size: int
    pages: int
    media_type: str


LicenseLookup = Callable[[str, str], "LicenseFile | None"]
"""(holder ID number or credit code, licence type) → a usable e-license of the holder, or None."""


@dataclass(frozen=True)
class CheckedRow(Submission):
    """A row that passed every check of the counter: ready to become a received application."""

    ref: str
    digest: str
    """The content digest that decides duplicate or conflict for an existing ``ref``."""


def check_columns(header: list[str]) -> None:
    """Refuse a CSV header with an unknown column or without ``ref``, ``matter``, ``county``."""
    for name in header:
        if not name.startswith("_"):
            _split_column(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InvalidInput(f"CSV 表头缺少必需的列：{'、'.join(missing)}。", code="batch_columns")


def _split_column(name: str) -> tuple[str, str | None]:
    if name in SCALARS or name in LISTS:
        return name, None
    group, _, key = name.partition(".")
    if key and (group in FREE_GROUPS or key in GROUPS.get(group, ())):
        return group, key
    raise InvalidInput(f"CSV 表头中有无法识别的列“{name}”，请对照模板（counterdesk batch template）。",
                       code="batch_columns")


def unflatten(flat: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row (dotted columns) as the JSON Lines object it stands for."""
    row: dict[str, Any] = {}
    for name, cell in flat.items():
        group, key = _split_column(name)
        if key is None and group in LISTS:
            row[group] = [code.strip() for code in cell.split(PATH_SEPARATOR) if code.strip()]
        elif key is None:
            row[group] = cell
        elif group == "attachments":
            paths = [p.strip() for p in cell.split(PATH_SEPARATOR) if p.strip()]
            row.setdefault(group, {})[key] = paths
        else:
            row.setdefault(group, {})[key] = cell
    return row


def flatten(row: Mapping[str, Any]) -> dict[str, str]:
    """A JSON Lines object as one CSV row: the inverse of ``unflatten`` (``null`` values left out)."""
    flat: dict[str, str] = {}
    for group, value in row.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            for key, item in value.items():
                text = PATH_SEPARATOR.join(item) if isinstance(item, list | tuple) else item
                flat[f"{group}.{key}"] = "" if text is None else str(text)
        elif isinstance(value, list | tuple):
            flat[group] = PATH_SEPARATOR.join(str(item) for item in value)
        else:
            flat[group] = str(value)
    return flat


def _object(value: Any, label: str, code: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{label}应为 JSON 对象。", code=code)
    return value


def _keys(value: dict[str, Any], allowed: tuple[str, ...], group: str) -> None:
    for key in value:
        if key not in allowed:
            raise InvalidInput(f"“{group}”中有无法识别的字段“{key}”，可用：{'、'.join(allowed)}。",
                               code="unknown_field", field=f"{group}.{key}")


def _kind_fields(form: dict[str, str]) -> None:
    kind = form.get("kind") or ApplicantKind.PERSONAL
    allowed = {"kind", *(PERSONAL_FIELDS if kind == ApplicantKind.PERSONAL else ENTERPRISE_FIELDS)}
    for key, value in form.items():
        if value and key not in allowed and kind in KINDS:
            raise InvalidInput(f"{KINDS[kind]}申请人不填写“{LABELS[key]}”（applicant.{key}），请删除该项。",
                               code="unknown_field", field=f"applicant.{key}")


def _texts(value: dict[str, Any], group: str) -> dict[str, str]:
    return {key: as_text(item, label=f"{group}.{key}", field=f"{group}.{key}") for key, item in value.items()}


def normalise(data: Mapping[str, Any]) -> BatchRow:
    """Check a row's shape (known keys, text where text belongs) and bring it into ``BatchRow`` form."""
    unknown = [key for key in data
               if key not in SCALARS and key not in GROUPS and key not in FREE_GROUPS and key not in LISTS]
    if unknown:
        raise InvalidInput(f"无法识别的字段“{unknown[0]}”，请对照模板（counterdesk batch template）。",
                           code="unknown_field", field=unknown[0])
    scalars = {key: as_text(data.get(key), label=key, field=key) for key in SCALARS}
    ref = scalars["ref"]
    if not ref:
        raise InvalidInput("缺少 ref（每行的唯一编号，用于防止重复导入）。", code="ref_missing", field="ref")
    if len(ref) > REF_MAX or has_control(ref):
        raise InvalidInput(f"ref 不超过 {REF_MAX} 个字符，且不能含控制字符。", code="ref_invalid", field="ref")
    for key, label in (("matter", "事项编码"), ("county", "办理地区划代码")):
        if not scalars[key]:
            raise InvalidInput(f"缺少 {key}（{label}）。", code=f"{key}_missing", field=key)
    applicant = _object(data.get("applicant"), "applicant", "applicant_format")
    if not applicant:
        raise InvalidInput("缺少 applicant（申请人信息）。", code="applicant_missing", field="applicant")
    agent = _object(data.get("agent"), "agent", "agent_format")
    pickup = _object(data.get("pickup"), "pickup", "pickup_format")
    for group, value in (("applicant", applicant), ("agent", agent), ("pickup", pickup)):
        _keys(value, GROUPS[group], group)
    form = _texts(applicant, "applicant")
    _kind_fields(form)
    form.update({f"agent_{key}": text for key, text in _texts(agent, "agent").items()})
    form["remark"] = scalars["remark"]
    form["ticket_no"] = scalars["ticket_no"]
    answers = {question: option for question, option in
               _texts(_object(data.get("answers"), "answers", "answers_format"), "answers").items() if option}
    return BatchRow(ref=ref, matter=scalars["matter"], county=scalars["county"], answers=answers, form=form,
                    attachments=_attachments(data.get("attachments")), pickup=_texts(pickup, "pickup"),
                    tolerated=dict(_promise_token(token) for token in _codes(data.get("tolerated"), "tolerated")),
                    committed=tuple(_codes(data.get("committed"), "committed")))


def _codes(value: Any, key: str) -> list[str]:
    """A list of material codes (a CSV cell already split), each once."""
    if value is None or value == "":
        return []
    listed = value.split(PATH_SEPARATOR) if isinstance(value, str) else value
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise InvalidInput(f"{key} 应为材料编号的列表，如 [\"M05\"]。", code=f"{key}_format", field=key)
    codes = [item.strip() for item in listed if item.strip()]
    bare = [code.partition(DATE_MARK)[0] for code in codes]
    if len(set(bare)) != len(bare):
        raise InvalidInput(f"{key} 中有重复的材料编号。", code=f"{key}_format", field=key)
    return codes


def _promise_token(token: str) -> tuple[str, date | None]:
    """``M05`` or ``M05@2026-12-20``: a tolerated material and the deadline it came with."""
    code, mark, day = token.partition(DATE_MARK)
    if not mark:
        return code.strip(), None
    try:
        return code.strip(), date.fromisoformat(day.strip())
    except ValueError:
        raise InvalidInput(f"tolerated 中“{token}”的补交期限应为 YYYY-MM-DD。", code="tolerated_format",
                           field="tolerated") from None


def _attachments(value: Any) -> dict[str, tuple[str, ...]]:
    files: dict[str, tuple[str, ...]] = {}
    for code, paths in _object(value, "attachments", "attachments_format").items():
        listed = [paths] if isinstance(paths, str) else paths
        if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
            raise InvalidInput(f"attachments.{code} 应为文件路径的列表。", code="attachments_format",
                               field=f"attachments.{code}")
        kept = tuple(p.strip() for p in listed if p.strip())
        if kept:
            files[code] = kept
    return files


def check_row(row: BatchRow, *, catalog: Catalog, base_dir: Path, max_bytes: int,
              licenses: LicenseLookup | None = None, cache_file: Path | None = None,
              known: Callable[[Path], ScanInfo | None] | None = None) -> CheckedRow:
    """Run the counter's checks on a row; the first problem found is raised as ``InvalidInput``.

    ``licenses`` finds the e-licenses a ``license:<type>`` attachment names (none without it);
    ``cache_file`` keeps the scan checks' verdicts, so a file named by many rows is parsed once.
    ``known`` gives what a file was already found to be by a hall that checked these very bytes
    (a signed transfer package), so it is not parsed twice; None means inspect it here.
    """
    matter, _ = place(catalog, row.matter, row.county)
    check_receivable(matter)
    guidance.validate_answers(matter, row.answers, complete=True)
    answers = guidance.clean_answers(matter, row.answers)
    for question_id in row.answers.keys() - answers.keys():
        raise InvalidInput(f"按所选情形，问题“{matter.question(question_id).text}”不适用，请删除该答案。",
                           code="answer_not_applicable", field=f"answers.{question_id}")
    form, errors = validate_form(row.form)
    if form is None:
        first = next(iter(errors))
        reason = "；".join(f"{LABELS.get(key, key)}：{message}" for key, message in errors.items())
        raise InvalidInput(reason, code=f"invalid_{first}", field=first)
    pickup = _pickup(row.pickup)
    promises = _promises(row, matter, answers)
    files = _files(row, matter, answers, base_dir, max_bytes, form.applicant.id_number, licenses, cache_file,
                   known, promised={p.material_code for p in promises})
    digest = content_digest(
        matter=matter.code, county=row.county, answers=answers, applicant=applicant_content(form.applicant),
        agent=asdict(form.agent) if form.agent else None, remark=form.remark, ticket_no=form.ticket_no,
        pickup=pickup, attachments=_hashes(files), promised=promised_codes(promises))
    return CheckedRow(ref=row.ref, matter=matter, county=row.county, answers=answers, form=form,
                      pickup=pickup, files=files, digest=digest, promises=promises)


def _promises(row: BatchRow, matter: Matter, answers: dict[str, str]) -> tuple[Promised, ...]:
    """The row's 容缺 and 告知承诺, each allowed by the catalog for the answers and not also attached."""
    promises = []
    for key, kind, codes in (("tolerated", PromiseKind.TOLERATED, list(row.tolerated)),
                             ("committed", PromiseKind.COMMITMENT, list(row.committed))):
        for code in codes:
            try:
                material = check_promise(matter, answers, code, kind)
            except InvalidInput as refused:
                raise InvalidInput(refused.message, code=refused.code, field=f"{key}.{code}") from None
            if code in row.attachments:
                raise InvalidInput(f"材料“{material.name}”（{code}）已附文件，不能同时列入 {key}，请删除其一。",
                                   code="promised_and_attached", field=f"{key}.{code}")
            due = row.tolerated.get(code) if kind == PromiseKind.TOLERATED else None
            promises.append(Promised(code, kind, due_on=due))
    if set(row.tolerated) & set(row.committed):
        raise InvalidInput("同一材料不能既容缺又告知承诺。", code="promised_twice", field="committed")
    return tuple(promises)


def promised_codes(promises: Iterable[Promised]) -> dict[str, list[str]]:
    """The promised material codes by kind, as a row's content digest counts them."""
    codes: dict[str, list[str]] = {}
    for promise in promises:
        codes.setdefault(promise.kind, []).append(promise.material_code)
    return {kind: sorted(found) for kind, found in sorted(codes.items())}


def _pickup(fields: dict[str, str]) -> dict[str, str | None]:
    method = fields.get("method", "")
    if not method:
        raise InvalidInput("缺少 pickup.method（取件方式：onsite 或 courier）。", code="pickup_method",
                           field="pickup.method")
    if method == PickupMethod.ONSITE and any(fields.get(key) for key in ("recipient", "phone", "address")):
        raise InvalidInput("现场取件无需填写收件人、电话和地址，请删除或改为快递寄送（courier）。",
                           code="pickup_fields", field="pickup")
    checked = _validate_pickup(method, fields.get("recipient"), fields.get("phone"), fields.get("address"))
    return {"method": checked.method, "recipient": checked.recipient, "phone": checked.phone,
            "address": checked.address}


_validate_pickup = functools.lru_cache(maxsize=256)(validate_pickup)
"""The counter's pickup check, remembered: most rows of a batch share the same pickup."""


def _files(row: BatchRow, matter: Matter, answers: dict[str, str], base_dir: Path, max_bytes: int,
           holder: str, licenses: LicenseLookup | None, cache_file: Path | None,
           known: Callable[[Path], ScanInfo | None] | None = None,
           promised: set[str] | frozenset[str] = frozenset()) -> tuple[CheckedFile, ...]:
    applicable = {m.code: m for m in guidance.applicable_materials(matter, answers)}
    for code in row.attachments:
        material = matter.material(code)
        if code not in applicable:
            raise InvalidInput(f"按所选情形，材料“{material.name}”（{code}）不适用，请删除该附件。",
                               code="material_not_applicable", field=f"attachments.{code}")
    for material in applicable.values():
        if material.required and material.code not in row.attachments and material.code not in promised:
            raise InvalidInput(f"缺少必填材料：{material.name}（{material.code}）。", code="material_missing",
                               field=f"attachments.{material.code}")
    checked = []
    for code, paths in row.attachments.items():
        for text in paths:
            if text.startswith(LICENSE_PREFIX):
                checked.append(_license(applicable[code], text[len(LICENSE_PREFIX):].strip(), holder, licenses))
                continue
            path = resolve_path(base_dir, text)
            info = (known(path) if known else None) or inspect_file(path, max_bytes=max_bytes, root=base_dir,
                                                                    cache_file=cache_file)
            check_kind(applicable[code], info)
            checked.append(CheckedFile(code, path, info, file_sha256(path)))
    return tuple(checked)


def _license(material: Material, license_type: str, holder: str, licenses: LicenseLookup | None) -> CheckedFile:
    """The applicant's e-license of ``license_type`` standing in for ``material``."""
    field = f"attachments.{material.code}"
    if material.license != license_type:
        accepted = f"只接受电子证照 {material.license}" if material.license else "不接受电子证照"
        raise InvalidInput(f"材料“{material.name}”（{material.code}）{accepted}，不能用 {license_type or '（空）'} 代替。",
                           code="license_not_accepted", field=field)
    found = licenses(holder, license_type) if licenses is not None else None
    if found is None:
        raise InvalidInput(f"申请人没有可用的电子证照 {license_type}（须已用 licenses import 导入、附有文件且未过期），"
                           f"请附上“{material.name}”的扫描件。", code="license_missing", field=field)
    info = ScanInfo(None, f"{found.title}.pdf", found.size, found.pages, found.media_type, datetime.min)
    return CheckedFile(material.code, None, info, found.sha256, found.id)


def resolve_path(base_dir: Path, text: str) -> Path:
    """An attachment path of a row, inside the batch file's folder (``\\`` taken as ``/``)."""
    if has_control(text):
        raise InvalidInput("附件路径含有控制字符。", code="file_path", field="file")
    relative = Path(text.replace("\\", "/"))
    outside = InvalidInput(f"附件“{text}”不在批量文件所在的文件夹内，不予读取；路径应相对于批量文件。",
                           code="file_outside", field="file")
    if relative.is_absolute() or relative.drive:
        raise outside
    path = base_dir / relative
    if not path.resolve().is_relative_to(base_dir.resolve()):
        raise outside
    return path


def file_sha256(path: Path) -> str:
    """The SHA-256 of a regular file's content (no link followed, never blocking on a FIFO)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    # Checked on the descriptor, before Python's file object (which raises on a folder) wraps it.
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InvalidInput(f"“{path.name}”不是普通文件。", code="file_type", field="file")
    with os.fdopen(fd, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _hashes(files: tuple[CheckedFile, ...]) -> dict[str, list[str]]:
    hashes: dict[str, list[str]] = {}
    for item in files:
        hashes.setdefault(item.material_code, []).append(item.sha256)
    return hashes


def applicant_content(applicant: Any) -> dict[str, Any]:
    """The applicant fields that make up a row's content, from ``ApplicantData`` or a stored ``Applicant``."""
    keys = ("kind", "id_type", "id_number", "name", "sex", "birth_date", "mobile", "email", "household_address",
            "residence_address", "legal_representative")
    return {key: getattr(applicant, key) for key in keys}


def content_digest(*, matter: str, county: str, answers: Mapping[str, str], applicant: Mapping[str, Any],
                   agent: Mapping[str, Any] | None, remark: str, ticket_no: str | None,
                   pickup: Mapping[str, Any], attachments: Mapping[str, list[str]],
                   promised: Mapping[str, list[str]] | None = None) -> str:
    """The digest of an application's content as checked (not as typed), files by their SHA-256.

    Checked values make the digest the same for a JSON Lines row and its CSV twin, for a lower-
    case ``x`` and its normalised ``X``, and for a row and its own export, so only a real
    difference is a conflict. Promised materials count by code only when there are any, so the
    digests of rows stored before promises existed stay as they were.
    """
    content = {
        "matter": matter, "county": county, "answers": dict(sorted(answers.items())),
        "applicant": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in applicant.items()},
        "agent": dict(agent) if agent else None, "remark": remark, "ticket_no": ticket_no or None,
        "pickup": dict(pickup), "attachments": {k: sorted(v) for k, v in sorted(attachments.items()) if v},
    }
    if promised:
        content["promised"] = dict(promised)
    body = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
