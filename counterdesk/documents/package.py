"""Transfer and return packages between halls: one signed zip archive.

Layout (nothing else is accepted)::

    manifest.json     kind, sending hall, addressee, batch, time, and the SHA-256 and size of
                      every other member
    manifest.sig      the sending hall's Ed25519 signature of manifest.json (base64)
    rows.jsonl        applications in the batch import format (transfer packages)
    events.jsonl      status events (both kinds)
    files/<sha256>    attachments, named by their own hash

Reading is all or nothing and bounded before anything is decompressed: member names must be
exactly those above (so no path can leave the extraction folder), the number of members and
their declared sizes are capped, every read stops at the declared size, the signature is checked
with the sender's registered key, and every member's hash must match the manifest, which must
list every member. Any failure names what is wrong and nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counterdesk.domain.errors import InvalidInput

FORMAT = "counterdesk-package/1"
KINDS = ("transfer", "return")
MANIFEST, SIGNATURE, ROWS, EVENTS = "manifest.json", "manifest.sig", "rows.jsonl", "events.jsonl"
_FILE = re.compile(r"files/[0-9a-f]{64}")
MAX_MEMBERS = 200_000
MAX_TEXT_BYTES = 512 * 2**20
"""Largest manifest, rows or events member."""
MAX_TOTAL_BYTES = 8 * 2**30
"""Largest sum of declared member sizes (a zip bomb is refused before it is inflated)."""
_CHUNK = 1 << 20


def _refused(what: str, code: str = "package_invalid") -> InvalidInput:
    return InvalidInput(f"移交包无效：{what}，整包未导入。", code=code, field="package")


@dataclass(frozen=True)
class Package:
    """A verified package, extracted into ``folder``."""

    manifest: dict[str, Any]
    digest: str
    """SHA-256 of the signed manifest: the package's identity (a replay has the same)."""
    folder: Path

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def sender(self) -> str:
        return self.manifest["from_hall"]

    def rows(self) -> list[dict[str, Any]]:
        return _jsonl(self.folder / ROWS) if (self.folder / ROWS).exists() else []

    def events(self) -> list[dict[str, Any]]:
        return _jsonl(self.folder / EVENTS) if (self.folder / EVENTS).exists() else []

    def file(self, sha256: str) -> Path:
        return self.folder / "files" / sha256


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _jsonl_bytes(items: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(item, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8") + b"\n"
                    for item in items)


def write_package(out: Path, *, header: dict[str, Any], rows: list[dict[str, Any]] | None,
                  events: list[dict[str, Any]], files: dict[str, Path], sign: Callable[[bytes], str]) -> str:
    """Write a package owner-only and atomically; returns its digest.

    ``header`` holds kind, from_hall, to, batch and created_at; ``files`` maps each attachment's
    SHA-256 to where it is stored; ``sign`` signs the manifest's bytes.
    """
    members: dict[str, bytes | Path] = {EVENTS: _jsonl_bytes(events)}
    if rows is not None:
        members[ROWS] = _jsonl_bytes(rows)
    members.update({f"files/{sha}": path for sha, path in sorted(files.items())})
    listed = {}
    for name, content in members.items():
        if isinstance(content, bytes):
            listed[name] = {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
        else:
            listed[name] = {"sha256": name.removeprefix("files/"), "size": content.stat().st_size}
    manifest = json.dumps({"format": FORMAT, **header, "members": listed}, ensure_ascii=False,
                          sort_keys=True).encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, sign(manifest))
        for name, content in members.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
            else:
                # Scans are already compressed (PDF, JPEG): storing them saves the time of deflating.
                archive.write(content, name, compress_type=zipfile.ZIP_STORED)
    partial.replace(out)
    return hashlib.sha256(manifest).hexdigest()


def read_package(path: Path, folder: Path, *, key_of: Callable[[str], str | None],
                 verify: Callable[[str, bytes, str], bool], max_file_bytes: int) -> Package:
    """Check a package whole and extract it into the empty ``folder``; InvalidInput names the fault.

    ``key_of(hall_code)`` gives a registered partner's public key (None for a hall not trusted here).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_members(infos, max_file_bytes)
            by_name = {info.filename: info for info in infos}
            if MANIFEST not in by_name or SIGNATURE not in by_name:
                raise _refused("缺少清单或签名")
            manifest_bytes = _read(archive, by_name[MANIFEST], MAX_TEXT_BYTES)
            signature = _read(archive, by_name[SIGNATURE], 1024).decode("ascii", "replace").strip()
            manifest = _manifest(manifest_bytes)
            key = key_of(manifest["from_hall"])
            if key is None:
                raise _refused(f"寄出大厅 {manifest['from_hall']} 未在本大厅登记公钥"
                               "（请用 counterdesk hall trust 登记后再导入）", "package_foreign")
            if not verify(key, manifest_bytes, signature):
                raise _refused("签名与寄出大厅登记的公钥不符，包可能被改动或伪造", "package_signature")
            listed = manifest["members"]
            present = set(by_name) - {MANIFEST, SIGNATURE}
            if present != set(listed):
                missing = sorted(set(listed) - present) or sorted(present - set(listed))
                raise _refused(f"包内文件与清单不符（{missing[0]}）", "package_members")
            for name, entry in listed.items():
                _extract(archive, by_name[name], folder / name, entry)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise _refused("文件不完整或不是移交包（可能在传送中被截断）", "package_corrupt") from error
    except OSError as error:
        raise _refused(f"无法读取（{error.strerror or error}）", "package_unreadable") from error
    return Package(manifest, hashlib.sha256(manifest_bytes).hexdigest(), folder)


def _check_members(infos: list[zipfile.ZipInfo], max_file_bytes: int) -> None:
    if len(infos) > MAX_MEMBERS:
        raise _refused(f"文件数超过 {MAX_MEMBERS} 个", "package_bounds")
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _refused("包内有重名文件", "package_members")
    total = 0
    for info in infos:
        name = info.filename
        if name in (MANIFEST, SIGNATURE, ROWS, EVENTS):
            limit = MAX_TEXT_BYTES
        elif _FILE.fullmatch(name):
            limit = max_file_bytes
        else:
            raise _refused(f"包内有不应出现的文件“{name[:80]}”", "package_members")
        if info.file_size > limit:
            raise _refused(f"“{name[:80]}”超过大小上限", "package_bounds")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise _refused("解压后总大小超过上限", "package_bounds")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as member:
        data = member.read(min(info.file_size, limit) + 1)
    if len(data) > info.file_size or len(data) > limit:
        raise _refused(f"“{info.filename}”的实际大小与声明不符", "package_bounds")
    return data


def _manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _refused("清单不是有效的 JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("kind") not in KINDS:
        raise _refused("清单格式不符（不是本系统的移交包或回传包）")
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(
            isinstance(e, dict) and isinstance(e.get("sha256"), str) and isinstance(e.get("size"), int)
            for e in members.values()):
        raise _refused("清单缺少文件哈希")
    if not isinstance(manifest.get("from_hall"), str):
        raise _refused("清单未写明寄出大厅")
    return manifest


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, entry: dict[str, Any]) -> None:
    """Copy one member out, stopping at its declared size, and compare its hash with the manifest."""
    if info.file_size != entry["size"]:
        raise _refused(f"“{info.filename}”的大小与清单不符", "package_hash")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with archive.open(info) as member, os.fdopen(fd, "wb") as out:
        while chunk := member.read(min(_CHUNK, entry["size"] - written + 1)):
            written += len(chunk)
            if written > entry["size"]:
                raise _refused(f"“{info.filename}”的实际大小与声明不符", "package_bounds")
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != entry["sha256"]:
        raise _refused(f"“{info.filename}”的内容与清单中的 SHA-256 不符", "package_hash")
