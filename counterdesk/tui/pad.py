"""The rating pad (评价器): a second small App over the hall's database, one per window.

It shows the rating the window is waiting for in large type and takes the citizen's keys. A
worker asks the database about once a second for the window's pending rating (one indexed
query) and wakes at once after a rating is stored; the screen only redraws when it changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding

from counterdesk.config import Settings
from counterdesk.tui.context import DeskContext

if TYPE_CHECKING:
    from counterdesk.tui.screens.pad import PadScreen

POLL_SECONDS = 1.0
"""How often the pad asks for its window's pending rating."""


class PadApp(App[int]):
    """好差评评价器 for one window."""

    CSS_PATH = ["styles/pad.tcss"]
    TITLE = "好差评 · 评价器"
    BINDINGS = [Binding("ctrl+q", "quit", "退出", priority=True)]

    def __init__(self, settings: Settings, window: int, *, ctx: DeskContext | None = None,
                 poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self.ctx = ctx or DeskContext(settings)
        """Database and catalog; no one logs in on a pad."""
        self.window = window
        """The window (窗口) whose ratings this pad takes."""
        self.poll_seconds = poll_seconds
        self.pad: PadScreen | None = None
        """The pad's one screen, once mounted."""

    def on_mount(self) -> None:
        from counterdesk.tui.screens.pad import PadScreen

        pad = self.pad = PadScreen(self.window)
        self.push_screen(pad)
        if not self.ctx.ready:
            self.open_backends()
        else:
            self.call_after_refresh(pad.backends_ready)

    @work(thread=True, exclusive=True, group="startup")
    def open_backends(self) -> None:
        """Open the database and the catalog (for matter names) without holding up the first screen."""
        from counterdesk.catalog import hall_catalog
        from counterdesk.domain.errors import CounterdeskError
        from counterdesk.store.engine import open_database

        try:
            self.ctx.catalog = hall_catalog(self.ctx.settings)
            self.ctx.engine = open_database(self.ctx.settings.db_url)
        except CounterdeskError as error:
            self.call_from_thread(self.exit, 2, return_code=2, message=error.message)
            return
        if self.pad is not None:
            self.call_from_thread(self.pad.backends_ready)


def run_pad(settings: Settings, window: int) -> int:
    """Start the pad for a window; returns the process exit code."""
    return PadApp(settings, window).run() or 0
