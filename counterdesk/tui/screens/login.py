"""Staff login (登录): the first interactive screen, shown while the database opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from counterdesk.tui.base import CounterScreen
from counterdesk.tui.widgets.header import DeskHeader
from counterdesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.services.staff import Actor


class LoginScreen(CounterScreen[None]):
    """Staff ID and password; the same check as the CLI (lock-out after five failures)."""

    _waiting = False
    """Enter was pressed before the database was open: log in as soon as it is."""

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        with Vertical(id="login-box", classes="dialog"):
            yield Static("工作人员登录", classes="dialog-title")
            yield Label("工号")
            yield Input(id="staff-id", placeholder="请输入工号")
            yield Label("密码")
            yield Input(id="password", password=True, placeholder="请输入密码")
            yield Static("", id="login-message", classes="message")
            yield Button("登录 (Enter)", id="login", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.step = "登录"
        self.query_one("#staff-id", Input).focus()
        if self.ctx.engine is None:
            self.say("正在打开数据库、载入事项目录……", error=False)

    def ready(self) -> None:
        """Called by the App once the database is open; a login asked for meanwhile goes ahead."""
        self.say("")
        if self._waiting:
            self._waiting = False
            self.submit()

    def say(self, message: str, *, error: bool = True) -> None:
        box = self.query_one("#login-message", Static)
        box.update(message)
        box.set_class(error and bool(message), "error")

    @on(Input.Submitted, "#staff-id")
    def next_field(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def submit(self) -> None:
        staff_id = self.query_one("#staff-id", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not staff_id or not password:
            self.say("请输入工号和密码。")
            return
        if self.ctx.engine is None:
            self._waiting = True
            self.say("正在打开数据库、载入事项目录，完成后自动登录……", error=False)
            return
        self.authenticate(staff_id, password)

    def authenticate(self, staff_id: str, password: str) -> None:
        from counterdesk.services.staff import authenticate

        self.run_service(lambda: self.ctx.call(authenticate, staff_id, password), self._succeeded,
                         refused=self._failed, group="login", exclusive=True)

    def _failed(self, error: CounterdeskError) -> None:
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        self.say(error.message)

    def _succeeded(self, actor: Actor) -> None:
        self.ctx.actor = actor
        self.app.logged_in()
