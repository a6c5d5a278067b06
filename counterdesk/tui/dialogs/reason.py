"""Ask for a short reason (预审不通过的原因) and return it, or ``None`` when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from counterdesk.domain.attachment import PRECHECK_REASON_MAX


class ReasonDialog(ModalScreen[str | None]):
    """One line of text; Enter gives it, Esc cancels. An empty reason is not accepted."""

    BINDINGS = [Binding("escape", "cancel", "取消", priority=True)]

    def __init__(self, title: str, *, placeholder: str = "", max_length: int = PRECHECK_REASON_MAX) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.max_length = max_length
        """The longest reason the service that takes it accepts."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Input(id="reason", placeholder=self.placeholder, max_length=self.max_length)
            yield Static("回车确定，Esc 取消", id="reason-message", classes="message")

    @on(Input.Submitted, "#reason")
    def give(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            message = self.query_one("#reason-message", Static)
            message.update("请写明原因。")
            message.add_class("error")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
