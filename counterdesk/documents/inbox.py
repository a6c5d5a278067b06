"""The scanner inbox (扫描收件箱): what the hall scanner dropped, checked by content before anything uses it.

A file is judged by its bytes, never by its name: PDF, JPEG, PNG and (multi-page) TIFF are
accepted; anything else, anything damaged, encrypted, oversized, over the parsing budgets or
pointing outside the inbox is refused with a sentence the clerk can read out to the citizen. The
parsing itself runs in the sandbox (``counterdesk.documents.sandbox``), never in this process.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counterdesk.documents.sandbox import judge
from counterdesk.documents.scancheck import MAX_PAGES, MAX_PIXELS
from counterdesk.domain.clock import CST, now
from counterdesk.domain.errors import InvalidInput, NotFound

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"

MEDIA_LABELS = {PDF: "PDF 文件", JPEG: "JPEG 图片", PNG: "PNG 图片", TIFF: "TIFF 图片"}
"""How each accepted media type is named to the clerk."""

__all__ = ["MAX_PAGES", "MAX_PIXELS", "InboxEntry", "ScanInfo", "inspect_bytes", "inspect_file", "list_inbox"]

CHECKING = "正在检查，请稍候……"
"""Shown for a file waiting while another one is being checked."""

SETTLE_SECONDS = 1.0
"""A file modified more recently than this may still be being written by the scanner."""

_PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", "~")
_SKIPPED_NAMES = {"store", "attached", "readme.md"}
_SUFFIXES = {
    PDF: {".pdf"},
    JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
    PNG: {".png"},
    TIFF: {".tif", ".tiff"},
}


@dataclass(frozen=True)
class ScanInfo:
    """A file that passed the checks: what it is and how many pages it has."""

    path: Path | None
    """Where the file is; ``None`` when the content arrived as bytes (batch import)."""
    name: str
    """The original file name, in whatever language the scanner wrote it."""
    size: int
    pages: int
    media_type: str
    modified: datetime
    """Last modification, naive hall time (CST)."""


@dataclass(frozen=True)
class InboxEntry:
    """One file in the inbox listing; refused files are listed too, with the reason."""

    path: Path
    name: str
    size: int
    modified: datetime
    info: ScanInfo | None
    """The checked file, or ``None`` when it was refused."""
    refusal: str | None = None
    """Why the file cannot be attached, in Chinese."""
    refusal_code: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the clerk may attach this file."""
        return self.info is not None


def sniff_media_type(head: bytes) -> str | None:
    """The media type the first bytes announce, or ``None`` for anything not accepted."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    return None


def inspect_file(path: str | Path, *, max_bytes: int, root: Path | None = None,
                 cache_file: Path | None = None) -> ScanInfo:
    """Check one file by its content and return what it is, or raise ``InvalidInput`` saying why not.

    With ``root``, symbolic links and anything that resolves outside ``root`` are refused. The
    file is opened without following a final link, and never blocks on a FIFO. ``cache_file`` is
    where verdicts are kept between programs (see ``counterdesk.documents.sandbox``).
    """
    path = Path(path)
    data, modified = _read(path, max_bytes, root)
    return _inspect_waiting(data, path=path, name=path.name or str(path), modified=modified, cache_file=cache_file)


def inspect_bytes(data: bytes, *, name: str, max_bytes: int, cache_file: Path | None = None) -> ScanInfo:
    """Check content that arrived without a file (a batch row's attachment), as ``inspect_file`` does."""
    _check_size(name, len(data), max_bytes)
    return _inspect_waiting(data, path=None, name=name, modified=now(), cache_file=cache_file)


def _inspect_waiting(data: bytes, *, path: Path | None, name: str, modified: datetime,
                     cache_file: Path | None) -> ScanInfo:
    """``_inspect_data`` that waits its turn, so it always has an answer."""
    info = _inspect_data(data, path=path, name=name, modified=modified, cache_file=cache_file, wait=True)
    if info is None:
        raise RuntimeError("a check that waits always answers")
    return info


def _read(path: Path, max_bytes: int, root: Path | None) -> tuple[bytes, datetime]:
    name = path.name or str(path)
    if path.is_symlink():
        raise _refuse("file_link", f"“{name}”是链接文件，为安全起见不予读取，请把扫描件直接放入扫描收件箱。")
    if root is not None and not path.resolve().is_relative_to(Path(root).resolve()):
        raise _refuse("file_outside", f"“{name}”不在扫描收件箱内，不予读取。")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise NotFound(f"文件“{name}”不存在或已被移走。", code="file_missing", field="file") from None
    except OSError as exc:
        raise _refuse("file_unreadable", f"无法读取“{name}”：{exc.strerror or exc}。") from None
    try:
        st = os.fstat(fd)
        # A folder opens for reading too; it must be refused before Python's file object sees it.
        if stat.S_ISDIR(st.st_mode):
            raise _refuse("file_type", f"“{name}”是文件夹，不是文件。")
        if not stat.S_ISREG(st.st_mode):
            raise _refuse("file_type", f"“{name}”不是普通文件。")
        _check_size(name, st.st_size, max_bytes)
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _refuse("file_unreadable", f"无法读取“{name}”：{exc.strerror or exc}。") from None
    finally:
        os.close(fd)
    _check_size(name, len(data), max_bytes)
    return data, datetime.fromtimestamp(st.st_mtime, CST).replace(tzinfo=None, microsecond=0)


def list_inbox(
    inbox_dir: Path, max_bytes: int, *, settle_seconds: float = SETTLE_SECONDS,
    cache_file: Path | None = None, wait: bool = True,
) -> list[InboxEntry]:
    """The files in the inbox, newest first, each checked (refused ones carry their reason).

    Skips the ``store/`` and ``attached/`` folders (and every other folder), hidden files, and
    files a scanner is still writing: partial-download suffixes, or modified in the last second.
    Results are cached by path, size and modification time, so refreshing the list is cheap. With
    ``wait=False`` a file that would have to wait for another file's check is listed as being
    checked (not usable yet) instead, so a screen's refresh never blocks.
    """
    try:
        entries = list(os.scandir(inbox_dir))
    except (FileNotFoundError, NotADirectoryError):
        return []
    cutoff = time.time() - settle_seconds
    listed: list[InboxEntry] = []
    for entry in entries:
        if _skipped(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(st.st_mode) or st.st_mtime > cutoff:
            continue
        checked = _entry(Path(entry.path), st, Path(inbox_dir), max_bytes, cache_file, wait)
        if checked is not None:
            listed.append(checked)
    listed.sort(key=lambda e: (e.modified, e.name), reverse=True)
    return listed


def _skipped(name: str) -> bool:
    lowered = name.lower()
    return (
        name.startswith(".")
        or lowered in _SKIPPED_NAMES
        or lowered.endswith(_PARTIAL_SUFFIXES)
    )


_cache: OrderedDict[tuple, ScanInfo | tuple[str, str]] = OrderedDict()
"""Checked files by identity: a ScanInfo, or a refusal's (code, message). Never the exception
itself, whose traceback would keep the file's bytes alive."""
_cache_lock = threading.Lock()
_CACHE_SIZE = 512


def _entry(path: Path, st: os.stat_result, root: Path, max_bytes: int, cache_file: Path | None,
           wait: bool) -> InboxEntry | None:
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode, max_bytes)
    with _cache_lock:
        result = _cache.get(key)
    if result is None:
        try:
            data, modified = _read(path, max_bytes, root)
            result = _inspect_data(data, path=path, name=path.name, modified=modified, cache_file=cache_file,
                                   wait=wait)
        except NotFound:
            return None
        except InvalidInput as exc:
            result = (exc.code, exc.message)
        if result is None:
            result = ("checking", CHECKING)
        else:
            with _cache_lock:
                _cache[key] = result
                while len(_cache) > _CACHE_SIZE:
                    _cache.popitem(last=False)
    modified = datetime.fromtimestamp(st.st_mtime, CST).replace(tzinfo=None, microsecond=0)
    if isinstance(result, ScanInfo):
        return InboxEntry(path=path, name=path.name, size=st.st_size, modified=modified, info=result)
    code, message = result
    return InboxEntry(
        path=path, name=path.name, size=st.st_size, modified=modified, info=None,
        refusal=message, refusal_code=code,
    )


def _inspect_data(data: bytes, *, path: Path | None, name: str, modified: datetime,
                  cache_file: Path | None, wait: bool = True) -> ScanInfo | None:
    """The file's ScanInfo, ``InvalidInput`` saying why not, or ``None`` when ``wait`` is off and
    another file is being parsed."""
    if not data:
        raise _refuse("file_empty", f"“{name}”是空文件，请重新扫描。")
    media_type = sniff_media_type(data[:8])
    if media_type is None:
        raise _refuse("file_type", f"“{name}”不是 PDF、JPEG、PNG 或 TIFF 文件（按文件内容判断），不能作为材料。")
    suffix = Path(name).suffix.lower()
    if suffix[1:].isalpha() and suffix not in _SUFFIXES[media_type]:
        raise _refuse(
            "file_type",
            f"“{name}”的扩展名是 {suffix}，内容却是{MEDIA_LABELS[media_type]}，与名称不符，请核对文件。",
        )
    verdict = judge(data, media_type, cache_file=cache_file, wait=wait)
    if verdict is None:
        return None
    if not verdict.accepted or verdict.pages is None:
        raise _refuse(verdict.code or "file_damaged", f"“{name}”{verdict.detail}")
    return ScanInfo(
        path=path, name=name, size=len(data), pages=verdict.pages, media_type=media_type, modified=modified
    )


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size == 0:
        raise _refuse("file_empty", f"“{name}”是空文件，请重新扫描。")
    if size > max_bytes:
        raise _refuse(
            "file_too_large",
            f"“{name}”大小为 {_size_label(size)}，超过 {_size_label(max_bytes)} 的上限，请降低扫描分辨率或分开扫描。",
        )


def _size_label(size: int) -> str:
    """A file size as the clerk reads it: 20 MB, 1.5 MB, 300 KB."""
    if size < 2**20:
        return f"{-(-size // 1024)} KB"
    value = size / 2**20
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def _refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput(message, code=code, field="file")
