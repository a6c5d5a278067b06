"""Following the ID-card reader's output: a device, a named pipe or a file, one JSON line per card.

``follow`` yields each complete line written after it started (a file's earlier lines are other
citizens' cards and are skipped). It waits with ``select`` and a stop event, so the thread that
runs it costs nothing between cards and ends promptly when asked.
"""

from __future__ import annotations

import os
import select
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

WAIT_SECONDS = 0.2
"""How long one wait for data lasts before the stop event is looked at again."""
LINE_MAX = 65536
"""A line longer than this is not a card; it is dropped rather than kept growing in memory."""


def follow(path: Path, stop: threading.Event) -> Iterator[str]:
    """The lines written to ``path`` from this call on, until ``stop`` is set.

    The path is opened (and a file's end found) here rather than at the first ``next``, so a
    card written right after the call is not skipped.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    is_file = stat.S_ISREG(os.fstat(fd).st_mode)
    if is_file:
        os.lseek(fd, 0, os.SEEK_END)
    return _lines(fd, is_file, stop)


def _lines(fd: int, is_file: bool, stop: threading.Event) -> Iterator[str]:
    try:
        pending = b""
        while not stop.is_set():
            readable, _, _ = select.select([fd], [], [], WAIT_SECONDS)
            data = os.read(fd, 65536) if readable else b""
            if not data:
                # End of a file, or a pipe with no writer: select says "readable" at once, so wait.
                if is_file and os.fstat(fd).st_size < os.lseek(fd, 0, os.SEEK_CUR):
                    os.lseek(fd, 0, os.SEEK_SET)  # the reader's software started the file afresh
                stop.wait(WAIT_SECONDS)
                continue
            pending += data
            *lines, pending = pending.split(b"\n")
            if len(pending) > LINE_MAX:
                pending = b""
            for line in lines:
                text = line.decode("utf-8", "replace").strip()
                if text:
                    yield text
    finally:
        os.close(fd)
