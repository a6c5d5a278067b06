"""已收件: the application number, large enough to read out across the counter, and the proof of receipt."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Static

from counterdesk.domain.errors import CounterdeskError
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.bignumber import BigNumber
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import leave


class SuccessScreen(WizardScreen):
    """The number, P/S for the 收件凭证, Enter for the next citizen."""

    STEP = "done"
    TITLE_TEXT = "已收件"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("p", "receipt(True)", "打印回执", key_display="P"),
        Binding("s", "receipt(False)", "保存回执", key_display="S"),
        Binding("enter,n", "next_citizen", "下一位群众", priority=True),
        Binding("f10", "home", "回首页", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        number = self.draft.number or ""
        matter = self.app.ctx.catalog.matters.get(self.draft.matter_code)
        yield from self.compose_header()
        with Vertical(id="success", classes="wizard-body"):
            yield Static(Text("✓ 材料已收件，待办理地受理", style="bold green"), id="success-title")
            yield Static("办件编号", classes="success-label")
            with Center():
                yield BigNumber(number, id="success-number")
            with Center():
                yield Static(Text(number, style="bold"), id="success-plain")
            yield Static(Text(matter.name if matter else "", justify="center"), id="success-matter")
            yield Static(_hints(), id="success-hints")
        yield KeyBar()

    def action_receipt(self, print_it: bool) -> None:
        self.notify("正在生成收件凭证……", timeout=2, markup=False)
        self.receipt(print_it)

    @work(thread=True, exclusive=True, group="success-receipt")
    def receipt(self, print_it: bool) -> None:
        from counterdesk.documents.pdf.receipt import render_receipt
        from counterdesk.services.papers import deliver, receipt_file_name, receipt_for

        ctx = self.app.ctx
        try:
            with ctx.session() as session:
                data = receipt_for(session, catalog=ctx.catalog, actor=ctx.actor,
                                   application_id=self.draft.application_id)
            message = deliver(ctx.settings, render_receipt(data), receipt_file_name(data), print_it=print_it)
        except CounterdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, message, title="收件凭证", timeout=8, markup=False)

    def action_next_citizen(self) -> None:
        leave(self.app)

    def action_home(self) -> None:
        leave(self.app)


def _hints() -> Text:
    text = Text(justify="center")
    for key, label in (("P", "打印收件凭证"), ("S", "保存收件凭证"), ("回车", "下一位群众")):
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {label}    ")
    return text
