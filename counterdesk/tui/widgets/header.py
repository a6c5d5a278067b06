"""The desk header: window, clerk, the step on screen and the clock first (always visible at 80
columns), then the hall's name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters
from textual.widgets import Static

from counterdesk.domain.clock import now
from counterdesk.domain.windows import window_label

if TYPE_CHECKING:
    from counterdesk.tui.app import CounterdeskApp


class DeskHeader(Static):
    """One line across the top of every screen."""

    if TYPE_CHECKING:
        app = getters.app(CounterdeskApp)

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1, self.refresh_text)
        self.watch(self.app, "step", lambda _: self.refresh_text(), init=False)

    def refresh_text(self) -> None:
        ctx = self.app.ctx
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" 一件事一次办 ", style="bold reverse")
        if ctx.actor is not None:
            text.append(f" {window_label(ctx.actor.window)} · {ctx.actor.name} │")
        if self.app.step:
            text.append(f" {self.app.step}", style="bold")
            text.append(" │")
        text.append(f" {now():%H:%M:%S}")
        if ctx.hall is not None:
            text.append(f" │ {ctx.hall.name}", style="dim")
        self.update(text, layout=False)  # one line, cut at the edge: the screen's layout stays as it is
