"""签收 in the back office: the batches other halls sent to this hall's county, signed for one by one.

Each line is a transfer batch in transit here (received elsewhere, handled in this county): the
sending hall, the waybill, how many applications and when it left. Enter on the batch whose
parcel has arrived asks once more, then signs for it (every application in it becomes 已签收) and
the list is read again. Which batches are listed and who may sign is ``services.transfer``'s to say.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from counterdesk.domain.clock import show
from counterdesk.domain.text import shown
from counterdesk.tui.screens.handover_base import HandOverScreen
from counterdesk.tui.widgets.keybar import KeyBar


def sender(batch) -> str:
    """The sending hall as people know it: its name and code, or the code alone."""
    return f"{batch.from_hall_name}（{batch.from_hall}）" if batch.from_hall_name else batch.from_hall


class SignForScreen(HandOverScreen):
    """Transfer batches on their way to this county, not yet signed for."""

    STEP_TITLE = "签收"
    MESSAGE = "#signfor-message"
    CHOSEN = "#signfor-chosen"
    EMPTY = "（没有待签收的流转批次）"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("enter", "sign", "签收", priority=True),
        Binding("f5", "reload", "刷新"),
    ]

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with Vertical(id="signfor", classes="handover"):
            yield Static("寄往本县区、待签收的流转批次（外地收件、本地办理）", classes="section-title")
            yield DataTable(id="signfor-batches", cursor_type="row", zebra_stripes=True)
            yield Static(classes="handover-empty")
            yield Static(id="signfor-chosen", classes="handover-hint")
            yield Static(id="signfor-message", classes="message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("流转批次", key="batch", width=20)
        table.add_column("寄出大厅", key="from", width=8)
        table.add_column("件数", key="count", width=4)
        table.add_column("快递运单号", key="waybill", width=16)
        table.add_column("寄出时间", key="at", width=11)
        table.focus()
        self.action_reload()

    def read_rows(self, session) -> list:
        from counterdesk.services.transfer import incoming

        return incoming(session)

    def row_key(self, row) -> str:
        return row.batch

    def cells(self, row) -> tuple:
        return (row.batch, row.from_hall, str(row.count), Text(shown(row.waybill or "—", markup=False)),
                show(row.dispatched_at, "%m-%d %H:%M"))

    def describe(self, batch) -> Text:
        text = Text()
        text.append(batch.batch, style="bold")
        text.append(f" 来自 {shown(sender(batch), markup=False)}\n{batch.count} 件 · "
                    f"运单 {shown(batch.waybill or '未填写', markup=False)} · 寄出于 {show(batch.dispatched_at)}"
                    " · 核对纸质材料后回车签收")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign":
            return (self.chosen() is not None and not self.busy) or None
        return True

    def action_sign(self) -> None:
        """Ask, then sign for the batch under the cursor."""
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        batch = self.chosen()
        if batch is None or self.busy:
            return
        body = Text(f"流转批次：{batch.batch}\n寄出大厅：{shown(sender(batch), markup=False)}\n"
                    f"件数：{batch.count} 件\n快递运单号：{shown(batch.waybill or '未填写', markup=False)}\n\n"
                    "核对纸质材料无误后签收：其中每个办件改为“已签收”，由本县区受理或不予受理。")

        def answered(yes: bool | None) -> None:
            if yes:
                self.start("正在签收……")
                self.sign(batch.batch)

        self.app.push_screen(ConfirmDialog("签收流转批次", body, yes="签收", no="返回"), answered)

    def sign(self, batch: str) -> None:
        from counterdesk.services.transfer import sign_for

        def sign() -> list[str]:
            with self.ctx.session() as session:
                return sign_for(session, actor=self.actor, batch=batch)

        self.run_service(sign, lambda numbers: self.signed(
            f"已签收流转批次 {batch}，共 {len(numbers)} 件，状态改为“已签收”。", False),
            refused=lambda error: self.signed(error.message, True), group="signfor-sign")

    def signed(self, message: str, error: bool) -> None:
        self.finished(message, error)
        self.action_reload()
