"""A supervisor authorises at the clerk's window (值班长授权): staff ID and password, or ``None`` when cancelled.

The dialog only collects them; the service checks the password (audited like any login) and records
what was authorised.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AuthorizeDialog(ModalScreen[tuple[str, str] | None]):
    """工号 then 密码; Enter in the password gives both, Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", "取消", priority=True)]

    def __init__(self, title: str, body: Text | str = "") -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.body:
                yield Static(self.body, markup=False)
            yield Input(id="authorize-id", placeholder="值班长工号", max_length=32)
            yield Input(id="authorize-password", placeholder="值班长密码", password=True, max_length=200)
            yield Static("回车确定，Esc 取消", id="authorize-message", classes="message")

    def on_mount(self) -> None:
        self.query_one("#authorize-id", Input).focus()

    @on(Input.Submitted, "#authorize-id")
    def to_password(self) -> None:
        self.query_one("#authorize-password", Input).focus()

    @on(Input.Submitted, "#authorize-password")
    def give(self) -> None:
        staff_id = self.query_one("#authorize-id", Input).value.strip()
        password = self.query_one("#authorize-password", Input).value
        if not staff_id or not password:
            message = self.query_one("#authorize-message", Static)
            message.update("请输入值班长的工号和密码。")
            message.add_class("error")
            self.query_one("#authorize-password" if staff_id else "#authorize-id", Input).focus()
            return
        self.dismiss((staff_id, password))

    def action_cancel(self) -> None:
        self.dismiss(None)
