"""寄递 at the window: what this hall received for other counties (办理地), sent off one batch each.

The counties are listed with how many received applications wait for each. The clerk moves to
one with the arrow keys, types the courier's waybill if there is one and presses Enter; after a
yes every one of them is in transit (在途) in one transfer batch, and its 材料流转单 is saved in the
output folder to print and pack with the papers. What is sent, and what may be, is the service's
to say (``services.transfer``); this screen lays it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from counterdesk.domain.clock import show
from counterdesk.tui.screens.handover_base import HandOverScreen
from counterdesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from pathlib import Path

    from counterdesk.domain.errors import CounterdeskError

HINT = "↑↓ 选择办理地，填写快递运单号（可不填），回车寄出。"


class DispatchScreen(HandOverScreen):
    """The counties this hall holds received applications for, and the waybill of the next batch."""

    STEP_TITLE = "寄递"
    MESSAGE = "#dispatch-message"
    EMPTY = "（没有待寄递的已收件办件）"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("enter", "dispatch", "寄出", priority=True),
        Binding("ctrl+r", "save_sheet", "重存流转单", priority=True),
        Binding("f5", "reload", "刷新"),
        Binding("up", "row(-1)", "上一个办理地", show=False),
        Binding("down", "row(1)", "下一个办理地", show=False),
    ]

    def __init__(self, ctx=None) -> None:
        super().__init__(ctx)
        self.last_batch: str | None = None
        """The batch this screen dispatched last (its transfer sheet can be saved again)."""

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with Vertical(id="dispatch", classes="handover"):
            yield Static("本大厅已收件、待寄往办理地的办件", classes="section-title")
            yield DataTable(id="dispatch-counties", cursor_type="row", zebra_stripes=True)
            yield Static(classes="handover-empty")
            yield Static(HINT, classes="handover-hint")
            with Horizontal(classes="field-row"):
                yield Label("快递运单号", classes="field-label")
                yield Input(id="dispatch-waybill", placeholder="如 SF1234567890，可不填", max_length=40,
                            compact=True)
            yield Static(id="dispatch-waybill-msg", classes="handover-field-msg")
            yield Static(id="dispatch-message", classes="message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("办理地", key="county")
        table.add_column("区县代码", key="code", width=8)
        table.add_column("待寄件数", key="count", width=8)
        table.add_column("最早收件", key="oldest", width=11)
        self.query_one("#dispatch-waybill", Input).focus()
        self.action_reload()

    def read_rows(self, session) -> list:
        from counterdesk.services.transfer import waiting

        return waiting(session, catalog=self.catalog)

    def row_key(self, row) -> str:
        return row.county_code

    def cells(self, row) -> tuple:
        return Text(row.county_name), row.county_code, str(row.count), show(row.oldest, "%m-%d %H:%M")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dispatch":
            return (self.chosen() is not None and not self.busy) or None
        if action == "save_sheet":
            return (self.last_batch is not None and not self.busy) or None
        return True

    @on(Input.Changed, "#dispatch-waybill")
    def waybill_changed(self) -> None:
        self.query_one("#dispatch-waybill-msg", Static).update("")

    def action_dispatch(self) -> None:
        """Check the waybill's form, then ask before sending the county's applications off."""
        from counterdesk.domain.errors import InvalidInput
        from counterdesk.services.transfer import clean_waybill
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        county = self.chosen()
        if county is None or self.busy:
            return
        try:
            waybill = clean_waybill(self.query_one("#dispatch-waybill", Input).value)
        except InvalidInput as error:
            self.field_problem(error.message)
            return
        body = Text(f"办理地：{county.county_name}（{county.county_code}）\n待寄递办件：{county.count} 件\n快递运单号：")
        body.append(waybill or "（未填写）", style="bold" if waybill else "dim")
        body.append("\n\n编为一个流转批次寄出后，这些办件改为“在途”，并生成材料流转单。")

        def answered(yes: bool | None) -> None:
            if yes:
                self.start("正在寄出并生成材料流转单……")
                self.send(county.county_code, waybill)

        self.app.push_screen(ConfirmDialog(f"寄往{county.county_name}", body, yes="寄出", no="返回"), answered)

    def send(self, county_code: str, waybill: str | None) -> None:
        """寄递 through the service, then save the batch's transfer sheet."""
        from counterdesk.services.transfer import Dispatched, dispatch

        def send() -> Dispatched:
            with self.ctx.session() as session:
                return dispatch(session, actor=self.actor, catalog=self.catalog, to_county=county_code,
                                waybill=waybill)

        def sent(sent: Dispatched) -> None:
            self.dispatched(sent.batch)
            self.save(sent.batch, f"已编为流转批次 {sent.batch}，共 {sent.count} 件，状态改为“在途”。")

        self.run_service(send, sent, refused=self.refused, group="dispatch-send")

    def refused(self, error: CounterdeskError) -> None:
        """The service said no: under the field when it is the waybill's fault, else on the result line."""
        if error.field == "waybill":
            self.finished("", False)
            self.field_problem(error.message)
        else:
            self.finished(error.message, True)
        self.action_reload()

    def dispatched(self, batch: str) -> None:
        self.last_batch = batch
        self.query_one("#dispatch-waybill", Input).value = ""
        self.action_reload()

    def action_save_sheet(self) -> None:
        """Save the last batch's 材料流转单 again (after a full disk, or for a second copy)."""
        if self.last_batch is not None and not self.busy:
            self.start("正在生成材料流转单……")
            self.save(self.last_batch, f"流转批次 {self.last_batch}：")

    def save(self, batch: str, done: str) -> None:
        from counterdesk.services.transfer import save_sheet

        def saved() -> Path:
            with self.ctx.session() as session:
                return save_sheet(session, catalog=self.catalog, settings=self.ctx.settings, batch=batch)

        self.save_paper(saved, "材料流转单", done)

    def field_problem(self, message: str) -> None:
        """Why the waybill cannot be used, under the field; what was typed stays."""
        self.query_one("#dispatch-waybill-msg", Static).update(Text(message, style="bold red"))
        self.query_one("#dispatch-waybill", Input).focus()
