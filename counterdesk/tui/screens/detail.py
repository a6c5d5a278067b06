"""办件详情: one application with all its data, attachments and history, and keys for its moves.

What is shown in full or masked is decided by ``services.detail`` (and audited there); this screen
only lays it out. Everything typed by people is shown as text, never as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from counterdesk.domain import text as untrusted
from counterdesk.domain.applicant import LABELS, SEXES
from counterdesk.domain.clock import show
from counterdesk.domain.pickup import COURIER_LABELS
from counterdesk.domain.windows import window_label
from counterdesk.tui.screens.supervisor_base import MOVE_BINDINGS, MoveTarget, MovingScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.moves import MovesBar
from counterdesk.tui.widgets.timeline import (
    PRECHECK_STYLES,
    item_status_text,
    owed_text,
    staff_label,
    status_text,
    timeline_text,
)

if TYPE_CHECKING:
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.services.detail import ApplicationDetail
    from counterdesk.services.items import ItemChange
    from counterdesk.services.papers import Delivered
    from counterdesk.services.promises import PromiseView

def _pairs(rows: list[tuple[str, str]]) -> Table:
    """Label and value in two columns, values shown literally and folded onto more lines, never cut.

    (A table column cuts a word too long for it with …, and a Chinese address is one long word.)
    """
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(label, Text(untrusted.shown(value, markup=False, newlines=True) or "—"))
    return table


PROMISE_STYLES = {"owed": "bold yellow", "overdue": "bold red", "supplied": "green", "to_check": "bold yellow",
                  "true": "green", "false": "bold red", "void": "dim", "marked": "dim"}
"""The colour of each promise state (``domain.promise.PromiseState``)."""


def promises_text(promises: list[PromiseView]) -> Text:
    """One line per material promised instead of handed in: what, which promise, until when, where it stands."""
    text = Text()
    for promise in promises:
        if text:
            text.append("\n")
        text.append(f"{promise.material_name or promise.material_code}（{promise.material_code}）", style="bold")
        text.append(f"  {promise.kind_label}")
        if promise.due_on is not None:
            text.append(f" · {promise.due_label} {promise.due_on.isoformat()}", style="dim")
        text.append(" · ")
        text.append(promise.state_label, style=PROMISE_STYLES.get(promise.state, ""))
        if promise.note:
            text.append(f"：{untrusted.shown(promise.note, markup=False)}")
    return text


class DetailScreen(MovingScreen):
    """All of one application; Esc goes back to the queue or the lookup."""

    STEP_TITLE = "办件详情"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("f5", "reload", "刷新"),
        Binding("k", "packet", "汇编材料"),
        Binding("x", "items", "事项进度"),
        *MOVE_BINDINGS,
    ]

    def __init__(self, number_or_id: int | str, ctx=None) -> None:
        super().__init__(ctx)
        self.number_or_id = number_or_id
        """The application to show: its number, or its id while still a draft."""
        self.shown: ApplicationDetail | None = None
        """The application on screen."""

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with VerticalScroll(id="detail"):
            yield Static(id="detail-summary", classes="detail-part")
            yield Static(id="detail-people", classes="detail-part")
            yield Static("包含事项", classes="section-title", id="detail-items-title")
            yield Static(id="detail-items", classes="detail-part")
            yield Static("办事情形", classes="section-title")
            yield Static(id="detail-situation", classes="detail-part")
            yield Static("申请材料", classes="section-title")
            yield Static(id="detail-attachments", classes="detail-part")
            yield Static("容缺与告知承诺", classes="section-title detail-promises")
            yield Static(id="detail-promises", classes="detail-part detail-promises")
            yield Static("办理记录", classes="section-title")
            yield Static(id="detail-history", classes="detail-part")
        yield MovesBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#detail").focus()
        self.action_reload()

    def action_reload(self) -> None:
        """Read the application again."""
        self.load()

    def load(self) -> None:
        from counterdesk.services.detail import detail

        def refused(error: CounterdeskError) -> None:
            self.notify(error.message, severity="error", markup=False)
            self.action_back()

        self.run_service(lambda: self.ctx.call(detail, actor=self.actor, number_or_id=self.number_or_id,
                                               catalog=self.catalog),
                         self.show_detail, refused=refused, group="detail-load", exclusive=True)

    def show_detail(self, shown: ApplicationDetail) -> None:
        """Lay the application out."""
        self.shown = shown
        self.query_one("#detail-summary", Static).update(self._summary(shown))
        self.query_one("#detail-people", Static).update(self._people(shown))
        self.query_one("#detail-items-title").display = self.query_one("#detail-items").display = bool(shown.items)
        self.query_one("#detail-items", Static).update(self._items(shown))
        self.query_one("#detail-situation", Static).update(self._situation(shown))
        self.query_one("#detail-attachments", Static).update(self._attachments(shown))
        self.query_one("#detail-promises", Static).update(promises_text(shown.promises))
        for part in self.query(".detail-promises"):
            part.display = bool(shown.promises)
        self.query_one("#detail-history", Static).update(timeline_text(shown.events, shown.staff))
        self.refresh_bindings()
        self.refresh_moves()

    def _summary(self, shown: ApplicationDetail) -> Text:
        text = Text()
        text.append(shown.number or "（草稿，尚无办件编号）", style="bold")
        text.append("  ")
        text.append_text(status_text(shown.status))
        if shown.owed.codes:
            text.append(" ")
            text.append_text(owed_text(shown.owed))
        if not shown.full:
            text.append("  其他窗口的办件，个人信息已脱敏", style="dim italic")
        text.append("\n")
        text.append(f"{shown.matter_name or shown.matter_code}（{shown.matter_code}）")
        text.append(f" · {shown.county_name or shown.county_code}")
        text.append(f"\n{window_label(shown.window)} · 经办人 {staff_label(shown.clerk, shown.staff)} · 提交于 {show(shown.submitted_at)}",
                    style="dim")
        return text

    def _people(self, shown: ApplicationDetail) -> Table:
        grid = Table.grid(padding=(0, 4))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        left: list[tuple[str, str]] = []
        person = shown.applicant
        if person is not None:
            left += [("申请人", person.name), ("证件类型", person.id_type_label), ("证件号码", person.id_number),
                     ("性别", SEXES.get(person.sex, person.sex)), ("手机号码", person.mobile),
                     ("电子邮箱", person.email), ("户籍地址", person.household_address),
                     ("居住地址", person.residence_address)]
            if person.legal_representative:
                left.append(("法定代表人", person.legal_representative))
        right: list[tuple[str, str]] = []
        if shown.agent is not None:
            right += [("经办人", shown.agent.name), ("经办人证件", shown.agent.id_number),
                      (LABELS["agent_phone"], shown.agent.mobile)]
        if shown.pickup is not None:
            right.append(("取件方式", shown.pickup.method_label))
            if shown.pickup.method == "courier":
                right += [(COURIER_LABELS["recipient"], shown.pickup.recipient),
                          (COURIER_LABELS["phone"], shown.pickup.phone), (COURIER_LABELS["address"], shown.pickup.address)]
        right += [("叫号单号", shown.ticket_no or ""), ("备注", shown.remark)]
        grid.add_row(_pairs(left), _pairs(right))
        return grid

    def _attachments(self, shown: ApplicationDetail) -> Table | Text:
        """One row per attached file; long names fold onto more lines rather than leave the screen."""
        if not shown.attachments:
            return Text("（尚未上传材料）", style="dim")
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), pad_edge=False, header_style="bold",
                      expand=True)
        table.add_column("材料", ratio=3, overflow="fold")
        table.add_column("文件", ratio=3, overflow="fold")
        table.add_column("页数", justify="right", no_wrap=True)
        table.add_column("来源", no_wrap=True)
        table.add_column("预审", ratio=2, overflow="fold")
        for a in shown.attachments:
            reason = f"：{a.precheck_reason}" if a.precheck_reason else ""
            table.add_row(Text(a.material_name), Text(untrusted.shown(a.original_name, markup=False)), str(a.pages),
                          a.source_label, Text(untrusted.shown(a.precheck_label + reason, markup=False),
                                               style=PRECHECK_STYLES.get(a.precheck, "")))
        return table

    def _items(self, shown: ApplicationDetail) -> Table:
        """包含事项: one row per item with its department, status and the day it was last set."""
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), pad_edge=False, header_style="bold",
                      expand=True)
        table.add_column("序号", justify="right", no_wrap=True)
        table.add_column("事项", ratio=3, overflow="fold")
        table.add_column("办理部门", ratio=3, overflow="fold")
        table.add_column("状态", no_wrap=True)
        table.add_column("日期", no_wrap=True)
        for item in shown.items:
            table.add_row(str(item.number), Text(untrusted.shown(item.name, markup=False)),
                          Text(untrusted.shown(item.department, markup=False)), item_status_text(item.status),
                          show(item.changed_at, "%m-%d") or "—")
        return table

    def _situation(self, shown: ApplicationDetail) -> Text:
        text = Text()
        for question, answer in shown.situation:
            if text:
                text.append("\n")
            text.append(question, style="dim")
            text.append("  ")
            text.append(answer)
        return text or Text("（无需回答情形问题）", style="dim")

    def move_target(self) -> MoveTarget | None:
        shown = self.shown
        if shown is None:
            return None
        return MoveTarget(shown.id, shown.number or "", shown.status, shown.version, shown.matter_code,
                          tuple(shown.moves))

    def moved(self) -> None:
        self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "packet":
            return self.shown is not None and self.shown.full and self.shown.number is not None
        if action == "items":
            return self.shown is not None and self.shown.items_editable
        return super().check_action(action, parameters)

    def action_items(self) -> None:
        """Set the status of one included item (包含事项) in a dialog; the screen reads the result again."""
        from counterdesk.tui.dialogs.item import ItemDialog

        shown = self.shown
        if shown is None or not self.check_action("items", ()):
            return

        def closed(change: ItemChange | None) -> None:
            if change is not None:
                self.notify(f"事项 {change.item.number}“{change.item.name}”已改为“{change.item.status_label}”。",
                            markup=False)
            self.action_reload()

        self.app.push_screen(ItemDialog(shown.id, shown.number or "", shown.version, shown.items), closed)

    def action_packet(self) -> None:
        """Build the packet (申请材料汇编) of every attached file, saved to the output folder."""
        if self.check_action("packet", ()):
            self.notify("正在汇编申请材料……", markup=False)
            self.build_packet()

    def build_packet(self) -> None:
        from counterdesk.services.detail import save_packet
        from counterdesk.tui.papers import warn_of_blanks

        if self.shown is None:
            return
        application_id = self.shown.id

        def built(delivered: Delivered) -> None:
            self.notify(delivered.message, markup=False)
            warn_of_blanks(self, delivered.warning)

        self.run_service(lambda: self.ctx.call(save_packet, actor=self.actor, catalog=self.catalog,
                                               settings=self.ctx.settings, number_or_id=application_id),
                         built, group="detail-packet", exclusive=True)
