"""告知承诺核查 (supervisors): the commitments that stood in for a certificate, checked afterwards.

Each line is a 告知承诺 still to check (事后核查) on an application under way or decided: its 核查期限,
the application, the applicant (masked) and the material the commitment replaced; one past its
期限 is red. The supervisor types what the check found and records 核查属实 (F2) or 核查不属实 (F3, a
note required) after a yes; the outcome is recorded once, audited, and the line leaves the list.
Which checks are open, and what may be recorded, is ``services.promises``'s to say, exactly as for
``counterdesk checks`` / ``counterdesk check``; this screen lays it out.
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
from counterdesk.domain.errors import Conflict, CounterdeskError, InvalidInput
from counterdesk.domain.promise import CHECK_OUTCOMES, NOTE_MAX, CheckOutcome, clean_check
from counterdesk.domain.text import shown
from counterdesk.tui.screens.handover_base import HandOverScreen
from counterdesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from counterdesk.services.promises import Check

OUTCOME_LABELS = {outcome: f"核查{label}" for outcome, label in CHECK_OUTCOMES.items()}
"""The two outcomes as the keys and the question name them."""
HINT = "↑↓ 选择，填写核查情况后按 F2 核查属实 或 F3 核查不属实（不属实须写明情况）。"


def material_label(check: Check) -> str:
    """城镇零就业家庭证明（M08）, or the bare code for a material the catalog no longer has."""
    return f"{check.material_name}（{check.material_code}）" if check.material_name else check.material_code


class ChecksScreen(HandOverScreen):
    """The 告知承诺 waiting for their check, and the note the next outcome is recorded with."""

    STEP_TITLE = "告知承诺核查"
    MESSAGE = "#checks-message"
    CHOSEN = "#checks-chosen"
    EMPTY = "（没有待核查的告知承诺）"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("f2", "record('true')", "核查属实", priority=True),
        Binding("f3", "record('false')", "核查不属实", priority=True),
        Binding("f5", "reload", "刷新"),
        Binding("up", "row(-1)", "上一项", show=False),
        Binding("down", "row(1)", "下一项", show=False),
    ]

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with Vertical(id="checks", classes="handover"):
            yield Static("待核查的告知承诺（以签字承诺代替证明材料，事后核查）", classes="section-title")
            yield DataTable(id="checks-table", cursor_type="row", zebra_stripes=True)
            yield Static(classes="handover-empty")
            yield Static(id="checks-chosen", classes="handover-hint")
            with Horizontal(classes="field-row"):
                yield Label("核查情况", classes="field-label")
                yield Input(id="checks-note", placeholder="如 社区核实属实；核查不属实时必填", max_length=NOTE_MAX,
                            compact=True)
            yield Static(id="checks-message", classes="message")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("核查期限", key="due", width=10)
        table.add_column("办件编号", key="number", width=32)
        table.add_column("申请人", key="applicant", width=6)
        table.add_column("材料", key="material", width=16)
        self.query_one("#checks-note", Input).focus()
        self.say(HINT)
        self.action_reload()

    def read_rows(self, session) -> list:
        from counterdesk.services.promises import checks

        return checks(session, actor=self.actor, catalog=self.catalog)

    def row_key(self, row) -> str:
        return str(row.id)

    def cells(self, row) -> tuple:
        due = Text(row.due_on.isoformat() if row.due_on else "—", style="bold white on red" if row.overdue else "")
        return (due, row.number, Text(shown(row.applicant_masked, markup=False)),
                Text(material_label(row), overflow="ellipsis", no_wrap=True))

    def describe(self, check) -> Text:
        text = Text()
        text.append(check.number, style="bold")
        text.append(f" · {shown(check.applicant_masked, markup=False)} · {material_label(check)}\n")
        text.append(f"承诺于 {show(check.promised_at)} · 核查期限 {check.due_on.isoformat() if check.due_on else '—'}")
        if check.overdue:
            text.append(" · 已逾期", style="bold red")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record":
            return (self.chosen() is not None and not self.busy) or None
        return True

    @on(Input.Changed, "#checks-note")
    def note_changed(self) -> None:
        if self.query_one(self.MESSAGE, Static).has_class("error"):
            self.say(HINT)

    def action_record(self, outcome: str) -> None:
        """Refuse a note the outcome may not go with at once; else ask, then record the outcome."""
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        check = self.chosen()
        if check is None or self.busy:
            return
        try:
            note = clean_check(outcome, self.query_one("#checks-note", Input).value)
        except InvalidInput as error:
            self.say(error.message, error=True)
            self.query_one("#checks-note", Input).focus()
            return
        label = OUTCOME_LABELS[CheckOutcome(outcome)]
        body = Text(f"办件编号：{check.number}\n申请人：{shown(check.applicant_masked, markup=False)}\n"
                    f"承诺代替的材料：{material_label(check)}\n核查结果：")
        body.append(label, style="bold red" if outcome == CheckOutcome.FALSE else "bold green")
        body.append(f"\n核查情况：{shown(note or '（未填写）', markup=False)}\n\n核查结果记入审计日志，记录后不能更改。")

        def answered(yes: bool | None) -> None:
            if yes:
                self.start("正在记录核查结果……")
                self.record(check, outcome, note)

        self.app.push_screen(ConfirmDialog(f"记录{label}", body, yes="记录", no="返回"), answered)

    def record(self, check: Check, outcome: str, note: str | None) -> None:
        """Record the outcome through the service, as ``counterdesk check`` does."""
        from counterdesk.services.promises import record_check

        label = OUTCOME_LABELS[CheckOutcome(outcome)]

        def recorded(done: Check) -> None:
            self.query_one("#checks-note", Input).value = ""
            self.finished(f"已记录：办件 {done.number} 的告知承诺（{material_label(done)}）{label}。", False)
            self.action_reload()

        def refused(error: CounterdeskError) -> None:
            self.finished(error.message, True)
            if isinstance(error, Conflict):
                self.action_reload()

        self.run_service(lambda: self.ctx.call(record_check, actor=self.actor, check_id=check.id, outcome=outcome,
                                               note=note, catalog=self.catalog),
                         recorded, refused=refused, group="checks-record", exclusive=True)
