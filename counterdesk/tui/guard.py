"""The counter's last line of defence: an unexpected error never takes the app down.

Textual's default answer to an error in a handler or a worker is to exit and print a traceback
with its local variables — at a counter that means the citizen's ID number and form on screen.
Here an error instead becomes a Chinese message, one log line that names only where it happened
(never the error's text or values, which may hold personal data), and — when the failed screen
can no longer handle messages — a way back to home, where the saved draft opens again.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

UNEXPECTED = "出现意外错误，已记入日志。已录入的内容已保存，可从首页“继续草稿”接着办理。"
"""What the clerk reads; the details are for the log, not for the counter."""
FATAL = "出现意外错误，程序无法继续，已记入日志（data/counterdesk.log）。已录入的内容已保存，重新启动后可继续办理。"
LOG_NAME = "counterdesk.log"


def log_path(home: Path) -> Path:
    """The error log of a working home: ``data/counterdesk.log``, readable by its owner only."""
    return home / "data" / LOG_NAME


def where(error: BaseException) -> str:
    """The error's type and the code path it came through, without its message or any value."""
    frames = traceback.extract_tb(error.__traceback__)
    path = " < ".join(f"{Path(f.filename).stem}:{f.name}:{f.lineno}" for f in reversed(frames[-6:]))
    return f"{type(error).__module__}.{type(error).__qualname__} at {path or 'unknown'}"


def record(home: Path, error: BaseException, context: str) -> None:
    """Append one line about ``error`` to the home's log (created 0600; never raises)."""
    line = f"{datetime.now().astimezone():%Y-%m-%dT%H:%M:%S%z} unexpected {context}: {where(error)}\n"
    path = log_path(home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError:
        # A full disk or a read-only home must not turn a handled error into a crash.
        pass
