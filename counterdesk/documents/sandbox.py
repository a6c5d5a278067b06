"""Untrusted files are parsed in a child process, one at a time, and each verdict is kept by content hash.

PDF and image parsers are large C and Python code fed with bytes from scanners, USB sticks and
other systems. A checking process (``counterdesk.documents.scancheck``, started once, with the
parsers imported) forks a worker that caps its own address space and writes and gives every file a
CPU budget of its own; a file is killed with its worker after ``WALL_SECONDS``, and after any
refusal, crash or timeout the next file gets a fresh fork. Whatever a file costs, the TUI or the
import that asked stays small and responsive. A verdict is remembered by the file's SHA-256 in memory and
in a small file in the home (``data/scan-verdicts.jsonl``, owner-only), so no file is parsed twice:
not by a batch naming one file in many rows, not by the inbox list refreshing, not by the next
command. Only one parse runs at a time in a process, and on one verdict file across processes.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from counterdesk.documents import scancheck

WALL_SECONDS = 30
"""Longest a check may take, however busy the machine; then the child is killed."""

BUDGET = hashlib.sha256(repr((
    scancheck.MAX_PAGES, scancheck.MAX_PIXELS, scancheck.MAX_TOTAL_PIXELS, scancheck.MAX_PAGE_CONTENT_BYTES,
    scancheck.MAX_DECODED_BYTES, scancheck.MAX_DEPTH, scancheck.MAX_OBJECTS, scancheck.MEMORY_BYTES,
    scancheck.CPU_SECONDS, 2,
)).encode()).hexdigest()[:12]
"""The budgets a verdict was reached under: a verdict from other budgets is not reused."""

_PACKAGE_ROOT = str(Path(scancheck.__file__).resolve().parents[2])
_CHILD = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
          "from counterdesk.documents.scancheck import serve; serve()")


@dataclass(frozen=True)
class Verdict:
    """What the sandbox said about one content: its page count, or why it is refused."""

    pages: int | None = None
    code: str | None = None
    detail: str | None = None
    """The refusal, as the sentence that follows the file's name."""
    lasting: bool = True
    """False for a verdict that depends on the moment (a timeout on a busy machine): not written down."""

    @property
    def accepted(self) -> bool:
        return self.pages is not None


_parse_lock = threading.Lock()
_memory: dict[str, Verdict] = {}
_memory_lock = threading.Lock()
_loaded: dict[str, int] = {}
"""Verdict files read into memory, with the size they had."""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def judge(data: bytes, media_type: str, *, cache_file: Path | None = None, wait: bool = True) -> Verdict | None:
    """The verdict on ``data`` (sniffed as ``media_type``), from the cache or from one sandboxed parse.

    With ``wait=False`` returns ``None`` instead of waiting while another parse runs, so a screen
    refreshing its list never queues up behind a slow file.
    """
    key = f"{BUDGET}:{media_type}:{content_hash(data)}"
    found = _lookup(key, cache_file)
    if found is not None:
        return found
    if not _parse_lock.acquire(blocking=wait):
        return None
    try:
        with _file_lock(cache_file, wait) as locked:
            if not locked:
                return None
            found = _lookup(key, cache_file)
            if found is not None:
                return found
            verdict = _run(data, media_type)
            _remember(key, verdict, cache_file)
            return verdict
    finally:
        _parse_lock.release()


class _Checker:
    """The checking process of this program, started on first use and again if it ever dies."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def ask(self, data: bytes, media_type: str) -> dict:
        for _attempt in range(2):
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    [sys.executable, "-I", "-c", _CHILD, _PACKAGE_ROOT], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                )
            stdin, stdout = self.process.stdin, self.process.stdout
            assert stdin is not None and stdout is not None  # both are pipes
            try:
                header = {"media_type": media_type, "size": len(data), "wall_seconds": WALL_SECONDS}
                stdin.write(json.dumps(header).encode() + b"\n" + data)
                stdin.flush()
                line = self._answer(stdout)
            except (OSError, ValueError):
                line = None
            if line:
                return json.loads(line)
            self.stop()
        return {"failed": True}

    def _answer(self, out: IO[bytes]) -> bytes | None:
        # The checking process kills a check at WALL_SECONDS; a little more covers its own start.
        if not select.select([out], [], [], WALL_SECONDS + 15)[0]:
            return None
        return out.readline()

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.kill()
            self.process.wait()
            self.process = None


_checker = _Checker()
atexit.register(_checker.stop)


def _run(data: bytes, media_type: str) -> Verdict:
    result = _checker.ask(data, media_type)
    if result.get("timeout"):
        return Verdict(code="check_timeout", detail=f"检查超过 {WALL_SECONDS} 秒仍未完成，为安全起见不予接收；"
                                                    "如确是扫描件，请重新扫描或分开扫描。", lasting=False)
    if result.get("signal") in (signal.SIGXCPU, signal.SIGKILL):
        return Verdict(code="file_too_complex", detail=f"解析超过 {scancheck.CPU_SECONDS} 秒 CPU 时间的上限，"
                                                       "不像扫描件，为安全起见不予接收。")
    if isinstance(result.get("pages"), int):
        return Verdict(pages=result["pages"])
    if isinstance(result.get("code"), str):
        return Verdict(code=result["code"], detail=str(result.get("detail")))
    return Verdict(code="file_check_failed", detail="无法完成检查（解析程序异常退出），为安全起见不予接收。")


def _lookup(key: str, cache_file: Path | None) -> Verdict | None:
    if cache_file is not None:
        _load(cache_file)
    with _memory_lock:
        return _memory.get(key)


def _load(cache_file: Path) -> None:
    """Read verdicts other processes wrote since the last look (the file only grows)."""
    try:
        size = cache_file.stat().st_size
    except OSError:
        return
    start = _loaded.get(str(cache_file), 0)
    if size == start:
        return
    with open(cache_file, "rb") as handle:
        handle.seek(start if size > start else 0)
        lines = handle.read().split(b"\n")
    consumed = size - len(lines[-1])
    entries = {}
    for line in lines[:-1]:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            record = json.loads(line)
            entries[record["key"]] = Verdict(record.get("pages"), record.get("code"), record.get("detail"))
    with _memory_lock:
        _memory.update(entries)
        _loaded[str(cache_file)] = consumed


def _remember(key: str, verdict: Verdict, cache_file: Path | None) -> None:
    with _memory_lock:
        _memory[key] = verdict
    if cache_file is None or not verdict.lasting:
        return
    record = {"key": key, "pages": verdict.pages, "code": verdict.code, "detail": verdict.detail}
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(cache_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "ab") as handle:
            handle.write(line)


@contextlib.contextmanager
def _file_lock(cache_file: Path | None, wait: bool) -> Iterator[bool]:
    """Hold the home's parse lock, so two programs on one home never parse at once."""
    if cache_file is None:
        yield True
        return
    try:
        cache_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(cache_file.with_name(cache_file.name + ".lock"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
