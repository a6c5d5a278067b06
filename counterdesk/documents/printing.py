"""Printing and saving PDFs: through the system's ``lp`` (CUPS) when there is one, otherwise saved.

Either way the clerk is told what happened in one sentence, and the file stays where it was
saved, so a failed print can be retried or the file carried to another machine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from counterdesk.documents.output import OutputExists, private_folder, write_atomically
from counterdesk.domain.errors import Conflict

_JOB_ID = re.compile(r"request id is (\S+)")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class PrintResult:
    """What became of a print request."""

    printed: bool
    """``True`` when the job was handed to a printer."""
    path: Path
    """Where the PDF is saved (it stays there either way)."""
    message: str
    """One sentence for the clerk, in Chinese."""
    job: str = ""
    """The spooler's job id (``lp``'s "request id"), when printed."""


def print_pdf(path: Path, *, printer: str | None = None, copies: int = 1, timeout: float = 30.0) -> PrintResult:
    """Send a saved PDF to the default (or named) printer; without ``lp`` just say where it is."""
    path = Path(path).resolve()
    lp = shutil.which("lp")
    if lp is None:
        return PrintResult(False, path, f"本机未安装打印服务，文件已保存到 {path}。")
    command = [lp]
    if printer:
        command += ["-d", printer]
    if copies > 1:
        command += ["-n", str(copies)]
    # The path is absolute, so it can never be read as an option.
    command.append(str(path))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return PrintResult(False, path, f"打印服务无响应，文件已保存到 {path}。")
    except OSError as exc:
        return PrintResult(False, path, f"无法启动打印（{exc.strerror or exc}），文件已保存到 {path}。")
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        detail = f"（{reason[0][:120]}）" if reason else ""
        return PrintResult(False, path, f"打印失败{detail}，文件已保存到 {path}。")
    match = _JOB_ID.search(done.stdout)
    job = match.group(1) if match else ""
    return PrintResult(True, path, f"已发送到打印机{f'（作业 {job}）' if job else ''}。", job)


def save_pdf(pdf_bytes: bytes, directory: Path, filename: str) -> Path:
    """Write a PDF into the hall's output folder under a safe, unused name, and return its path.

    The folder is kept owner-only (packets hold full ID numbers); slashes and control characters
    in ``filename`` are replaced; an existing file is never overwritten (``明白卡 (1).pdf``).
    """
    directory = private_folder(directory)
    name = _UNSAFE.sub("_", filename).strip(" .") or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    stem = name[:-4][:120]
    for n in range(10_000):
        target = directory / (f"{stem}.pdf" if n == 0 else f"{stem} ({n}).pdf")
        if os.path.lexists(target):
            continue
        try:
            return write_atomically(target, pdf_bytes)
        except OutputExists:
            continue
    raise Conflict(f"文件夹 {directory} 中同名文件过多，请先整理。", code="output_full")
