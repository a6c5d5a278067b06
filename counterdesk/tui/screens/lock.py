"""The idle lock: hides the citizen's data until the clerk's password is given again."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from counterdesk.domain.errors import CounterdeskError
from counterdesk.tui.base import CounterDialog


class LockScreen(CounterDialog[None]):
    """An opaque screen over everything; only the logged-in clerk's password opens it."""

    BINDINGS = [Binding("escape", "noop", show=False, priority=True)]
    AUTO_FOCUS = "#lock-password"

    def compose(self) -> ComposeResult:
        actor = self.actor
        with Vertical(id="lock-box", classes="dialog"):
            yield Static("屏幕已锁定", classes="dialog-title")
            yield Static(f"{actor.name}（{actor.id}），请输入密码解锁。", id="lock-who")
            yield Input(id="lock-password", password=True, placeholder="密码")
            yield Static("", id="lock-message", classes="message error")

    def action_noop(self) -> None:
        """Escape does not unlock."""

    @on(Input.Submitted)
    def unlock(self, event: Input.Submitted) -> None:
        self.check(event.value)

    def check(self, password: str) -> None:
        from counterdesk.services.staff import authenticate

        self.run_service(lambda: self.ctx.call(authenticate, self.actor.id, password), lambda _: self.dismiss(),
                         refused=self._failed, group="unlock", exclusive=True)

    def _failed(self, error: CounterdeskError) -> None:
        field = self.query_one(Input)
        field.value = ""
        self.query_one("#lock-message", Static).update(error.message)
