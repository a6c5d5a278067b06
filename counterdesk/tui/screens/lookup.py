"""办件查询 (for anyone at a window): by application number or the applicant's ID number.

A mistyped number is named as such (the check character does not match) rather than reported as
"not found", so the clerk asks the citizen to read it again. Results are masked.

An application received with a material owed (容缺待补) is where the citizen comes back with it:
F6 picks the owed material (when more than one is), then the scan from the inbox, and attaches it
through the same service as ``counterdesk supply``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from counterdesk.domain.appno import EXAMPLE_NUMBER
from counterdesk.domain.clock import show
from counterdesk.domain.text import shown
from counterdesk.tui.screens.supervisor_base import DeskScreen
from counterdesk.tui.widgets.inboxline import inbox_line
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.timeline import owed_text, status_text, timeline_text

if TYPE_CHECKING:
    from pathlib import Path

    from counterdesk.documents.inbox import InboxEntry
    from counterdesk.services.queue import Progress


class LookupScreen(DeskScreen):
    """Type a number, press Enter, read the status and its history."""

    STEP_TITLE = "办件查询"
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("ctrl+f", "focus_query", "重新输入", priority=True),
        Binding("ctrl+o", "open", "打开详情", priority=True),
        Binding("f6", "supply", "补交容缺", priority=True),
    ]

    def __init__(self, ctx=None, *, text: str = "") -> None:
        super().__init__(ctx)
        self.initial = text
        """A number to look up at once (e.g. handed over from another screen)."""
        self.found: list[Progress] = []
        """The results on screen."""

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        with VerticalScroll(id="lookup"):
            yield Static(f"请输入办件编号（如 {EXAMPLE_NUMBER}）或申请人证件号码，回车查询。",
                         classes="section-title")
            yield Input(self.initial, id="lookup-query", placeholder="办件编号或证件号码", max_length=40)
            yield Static(id="lookup-message", classes="message")
            yield Static(id="lookup-results")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#lookup-query", Input).focus()
        if self.initial:
            self.search(self.initial)

    @on(Input.Submitted, "#lookup-query")
    def submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        from counterdesk.services.queue import lookup, staff_names

        def find() -> tuple[list[Progress], dict[str, str]]:
            with self.ctx.session() as session:
                return lookup(session, actor=self.actor, text=text, catalog=self.catalog), staff_names(session)

        self.run_service(find, lambda found: self.show_results(*found, ""),
                         refused=lambda error: self.show_results([], {}, error.message), group="lookup", exclusive=True)

    def show_results(self, found: list[Progress], names: dict[str, str], problem: str) -> None:
        """The applications found, each with its timeline; or why there are none."""
        self.found = found
        message = self.query_one("#lookup-message", Static)
        message.set_class(bool(problem), "error")
        message.update(Text(shown(problem, markup=False)) if problem else Text(f"找到 {len(found)} 件。", style="dim"))
        blocks = []
        for item in found:
            head = Text()
            head.append(item.number, style="bold")
            head.append("  ")
            head.append_text(status_text(item.status))
            if item.owed.codes:
                head.append(" ")
                head.append_text(owed_text(item.owed))
            head.append(f"\n{item.matter_name or item.matter_code} · {item.county_name or item.county_code}"
                        f" · 申请人 {shown(item.applicant_masked, markup=False)} · 提交于 {show(item.submitted_at)}\n",
                        style="dim")
            blocks += [head, timeline_text(item.events, names), Text("")]
        self.query_one("#lookup-results", Static).update(Group(*blocks))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            return len(self.found) == 1
        if action == "supply":
            return len(self.found) == 1 and bool(self.found[0].owed.codes)
        return True

    def action_focus_query(self) -> None:
        field = self.query_one("#lookup-query", Input)
        field.value = ""
        field.focus()

    def action_open(self) -> None:
        """The detail of the one application found (masked unless it is this window's)."""
        from counterdesk.tui.screens.detail import DetailScreen

        if len(self.found) == 1:
            self.app.push_screen(DetailScreen(self.found[0].number, self._ctx))

    def action_supply(self) -> None:
        """补交: the owed material (asked when more than one is owed), then its scan from the inbox."""
        from counterdesk.tui.dialogs.pick import PickDialog

        if len(self.found) != 1 or not self.found[0].owed.codes:
            return
        item = self.found[0]
        codes = list(item.owed.codes)
        known = self.catalog.material_names(item.matter_code)
        labels = [f"{known[code]}（{code}）" if code in known else code for code in codes]
        if len(codes) == 1:
            self._pick_scan(item, codes[0], labels[0])
            return
        self.app.push_screen(PickDialog(f"办件 {item.number} 补交哪一项容缺材料？", labels),
                             lambda index: None if index is None else self._pick_scan(item, codes[index], labels[index]))

    def _pick_scan(self, item: Progress, code: str, label: str) -> None:
        from counterdesk.services.attachments import inbox

        self.run_service(lambda: inbox(self.ctx.settings),
                         lambda entries: self._choose_scan(item, code, label, entries), group="supply")

    def _choose_scan(self, item: Progress, code: str, label: str, entries: list[InboxEntry]) -> None:
        from counterdesk.tui.dialogs.pick import PickDialog

        usable = [entry for entry in entries if entry.accepted]
        self.app.push_screen(
            PickDialog(f"补交 {label}：选择扫描件（新→旧）", [inbox_line(e) for e in usable],
                       empty=f"（收件箱中没有可用的扫描件，请扫描材料到 {self.ctx.settings.scans_dir}）"),
            lambda index: None if index is None else self._supply(item.number, code, usable[index].path))

    def _supply(self, number: str, code: str, path: Path) -> None:
        from counterdesk.services.attachments import supply_owed

        def supply() -> str:
            with self.ctx.session() as session:
                attachment = supply_owed(session, actor=self.actor, settings=self.ctx.settings, catalog=self.catalog,
                                         number_or_id=number, material_code=code, path=path)
                return attachment.original_name

        def supplied(name: str) -> None:
            self.notify(f"已补交：{shown(name, markup=False)}（{code}）。", title=number, markup=False)
            self.search(number)

        self.run_service(supply, supplied, refused=lambda error: self.show_problem(error.message), group="supply")

    def show_problem(self, message: str) -> None:
        """A refusal under the query, the results left as they are."""
        line = self.query_one("#lookup-message", Static)
        line.set_class(True, "error")
        line.update(Text(shown(message, markup=False)))
