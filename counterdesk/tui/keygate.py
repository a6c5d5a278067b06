"""Keys are applied one after the other, even when they arrive faster than the screen handles them.

Textual hands a key to the focused widget through that widget's message queue and returns at
once. A key the widget does not take (Tab, Enter) bubbles up through the parents' queues to the
App, whose bindings then move the focus — while the keys that came right behind it have already
been queued at the old widget. A clerk typing is slow enough for that never to matter; an
ID-card reader or barcode scanner typing like a keyboard at 1 ms per key, or a paste, is not:
``ID⇥name⇥phone⏎`` ended up in one field.

The gate lets one key at a time through: the next waits until the queues the key can travel
through (the App, the screen, the focused widget and its parents) have emptied, so the focus it
meets is the one the previous key left. A pasted text with tabs or line breaks is typed the
same way, so a paste fills fields as the reader does.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

from textual import events, messages
from textual.keys import _character_to_key
from textual.widgets import Input

SETTLE_TIMEOUT = 5.0
"""Longest wait for one key's effects: a screen stopped by an error must not hold the keyboard.

Generous on purpose: letting keys through early sends them to the old field (a shared two-core
machine once took over a second to settle a Tab), while a screen that never settles is a fault."""
_PASTED = {"\t": "tab", "\r": "enter", "\n": "enter"}
_REPAINTS = (messages.Update, messages.Layout, messages.UpdateScroll)


def keys_of_paste(text: str) -> list[events.Key]:
    """A pasted text as the keys that would type it (a line break is Enter, \\r\\n one Enter)."""
    keys = []
    for char in text.replace("\r\n", "\r"):
        if char in _PASTED:
            keys.append(events.Key(_PASTED[char], "\r" if char == "\n" else char))
        elif char.isprintable():
            keys.append(events.Key(_character_to_key(char), char))
    return keys


def _has_work(pump) -> bool:
    """Whether a queue holds a message that may still move the focus.

    Repaint and layout requests are left out: a scrolling container can post them without end,
    and they never change where the next key goes. (Textual's queue keeps its messages in
    ``values``; there is no public way to look at what a widget has yet to handle.)
    """
    return any(not isinstance(message, _REPAINTS) for message in pump._message_queue.values)


class KeyGate:
    """One key in flight at a time; the keys behind it wait here, in order.

    A printable key typed into a text field cannot move the focus (the field takes it before
    any binding sees it), so the key after it goes straight on; only other keys — Tab, Enter,
    F-keys, a letter on a screen without a field — make the next one wait for their effects.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.held: deque[events.Key] = deque()
        self.busy = False
        """A key's effects are still on their way, or held keys are being let through."""
        self.idle = asyncio.Event()
        """Set whenever no key is in flight or waiting (tests wait on it after a burst)."""
        self.idle.set()
        self._task: asyncio.Task | None = None
        self._releasing = False
        self._after: list[Callable[[], object]] = []

    def after_keys(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once every key received so far has been applied (at once when none waits).

        For what a worker brings back in the middle of a burst: a returning applicant's stored
        data and the question about their open application would otherwise meet the reader's
        next keys — Enter answering the question, the stored name filled in before the typed one.
        """
        if self.busy or self.held:
            self._after.append(callback)
        elif any(isinstance(message, events.Key) for message in self.app._message_queue.values):
            self.app.call_later(self.after_keys, callback)  # keys not yet seen: look again after them
        else:
            callback()

    def admit(self, key: events.Key) -> bool:
        """True when ``key`` may be handled now; otherwise it is held for its turn."""
        if self.busy or self.held:
            self.held.append(key)
            return False
        return True

    def hold_paste(self, text: str) -> bool:
        """Type a paste that moves between fields key by key; False for a plain one-line paste."""
        if not any(char in _PASTED for char in text.strip("\r\n")):
            return False
        self.held.extend(keys_of_paste(text))
        self._wait_then_release()
        return True

    def handled(self, key: events.Key) -> None:
        """``key`` was handed on: if it may have moved the focus, hold the next until it settled."""
        if not self._releasing and self._may_move_focus(key):
            self._wait_then_release()

    def _may_move_focus(self, key: events.Key) -> bool:
        from textual.widgets import TextArea  # not at start-up: the login screen has none (12 ms of imports)

        return not (key.is_printable and isinstance(self.app.focused, (Input, TextArea)))

    def _wait_then_release(self) -> None:
        self.busy = True
        self.idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._release_in_turn())

    async def _release_in_turn(self) -> None:
        self._releasing = True
        try:
            while True:
                await self._settled()
                while self.held:
                    key = self.held.popleft()
                    await self.app.dispatch_key_now(key)
                    if self._may_move_focus(key):
                        break
                else:
                    return
        except Exception as error:  # noqa: BLE001 - the keyboard must never stay shut
            self.held.clear()
            self.app._handle_exception(error)
        finally:
            self._releasing = False
            self.busy = False
            self.idle.set()
            after, self._after = self._after, []
            for callback in after:
                self.app.call_later(self.after_keys, callback)

    async def _settled(self) -> None:
        """Wait until the queues a key travels through hold nothing from before this call."""
        try:
            async with asyncio.timeout(SETTLE_TIMEOUT):
                while True:
                    pumps = self._route()
                    done = [asyncio.Event() for _ in pumps]
                    waits = [event.wait() for event, pump in zip(done, pumps, strict=True)
                             if pump.call_later(event.set)]
                    await asyncio.gather(*waits)
                    if not any(_has_work(pump) for pump in pumps):
                        return
        except TimeoutError:
            return

    def _route(self) -> list:
        """The App, the screen, and the focused widget with its parents up to the screen."""
        app = self.app
        try:
            screen = app.screen
        except Exception:  # noqa: BLE001 - no screen yet (start-up): only the App's queue matters
            return [app]
        route = [app, screen]
        node = screen.focused
        while node is not None and node is not screen:
            route.append(node)
            node = node.parent
        # A widget still being mounted has no running loop yet: it handles its messages later,
        # in order, and waiting for it here would only stall the keyboard.
        return [pump for pump in route if pump.is_running]
