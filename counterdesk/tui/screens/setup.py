"""First start (首次启动): name the hall, choose its county, create the first supervisor account."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from counterdesk.services.hall import DEFAULT_HALL_NAME, DEFAULT_SITE, Hall
from counterdesk.services.staff import Actor
from counterdesk.tui.base import CounterScreen
from counterdesk.tui.widgets.header import DeskHeader
from counterdesk.tui.widgets.keybar import KeyBar


class SetupScreen(CounterScreen[None]):
    """Shown once, on a database with no accounts."""

    BINDINGS = [("ctrl+s", "save", "保存")]

    def compose(self) -> ComposeResult:
        catalog = self.catalog
        cities = [(f"{c.name}", c.code) for c in catalog.cities]
        yield DeskHeader(id="header")
        with VerticalScroll(id="setup-box", classes="dialog wide"):
            yield Static("首次启动：设置本大厅并创建第一个值班长账号", classes="dialog-title")
            yield Label("大厅名称")
            yield Input(DEFAULT_HALL_NAME, id="hall-name")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("所在市州")
                    yield Select(cities, id="city", prompt="请选择市州")
                with Vertical():
                    yield Label("所在县市区")
                    yield Select([], id="county", prompt="请先选择市州")
            yield Label("大厅代码（全省唯一：县级区划代码加 2 位站点号，同一县市区的第二个大厅用 02）")
            yield Input(id="hall-code", placeholder="选择县市区后自动填写，如 43062601", max_length=8)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("值班长工号")
                    yield Input(id="staff-id", placeholder="如 sup01")
                with Vertical():
                    yield Label("姓名")
                    yield Input(id="staff-name")
                with Vertical():
                    yield Label("窗口号（可空）")
                    yield Input(id="window", type="integer")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("密码（至少 8 位）")
                    yield Input(id="password", password=True)
                with Vertical():
                    yield Label("再次输入密码")
                    yield Input(id="password2", password=True)
            yield Static("", id="setup-message", classes="message error")
            yield Button("保存并登录 (Ctrl+S)", id="save", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.step = "首次启动"
        self.query_one("#hall-name", Input).focus()

    @on(Select.Changed, "#city")
    def city_chosen(self, event: Select.Changed) -> None:
        county = self.query_one("#county", Select)
        city = next((c for c in self.catalog.cities if c.code == event.value), None)
        county.set_options([(r.name, r.code) for r in city.places] if city else [])

    @on(Select.Changed, "#county")
    def county_chosen(self, event: Select.Changed) -> None:
        """Offer the county's site 01; a code already typed for this county is kept."""
        code = self.query_one("#hall-code", Input)
        if isinstance(event.value, str) and code.value[:6] != event.value:
            code.value = f"{event.value}{DEFAULT_SITE}"

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        value = lambda key: self.query_one(f"#{key}", Input).value  # noqa: E731
        county = self.query_one("#county", Select).value
        message = self.query_one("#setup-message", Static)
        if county is Select.BLANK:
            message.update("请选择本大厅所在的县市区。")
            return
        if value("password") != value("password2"):
            message.update("两次输入的密码不一致。")
            return
        window = int(value("window")) if value("window").strip() else None
        self.save(value("hall-name"), str(county), value("hall-code").strip(), value("staff-id"), value("staff-name"),
                  window, value("password"))

    def save(self, hall_name: str, county: str, hall_code: str, staff_id: str, name: str, window: int | None,
             password: str) -> None:
        from counterdesk.services.hall import check_hall_code, set_hall
        from counterdesk.services.staff import add_staff, authenticate

        def create() -> tuple[Hall, Actor]:
            if hall_code:  # checked before the account is made, so a typo can be corrected here
                check_hall_code(hall_code, county, self.catalog)
            with self.ctx.session() as session:
                add_staff(session, actor=None, staff_id=staff_id, name=name, role="supervisor",
                          password=password, window=window)
                hall = set_hall(session, actor_id=staff_id.strip(), name=hall_name, county_code=county,
                                catalog=self.catalog, hall_code=hall_code or None)
                return hall, authenticate(session, staff_id, password)

        def created(made: tuple[Hall, Actor]) -> None:
            self.ctx.hall, self.ctx.actor = made
            self.app.logged_in()

        self.run_service(create, created, refused=lambda error: self.query_one("#setup-message", Static).update(
            error.message), group="setup", exclusive=True)
