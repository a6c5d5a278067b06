"""The counter's App: opens the database in the background, logs the clerk in, locks when idle.

Screens live in ``screens/`` (one per step), shared state in ``context.DeskContext``; this module
only wires them together.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message_pump import MessagePump
from textual.reactive import reactive
from textual.screen import Screen

from counterdesk.config import Settings
from counterdesk.tui.chinese import ChineseTexts
from counterdesk.tui.context import DeskContext
from counterdesk.tui.keygate import KeyGate
from counterdesk.tui.screens.login import LoginScreen


class CounterdeskApp(ChineseTexts, App[int]):
    """跨域通办窗口 — the terminal wizard."""

    CSS_PATH = ["styles/app.tcss"]
    """What the first screen (login, set-up) is drawn with; ``LATER_CSS`` is read once it is painted."""
    LATER_CSS = ("styles/wizard.tcss", "styles/supervisor.tcss", "styles/handover.tcss")
    TITLE = "一件事一次办 · 跨域通办窗口"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", priority=True),
        Binding("ctrl+l", "lock", "锁屏", show=False),
    ]

    step: reactive[str] = reactive("")
    """The step of the flow on screen, shown in the header."""

    def __init__(self, settings: Settings, *, ctx: DeskContext | None = None) -> None:
        super().__init__()
        self.ctx = ctx or DeskContext(settings)
        """Database, catalog, hall and the logged-in staff member."""
        self.last_input = time.monotonic()
        """When the clerk last pressed a key or clicked (idle lock)."""
        self.keys = KeyGate(self)
        """Applies keys one after the other, however fast they come (card readers, pastes)."""
        self._reader_stop = threading.Event()
        self.unexpected_errors: list[BaseException] = []
        """Errors the guard caught (kept for tests; the clerk sees a message, the log a line)."""

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        if not self.ctx.ready:
            # After the first paint: parsing the other screens' styles, and the worker's imports and
            # catalog (which hold the GIL), would otherwise keep the login form off the screen. Login
            # waits for the backends, so no other screen is drawn before its styles are read.
            self.call_after_refresh(self._after_first_paint)
        else:
            self._read_later_css()
            self.call_after_refresh(self.backends_ready)
        self.set_interval(5, self.lock_if_idle)

    def _after_first_paint(self) -> None:
        self._read_later_css()
        self.open_backends()

    def _read_later_css(self) -> None:
        folder = Path(__file__).parent
        for name in self.LATER_CSS:
            self.stylesheet.read(folder / name)
        self.stylesheet.reparse()
        self.stylesheet.update(self)

    @work(thread=True, exclusive=True, group="startup")
    def open_backends(self) -> None:
        """Open (and migrate) the database, load the catalog and build its search index.

        All without holding up the first screen; the index is ready before the clerk has logged in.
        """
        from counterdesk.catalog import hall_catalog
        from counterdesk.domain.errors import CounterdeskError
        from counterdesk.store.engine import open_database

        try:
            catalog = self.ctx.catalog = hall_catalog(self.ctx.settings)
            self.ctx.engine = open_database(self.ctx.settings.db_url, home=self.ctx.settings.home)
        except CounterdeskError as error:
            self.call_from_thread(self.fatal, error.message)
            return
        self.call_from_thread(self.backends_ready)
        catalog.prepare_search()

    def backends_ready(self) -> None:
        """The database is open: a new one asks for its first supervisor and the hall's county."""
        from counterdesk.services.hall import get_hall
        from counterdesk.services.staff import has_staff

        with self.ctx.session() as session:
            self.ctx.hall = get_hall(session)
            first_start = not has_staff(session)
        if first_start:
            from counterdesk.tui.screens.setup import SetupScreen

            self.switch_screen(SetupScreen())
        elif isinstance(self.screen, LoginScreen):
            self.screen.ready()

    def fatal(self, message: str) -> None:
        """The database cannot be used: say why and leave."""
        self.exit(2, return_code=2, message=message)

    def logged_in(self) -> None:
        """After login (or first set-up): the home screen."""
        from counterdesk.tui.screens.home import HomeScreen

        self.last_input = time.monotonic()
        self.switch_screen(HomeScreen())
        reader = self.ctx.settings.id_reader
        if reader is not None and not self._reader_stop.is_set() and not self.ctx.extras.get("reader"):
            # A daemon thread, not a worker: it lives as long as the app and must neither hold up
            # leaving nor the wait for workers to finish.
            thread = threading.Thread(target=self._watch_reader, args=(reader,), daemon=True, name="id-reader")
            self.ctx.extras["reader"] = thread
            thread.start()

    def _watch_reader(self, path: Path) -> None:
        """Hand every card the reader writes to the screen (in the reader's thread)."""
        from counterdesk.documents.idreader import follow

        try:
            for line in follow(path, self._reader_stop):
                self.call_from_thread(self.card_read, line)
        except OSError:
            self.call_from_thread(self.notify, f"无法打开读卡器 {path}，请检查 COUNTERDESK_ID_READER。",
                                  severity="error", markup=False)
        except Exception as error:  # noqa: BLE001 - the guard logs it; the counter keeps working
            if not self._reader_stop.is_set():
                self.call_from_thread(self._handle_exception, error)

    def card_read(self, line: str) -> None:
        """A card was read: the applicant form fills itself; elsewhere the clerk is told where to go."""
        from counterdesk.domain.errors import CounterdeskError
        from counterdesk.domain.idcard import card_form

        try:
            card = card_form(line)
        except CounterdeskError as error:
            self.notify(error.message, title="读卡", severity="error", markup=False)
            return
        fill = getattr(self.screen, "fill_from_card", None)
        if fill is None:
            self.notify("已读到身份证，请在“确认信息”步骤读卡。", title="读卡", markup=False)
            return
        fill(card.form)

    def on_unmount(self) -> None:
        self._reader_stop.set()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.keys.admit(event):
                await self.dispatch_key_now(event)
            return
        if isinstance(event, events.Paste) and not event.is_forwarded and self.keys.hold_paste(event.text):
            return
        await super().on_event(event)

    async def dispatch_key_now(self, key: events.Key) -> None:
        """Hand a key to Textual (priority bindings, then the focused widget); the gate waits for it."""
        try:
            await super().on_event(key)
        finally:
            self.keys.handled(key)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's hook for any unhandled error: never exit with a traceback (see ``guard``).

        A failed worker leaves every screen working, so a message is enough. A failed handler
        has stopped its screen's (or widget's) message loop, so that screen is closed and the
        clerk lands on home, where the draft — saved as typed — opens again. Only an error in
        the App's own loop ends the program, with a sentence instead of a traceback.
        """
        from textual._context import active_message_pump
        from textual.worker import WorkerFailed

        from counterdesk.tui.guard import FATAL, UNEXPECTED, record

        in_worker = isinstance(error, WorkerFailed)
        failed = error.error if isinstance(error, WorkerFailed) else error
        pump = None if in_worker else active_message_pump.get(None)
        record(self.ctx.settings.home, failed, "in a worker" if in_worker else f"in {type(pump).__name__}")
        self.unexpected_errors.append(failed)
        if pump is self or not self.screen_stack:
            self.exit(1, return_code=1, message=FATAL)
            return
        self.notify(UNEXPECTED, title="意外错误", severity="error", markup=False, timeout=15)
        if pump is not None:
            self.call_later(self._close_failed, pump)

    def _close_failed(self, pump: MessagePump) -> None:
        """Take the screen whose handler failed off the stack; a failed base screen is made afresh."""
        from textual.dom import NoScreen
        from textual.widget import Widget

        if not isinstance(pump, Widget):
            return
        try:
            screen = pump if isinstance(pump, Screen) else pump.screen
        except NoScreen:
            return
        if screen not in self.screen_stack:
            return
        from counterdesk.tui.screens.lock import LockScreen

        # The screens above go too; an idle lock among them is put back over what is left.
        locked = any(isinstance(above, LockScreen) for above in self.screen_stack)
        while len(self.screen_stack) > 1 and screen in self.screen_stack:
            self.pop_screen()
        if screen in self.screen_stack:
            if self.ctx.actor is not None:
                self.logged_in()
            else:
                self.switch_screen(LoginScreen())
        if locked:
            self.action_lock()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.ctx.actor is not None:
            yield SystemCommand("锁屏", "离开窗口时锁定屏幕（Ctrl+L）", self.action_lock)

    def lock_if_idle(self) -> None:
        """Lock the screen after the configured idle time while someone is logged in."""
        idle = time.monotonic() - self.last_input
        if self.ctx.actor is not None and idle >= self.ctx.settings.idle_lock_seconds:
            self.action_lock()

    def action_lock(self) -> None:
        from counterdesk.tui.screens.lock import LockScreen

        if self.ctx.actor is not None and not isinstance(self.screen, LockScreen):
            self.push_screen(LockScreen())


def run_tui(settings: Settings) -> int:
    """Start the TUI; returns the process exit code."""
    app = CounterdeskApp(settings)
    code = app.run()
    return code or 0
