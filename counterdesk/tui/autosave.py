"""Saving a form as it is typed without slowing the typing: the last value, once typing pauses.

The UI thread only hands over the form (``put``, no I/O); a thread worker waits until no key has
come for ``quiet`` seconds and writes the newest value. A burst of keys is one write, a single
key is in the database ``quiet`` seconds plus one commit after it was typed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

QUIET_SECONDS = 0.1
"""How long typing must pause before a write: short enough to meet 300 ms from the last key."""


class DebouncedSave(Generic[T]):
    """Write the newest ``put`` value after a pause, from a worker started by ``start``.

    ``start`` is called (on the UI thread) when there is something to write and no worker is
    running; the worker runs ``run`` and ends once nothing is pending, so no thread outlives the
    typing and tests can wait for all workers to finish.
    """

    def __init__(self, write: Callable[[T], None], start: Callable[[Callable[[], None]], None],
                 quiet: float = QUIET_SECONDS) -> None:
        self._write = write
        self._start = start
        self.quiet = quiet
        self._cond = threading.Condition()
        self._waiting: tuple[T] | None = None
        """The value to write, once put and not yet written or dropped."""
        self._last = 0.0
        self._running = False

    @property
    def pending(self) -> bool:
        """Whether a value waits to be written."""
        with self._cond:
            return self._waiting is not None

    def put(self, value: T) -> None:
        """Keep ``value`` as the one to write (O(1): called on every key)."""
        with self._cond:
            self._waiting, self._last = (value,), time.monotonic()
            start = not self._running
            self._running = True
            self._cond.notify()
        if start:
            self._start(self.run)

    def drop(self) -> None:
        """Forget what is pending (the caller has just written it itself)."""
        with self._cond:
            self._waiting = None
            self._cond.notify()

    def run(self) -> None:
        """The worker: wait for the pause, write the newest value, end when nothing is left."""
        try:
            while True:
                with self._cond:
                    waiting = self._waiting
                    if waiting is None:
                        self._running = False
                        return
                    wait = self._last + self.quiet - time.monotonic()
                    if wait > 0:
                        self._cond.wait(wait)
                        continue
                    self._waiting = None
                self._write(waiting[0])
        except BaseException:
            with self._cond:
                self._running = False
            raise
