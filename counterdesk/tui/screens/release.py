"""出件: a ready result handed to its collector at the window, or to a courier, with a 领取签收单.

The clerk types the application number (read as the lookup reads it: dashes, spaces, a lower-case
x are fine) and sees its status; only a result waiting for collection (待领取) goes out. At the
window the collector's ID number is typed and ``services.release`` checks it against the
applicant and the registered agent (who also needs the power of attorney); by courier, the
waybill. After a yes the release is recorded and the slip saved in the output folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static

from counterdesk.domain.appno import EXAMPLE_NUMBER
from counterdesk.domain.pickup import PICKUP_METHODS
from counterdesk.domain.text import shown
from counterdesk.tui.screens.handover_base import HandOverScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.timeline import status_text

if TYPE_CHECKING:
    from counterdesk.documents.pdf.release_slip import ReleaseSlipData
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.services.release import ToRelease

MANNERS = {"onsite": "窗口领取", "courier": "快递寄送"}
"""How the result leaves: the collector takes it at the window, or a courier does."""


class ReleaseScreen(HandOverScreen):
    """Type a number, choose how the result leaves, confirm."""

    STEP_TITLE = "出件"
    MESSAGE = "#release-message"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+f", "focus_number", "重新输入", priority=True),
        Binding("f2", "manner('onsite')", "窗口领取"),
        Binding("f3", "manner('courier')", "快递寄送"),
        Binding("f4", "power_of_attorney", "委托书", show=False),
        Binding("ctrl+s", "release", "出件", priority=True),
        Binding("ctrl+r", "save_slip", "重存签收单", priority=True),
    ]

    def __init__(self, ctx=None, *, number: str = "") -> None:
        super().__init__(ctx)
        self.initial = number
        """A number to read at once (handed over from another screen)."""
        self.found: ToRelease | None = None
        """The application on screen."""
        self.manner = "onsite"
        """``onsite`` or ``courier``."""
        self.slip: ReleaseSlipData | None = None
        """The slip of the last release made here (saved again with Ctrl+R)."""

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with VerticalScroll(id="release", classes="handover"):
            with Horizontal(classes="field-row"):
                yield Label("办件编号", classes="field-label")
                yield Input(self.initial, id="release-number", placeholder=f"如 {EXAMPLE_NUMBER}",
                            max_length=40, compact=True)
            yield Static(id="release-found", classes="handover-found")
            yield Static(id="release-manner", classes="handover-hint")
            with Horizontal(id="row-collector", classes="field-row"):
                yield Label("领取人证件号码", classes="field-label")
                yield Input(id="release-collector", placeholder="申请人或登记的经办人", max_length=40,
                            compact=True)
            with Horizontal(id="row-waybill", classes="field-row"):
                yield Label("快递运单号", classes="field-label")
                yield Input(id="release-waybill", placeholder="如 SF7788990011", max_length=40, compact=True)
            yield Static(id="release-field-msg", classes="handover-field-msg")
            yield Checkbox("经办人代领，已核验申请人签署的授权委托书（F4）", id="release-poa", compact=True)
            yield Static(id="release-message", classes="message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#release-number", Input).focus()
        self.show_found()
        if self.initial:
            self.read(self.initial)

    @on(Input.Submitted, "#release-number")
    def number_submitted(self, event: Input.Submitted) -> None:
        self.read(event.value)

    @on(Input.Submitted, "#release-collector, #release-waybill")
    def hand_over_submitted(self) -> None:
        self.action_release()

    @on(Input.Changed, "#release-collector, #release-waybill")
    def hand_over_changed(self) -> None:
        self.query_one("#release-field-msg", Static).update("")

    def read(self, number: str) -> None:
        from counterdesk.services.release import to_release

        def read() -> ToRelease:
            with self.ctx.session() as session:
                return to_release(session, actor=self.actor, catalog=self.catalog, number=number)

        self.run_service(read, self.show_found, refused=lambda error: self.show_found(None, error.message),
                         group="release-read", exclusive=True)

    def show_found(self, found=None, problem: str = "") -> None:
        """The application read (or why none), and the hand-over form when it may go out."""
        fresh = found is not None and (self.found is None or self.found.number != found.number)
        self.found = found
        summary = self.query_one("#release-found", Static)
        if found is None:
            summary.set_class(bool(problem), "error")
            summary.update(Text(shown(problem, markup=False)) if problem else
                           Text("（输入待领取办件的编号，回车查看）", style="dim"))
        else:
            summary.set_class(False, "error")
            summary.update(self._summary(found))
        if fresh:
            self.clear_hand_over()
            self.manner = found.pickup if found.pickup in MANNERS else "onsite"
        self.show_manner()
        if fresh and found.problem is None:
            self.query_one("#release-waybill" if self.manner == "courier" else "#release-collector", Input).focus()

    def _summary(self, found) -> Text:
        text = Text()
        text.append(found.number, style="bold")
        text.append("  ")
        text.append_text(status_text(found.status))
        text.append(f"\n{found.matter_name}\n申请人 {shown(found.applicant_masked, markup=False)}", style="dim")
        if found.agent_masked:
            text.append(f" · 经办人 {shown(found.agent_masked, markup=False)}", style="dim")
        if found.pickup:
            text.append(f" · 申请时选择{PICKUP_METHODS.get(found.pickup, found.pickup)}", style="dim")
        if found.problem:
            text.append("\n")
            text.append(found.problem, style="bold yellow")
        return text

    def releasable(self) -> bool:
        return self.found is not None and self.found.problem is None and not self.busy

    def show_manner(self) -> None:
        """Show the fields of the chosen manner only, and only for an application that may go out."""
        open_ = self.found is not None and self.found.problem is None
        line = Text()
        if open_:
            line.append("出件方式：")
            for manner, label in MANNERS.items():
                key = "F2" if manner == "onsite" else "F3"
                line.append(f" {label} ", style="bold reverse" if manner == self.manner else "dim")
                line.append(f"（{key}）  ", style="dim")
        self.query_one("#release-manner", Static).update(line)
        self.query_one("#row-collector").display = open_ and self.manner == "onsite"
        self.query_one("#release-poa").display = open_ and self.manner == "onsite"
        self.query_one("#row-waybill").display = open_ and self.manner == "courier"
        focused = self.focused
        if focused is not None and not (focused.display and (focused.parent is None or focused.parent.display)):
            self.query_one("#release-number", Input).focus()  # never type into a hidden field
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("manner", "release", "power_of_attorney"):
            return self.releasable() or None
        if action == "save_slip":
            return (self.slip is not None and not self.busy) or None
        return True

    def action_focus_number(self) -> None:
        field = self.query_one("#release-number", Input)
        field.value = ""
        field.focus()

    def action_manner(self, manner: str) -> None:
        if self.releasable() and manner in MANNERS:
            self.manner = manner
            self.query_one("#release-field-msg", Static).update("")
            self.show_manner()
            self.query_one("#release-waybill" if manner == "courier" else "#release-collector", Input).focus()

    def action_power_of_attorney(self) -> None:
        self.query_one("#release-poa", Checkbox).toggle()

    def action_release(self) -> None:
        """Check the waybill's form, then ask before the result goes out."""
        from counterdesk.domain.errors import InvalidInput
        from counterdesk.services.transfer import clean_waybill
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        found, courier = self.found, self.manner == "courier"
        if found is None or not self.releasable():
            return
        collector = self.query_one("#release-collector", Input).value.strip()
        power = self.query_one("#release-poa", Checkbox).value
        try:
            waybill = clean_waybill(self.query_one("#release-waybill", Input).value) if courier else None
        except InvalidInput as error:
            self.field_problem(error.message)
            return
        body = Text(f"办件编号：{found.number}\n事项：{found.matter_name}\n"
                    f"申请人：{shown(found.applicant_masked, markup=False)}\n")
        if courier:
            body.append(f"出件方式：快递寄送\n快递运单号：{waybill or '（未填写）'}")
        else:
            body.append(f"出件方式：窗口领取\n领取人证件号码：{shown(collector, markup=False) or '（未填写）'}")
            if power:
                body.append("\n经办人代领：已核验授权委托书")
        body.append("\n\n出件后办件改为“已出件”，并生成领取签收单。")

        def answered(yes: bool | None) -> None:
            if yes:
                self.start("正在出件并生成领取签收单……")
                self.show_manner()
                self.release(found.number, None if courier else collector, power and not courier, courier, waybill)

        self.app.push_screen(ConfirmDialog("出件", body, yes="出件", no="返回"), answered)

    def release(self, number: str, collector: str | None, power: bool, courier: bool, waybill: str | None) -> None:
        """出件 through the service, then save the slip."""
        from counterdesk.services.release import Released, release

        def release_it() -> Released:
            with self.ctx.session() as session:
                return release(session, actor=self.actor, catalog=self.catalog, number=number, collector_id=collector,
                               power_of_attorney=power, courier=courier, waybill=waybill)

        def released(done: Released) -> None:
            self.slip = done.slip
            self.save(done.slip, f"办件 {done.move.number} 已出件（{done.slip.manner}）。")
            self.read(number)

        self.run_service(release_it, released, refused=self.refused, group="release-make")

    def refused(self, error: CounterdeskError) -> None:
        """The service said no: under the field at fault, else on the result line."""
        if error.field in ("collector", "waybill") or error.code == "release_manner":
            super().finished("", False)
            self.field_problem(error.message)
        else:
            super().finished(error.message, True)
        self.show_manner()

    def action_save_slip(self) -> None:
        """Save the last slip again (after a full disk, or for a second copy)."""
        if self.slip is not None and not self.busy:
            self.start("正在生成领取签收单……")
            self.save(self.slip, f"办件 {self.slip.application_number}：")

    def save(self, slip, done: str) -> None:
        from counterdesk.services.release import save_slip

        self.save_paper(lambda: save_slip(self.ctx.settings, slip), "领取签收单", done)

    def finished(self, message: str, error: bool) -> None:
        """A release (or a slip saved again) is over: the collector's data leaves the screen."""
        self.clear_hand_over()
        super().finished(message, error)
        self.show_manner()

    def clear_hand_over(self) -> None:
        """Empty the collector's ID, the waybill and the power-of-attorney tick, and what was said of them."""
        for field in ("#release-collector", "#release-waybill"):
            self.query_one(field, Input).value = ""
        self.query_one("#release-poa", Checkbox).value = False
        self.query_one("#release-field-msg", Static).update("")

    def field_problem(self, message: str) -> None:
        """Why the collector or waybill cannot be used, under the field; what was typed stays."""
        self.query_one("#release-field-msg", Static).update(Text(message, style="bold red"))
        self.query_one("#release-waybill" if self.manner == "courier" else "#release-collector", Input).focus()
