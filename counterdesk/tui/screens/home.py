"""Home (首页): new application, resume a draft of this window, progress lookup, the queue.

A supervisor's home also says what falls due: applications due today or overdue, 差评 cases whose
整改 is overdue, which C lists (Enter on one opens its application), and the 告知承诺 waiting for
their check, which H opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain.clock import show
from counterdesk.domain.text import shown
from counterdesk.tui.base import CounterScreen
from counterdesk.tui.widgets.header import DeskHeader
from counterdesk.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from counterdesk.services.applications import DraftSummary


class HomeScreen(CounterScreen[None]):
    """What the clerk sees between citizens."""

    BINDINGS = [
        Binding("n", "new", "新建办件"),
        Binding("r", "resume", "继续草稿"),
        Binding("d", "discard", "作废草稿"),
        Binding("l", "lookup", "办件查询"),
        Binding("q", "queue", "今日队列"),
        Binding("c", "cases", "逾期差评"),
        Binding("h", "checks", "告知承诺核查", show=False),
        # The hand-over keys are listed in the menu; the key bar at 80 columns has no room left for them.
        Binding("j", "open('dispatch')", "寄递", show=False),
        Binding("s", "open('signfor')", "签收", show=False),
        Binding("t", "open('release')", "出件", show=False),
        Binding("o", "logout", "退出登录"),
    ]

    def compose(self) -> ComposeResult:
        yield DeskHeader(id="header")
        with Horizontal(id="home"):
            with Vertical(id="home-actions"):
                yield Static("请选择操作", classes="section-title")
                yield Static(self._actions(), id="home-menu")
                yield Static(id="home-deadlines")
                yield Static(id="home-cases")
                yield Static(id="home-checks")
            with Vertical(id="home-drafts"):
                yield Static("本窗口的草稿（回车继续办理）", classes="section-title")
                yield OptionList(id="drafts")
        yield KeyBar()

    def _actions(self) -> Text:
        lines = [("N", "新建办件"), ("R", "继续草稿（群众补齐材料后）"), ("D", "作废选中的草稿"),
                 ("L", "办件查询（编号或证件号）"), ("J", "寄递  ", "S", "签收  ", "T", "出件")]
        if self.actor.is_supervisor:
            lines.append(("Q", "今日队列（审核本大厅办件）"))
            lines.append(("C", "逾期未整改的差评"))
            lines.append(("H", "告知承诺核查"))
        lines.append(("O", "退出登录"))
        # A blank line between entries while they fit; at 24 rows a supervisor's eight lines and the
        # two counts under them would not, so they close up.
        gap = "\n\n" if self.app.size.height >= 2 * len(lines) + 12 else "\n"
        text = Text()
        for line in lines:
            for key, label in zip(line[::2], line[1::2], strict=True):
                text.append(f" {key} ", style="bold reverse")
                text.append(f" {label}")
            text.append(gap)
        return text

    def on_mount(self) -> None:
        self.app.step = "首页"

    def on_resize(self) -> None:
        self.query_one("#home-menu", Static).update(self._actions())

    def on_screen_resume(self) -> None:
        self.app.step = "首页"
        self.load_drafts()
        if self.ctx.actor is not None and self.ctx.actor.is_supervisor:
            self.load_deadlines()
            self.load_cases()
            self.load_checks()

    def load_deadlines(self) -> None:
        from counterdesk.services.deadlines import due_counts

        def show(counts: tuple[int, int]) -> None:
            due_today, overdue = counts
            line = Text()
            line.append(f"今日到期 {due_today} 件", style="bold black on yellow" if due_today else "")
            line.append(" / ")
            line.append(f"已逾期 {overdue} 件", style="bold white on red" if overdue else "")
            self.query_one("#home-deadlines", Static).update(line)

        self.run_service(lambda: self.ctx.call(due_counts, actor=self.actor), show, group="deadlines", exclusive=True)

    def load_cases(self, open_list: bool = False) -> None:
        """Count the overdue 差评 cases for the home line; with ``open_list``, list them too."""
        from counterdesk.services.ratings import overdue_cases

        def show(overdue: list[dict[str, Any]]) -> None:
            line = Text()
            line.append(f"差评整改逾期 {len(overdue)} 件", style="bold white on red" if overdue else "")
            line.append("（按 C 查看）", style="dim")
            self.query_one("#home-cases", Static).update(line)
            if open_list:
                self._show_cases(overdue)

        self.run_service(lambda: self.ctx.call(overdue_cases, actor=self.actor), show, group="cases", exclusive=True)

    def load_checks(self) -> None:
        """Count the 告知承诺 waiting for their check, and those past their 核查期限."""
        from counterdesk.services.promises import Check, checks

        def show(found: list[Check]) -> None:
            late = sum(check.overdue for check in found)
            line = Text(f"告知承诺待核查 {len(found)} 件")
            if late:
                line.append(f"，逾期 {late} 件", style="bold white on red")
            line.append("（按 H 核查）", style="dim")
            self.query_one("#home-checks", Static).update(line)

        self.run_service(lambda: self.ctx.call(checks, actor=self.actor, catalog=self.catalog), show, group="checks",
                         exclusive=True)

    def _show_cases(self, overdue: list[dict[str, Any]]) -> None:
        from counterdesk.domain.visits import SCORES
        from counterdesk.tui.dialogs.pick import PickDialog

        lines = []
        for case in overdue:
            line = Text()
            line.append(case["number"] or "来访（无办件）", style="bold")
            line.append(f" · {SCORES[case['score']]} · {case['status_label']}\n")
            line.append(f"  应于 {case['due_on']} 前整改 · 窗口 {case['window'] or '—'} · {case['clerk']} · "
                        f"{'、'.join(case['reasons']) or '未选原因'}", style="dim")
            if case["comment"]:
                line.append(f" · {shown(case['comment'], markup=False)}", style="dim")
            lines.append(line)

        def chosen(index: int | None) -> None:
            if index is None:
                return
            number = overdue[index]["number"]
            if number is None:
                self.notify("该差评来自一次来访，没有办件详情；请用 counterdesk cases 登记回访、整改。", markup=False)
                return
            from counterdesk.tui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(number))

        self.app.push_screen(PickDialog("逾期未整改的差评（回车查看办件）", lines, empty="（没有逾期的差评）"), chosen)

    def load_drafts(self) -> None:
        """List this window's drafts (read again)."""
        self.run_service(self._load_drafts, self._show_drafts, group="drafts", exclusive=True)

    def _load_drafts(self) -> list[DraftSummary]:
        """This window's drafts (in the worker)."""
        from counterdesk.services.applications import drafts_of_window

        return self.ctx.call(drafts_of_window, actor=self.actor)

    def _show_drafts(self, drafts: list[DraftSummary]) -> None:
        catalog = self.catalog
        options = self.query_one("#drafts", OptionList)
        options.clear_options()
        for draft in drafts:
            matter = catalog.matters.get(draft.matter_code)
            county = catalog.county(draft.county_code)
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(matter.name if matter else draft.matter_code, style="bold")
            label.append(f"\n  {county.name if county else draft.county_code} · ")
            label.append(shown(draft.applicant_name, markup=False) or "未填申请人")
            label.append(f" · {show(draft.updated_at)}", style="dim")
            options.add_option(Option(label, id=str(draft.id)))
        if not drafts:
            options.add_option(Option(Text("（暂无草稿）", style="dim"), disabled=True))

    def action_new(self) -> None:
        from counterdesk.tui.wizard import start_new

        start_new(self.app)

    def action_resume(self) -> None:
        drafts = self.query_one("#drafts", OptionList)
        drafts.focus()
        if drafts.highlighted is None and drafts.option_count and not drafts.get_option_at_index(0).disabled:
            drafts.highlighted = 0

    @on(OptionList.OptionSelected, "#drafts")
    def resume_draft(self, event: OptionList.OptionSelected) -> None:
        from counterdesk.tui.wizard import resume

        if event.option.id:
            resume(self.app, int(event.option.id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("queue", "cases", "checks"):
            return self.app.ctx.actor is not None and self.app.ctx.actor.is_supervisor
        if action == "discard":
            return self.highlighted_draft() is not None or None
        return True

    def highlighted_draft(self) -> int | None:
        """The id of the draft under the cursor of the resume list, if any."""
        drafts = self.query_one("#drafts", OptionList)
        if drafts.highlighted is None:
            return None
        option = drafts.get_option_at_index(drafts.highlighted)
        return int(option.id) if option.id else None

    @on(OptionList.OptionHighlighted, "#drafts")
    def draft_highlighted(self) -> None:
        self.refresh_bindings()

    def action_discard(self) -> None:
        """作废 the highlighted draft, after a yes from the clerk."""
        from counterdesk.tui.dialogs.confirm import ConfirmDialog

        draft_id = self.highlighted_draft()
        drafts = self.query_one("#drafts", OptionList)
        if draft_id is None or drafts.highlighted is None:
            return
        body = Text("作废后该草稿不再出现在列表中，无法继续办理（作废记入办件记录）：\n\n")
        label = drafts.get_option_at_index(drafts.highlighted).prompt
        body.append_text(label if isinstance(label, Text) else Text(str(label)))

        def answered(yes: bool | None) -> None:
            if yes:
                self.discard(draft_id)

        self.app.push_screen(ConfirmDialog("作废草稿", body, yes="作废", no="保留"), answered)

    def discard(self, draft_id: int) -> None:
        from counterdesk.services.drafts import discard_draft

        def discarded(_: None) -> None:
            self.notify("草稿已作废。", markup=False)
            self.load_drafts()

        self.run_service(lambda: self.ctx.call(discard_draft, actor=self.actor, application_id=draft_id), discarded,
                         group="home-discard", exclusive=True)

    def action_lookup(self) -> None:
        from counterdesk.tui.screens.lookup import LookupScreen

        self.app.push_screen(LookupScreen())

    def action_cases(self) -> None:
        self.load_cases(open_list=True)

    def action_checks(self) -> None:
        from counterdesk.tui.screens.checks import ChecksScreen

        self.app.push_screen(ChecksScreen())

    def action_queue(self) -> None:
        from counterdesk.tui.screens.queue import QueueScreen

        self.app.push_screen(QueueScreen())

    def action_open(self, screen: str) -> None:
        """寄递, 签收 or 出件: the hand-over screens, open to clerks and supervisors alike."""
        from counterdesk.tui.screens.dispatch import DispatchScreen
        from counterdesk.tui.screens.release import ReleaseScreen
        from counterdesk.tui.screens.signfor import SignForScreen

        opened = {"dispatch": DispatchScreen, "signfor": SignForScreen, "release": ReleaseScreen}[screen]
        self.app.push_screen(opened())

    def action_logout(self) -> None:
        from counterdesk.tui.screens.login import LoginScreen

        self.app.ctx.actor = None
        self.app.switch_screen(LoginScreen())
