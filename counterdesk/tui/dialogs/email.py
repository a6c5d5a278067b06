"""Ask for the citizen's e-mail address (to send the 明白卡), checked as it is typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from counterdesk.domain.contact import EMAIL_MAX, validate_email
from counterdesk.domain.errors import InvalidInput


class EmailDialog(ModalScreen[str | None]):
    """One address; Enter gives it once valid (normalised), Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消", priority=True)]

    def __init__(self, title: str, *, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        """What is being sent, e.g. 发送明白卡到电子邮箱."""
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="email-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Input(self.value, id="email-address", placeholder="例如 zhangsan@example.com",
                        max_length=EMAIL_MAX)
            yield Static("回车发送，Esc 取消", id="email-message", classes="message", markup=False)

    def _say(self, problem: str | None) -> None:
        message = self.query_one("#email-message", Static)
        message.update(problem or "回车发送，Esc 取消")
        message.set_class(problem is not None, "error")

    @on(Input.Changed, "#email-address")
    def check(self, event: Input.Changed) -> None:
        """Say what is wrong with the address as it is typed (nothing while it is empty)."""
        try:
            if event.value.strip():
                validate_email(event.value)
        except InvalidInput as error:
            self._say(error.message)
        else:
            self._say(None)

    @on(Input.Submitted, "#email-address")
    def give(self, event: Input.Submitted) -> None:
        try:
            address = validate_email(event.value)
        except InvalidInput as error:
            self._say(error.message)
            return
        self.dismiss(address)

    def action_cancel(self) -> None:
        self.dismiss(None)
