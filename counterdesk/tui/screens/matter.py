"""找事项 (find the matter): the portal's tabs and life-cycle themes, type and region filters, and a
search box that filters as the clerk types — Chinese, full pinyin or initials (就业困难 · jiuye · jykn).
The region is the whole province, the hall's own place (F5) or any city, 市本级, county or functional
area chosen in a two-column picker (F6).

The catalog's search answers in a few milliseconds, so it runs on every keystroke directly. When
the words find nothing in any tab, the list shows the nearest matters instead (您是不是要找), so the
clerk can still pick with Enter. The list shows the best ``SHOWN_ROWS`` results: a table row costs
far more to draw than a search, and with a large catalog one letter matches thousands of matters
nobody scrolls through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static, Tab, Tabs

from counterdesk.domain.matter import AUDIENCES, THEMES, TYPES, MatterEntry
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.dialogs.region import BrowseRegion, RegionDialog
from counterdesk.tui.screens.wizard_base import PlacingScreen
from counterdesk.tui.widgets.chips import ChipBar
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import Draft

ALL = "all"
AUDIENCE_TABS = {ALL: "全部", **AUDIENCES}
"""The tabs: every matter, then the portal's three."""
PICKER_STATE = "matter_picker"
"""Key in ``ctx.extras`` where the search is kept while the clerk looks at the location step."""
FIXED_COLUMNS = (("主题", 10), ("类型", 8), ("承诺时限", 11))
SHOWN_ROWS = 200
"""At most this many results are listed; the count shows how many matched."""


@dataclass
class PickerState:
    """What the clerk typed and chose, restored when they come back from the location step."""

    query: str = ""
    audience: str = ALL
    theme: str | None = None
    type: str | None = None
    region: BrowseRegion = field(default_factory=BrowseRegion)
    """Where the matters listed are handled (全省 by default)."""


class FilterTabs(Tabs, can_focus=False):
    """The audience tabs; switched by F2 or a click so that focus stays in the search box."""

    def _on_tab_relabelled(self, event: Tab.Relabelled) -> None:
        # The counts in the labels change as the clerk types; a sliding underline on every
        # keystroke would only distract.
        event.stop()
        self._highlight_active(animate=False)


def time_limit(days: int) -> str:
    """承诺时限 as the results list shows it."""
    return "即办" if days <= 0 else f"{days} 个工作日"


class MatterScreen(PlacingScreen):
    """Find the matter the citizen came for; Enter picks the highlighted one."""

    STEP = "matter"
    TITLE_TEXT = "找事项"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("f2", "audience(1)", "分类", tooltip="切换：全部 / 个人办事 / 企业办事 / 政策兑现"),
        Binding("shift+f2", "audience(-1)", "上一分类", show=False),
        Binding("f3", "theme(1)", "主题", tooltip="切换生命周期主题"),
        Binding("shift+f3", "theme(-1)", "上一主题", show=False),
        Binding("f4", "type(1)", "类型", tooltip="切换事项类型：行政许可、行政确认……"),
        Binding("shift+f4", "type(-1)", "上一类型", show=False),
        Binding("f5", "local", "本县区可办", tooltip="只看本大厅所在县区可以办理的事项，再按回到全省"),
        Binding("f6", "browse", "选地区", tooltip="按市州、市本级、区县或功能区浏览可办理的事项"),
        Binding("enter", "pick", "选择事项", priority=True),
        Binding("escape", "clear", "清空/返回"),
        Binding("down", "cursor(1)", show=False),
        Binding("up", "cursor(-1)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("pageup", "cursor(-10)", show=False),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__(draft)
        self.state = PickerState()
        """The tab, filters and query on screen."""
        self.results: list[MatterEntry] = []
        self.suggested = False
        """Whether ``results`` are the nearest matters to words that found nothing (您是不是要找)."""
        self._columns_width = 0

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="matter-box"):
            yield FilterTabs(*(Tab(label, id=f"aud-{code}") for code, label in AUDIENCE_TABS.items()),
                             id="matter-audiences")
            yield ChipBar("主题：", ["全部主题"], id="matter-themes")
            yield Input(placeholder="输入事项名称、全拼或拼音首字母，如 就业困难 / jiuye / jykn",
                        id="matter-search", select_on_focus=False)
            yield Static(id="matter-filters")
            yield DataTable(id="matter-results", cursor_type="row", zebra_stripes=True)
            yield Static(id="matter-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        kept = self.ctx.extras.get(PICKER_STATE)
        if self.draft.matter_code and isinstance(kept, PickerState):
            self.state = PickerState(**vars(kept))
        search = self.query_one("#matter-search", Input)
        search.value = self.state.query
        search.cursor_position = len(search.value)
        self.query_one(FilterTabs).active = f"aud-{self.state.audience}"
        self._sync_themes()
        self.refresh_results(keep=self.draft.matter_code)
        search.focus()

    # -- filters ---------------------------------------------------------------------------

    def _themes_of(self, audience: str) -> list[str]:
        present = {m.theme for m in self.catalog.matters.values() if audience == ALL or m.audience == audience}
        return [theme for theme in THEMES if theme in present]

    def _types_of(self, audience: str) -> list[str]:
        present = {m.type for m in self.catalog.matters.values() if audience == ALL or m.audience == audience}
        return [kind for kind in TYPES if kind in present]

    def _sync_themes(self) -> None:
        themes = self._themes_of(self.state.audience)
        if self.state.theme not in themes:
            self.state.theme = None
        if self.state.type not in self._types_of(self.state.audience):
            self.state.type = None
        active = themes.index(self.state.theme) + 1 if self.state.theme else 0
        self.query_one(ChipBar).set_items(["全部主题", *themes], active)

    @on(Tabs.TabActivated, "#matter-audiences")
    def audience_changed(self, event: Tabs.TabActivated) -> None:
        audience = (event.tab.id or "aud-all").removeprefix("aud-")
        if audience != self.state.audience:
            self.state.audience = audience
            self._sync_themes()
            self.refresh_results()

    @on(ChipBar.Changed, "#matter-themes")
    def theme_changed(self, event: ChipBar.Changed) -> None:
        themes = self._themes_of(self.state.audience)
        self.state.theme = themes[event.index - 1] if event.index else None
        self.refresh_results()

    def action_audience(self, step: int) -> None:
        codes = list(AUDIENCE_TABS)
        following = codes[(codes.index(self.state.audience) + step) % len(codes)]
        self.query_one(FilterTabs).active = f"aud-{following}"

    def action_theme(self, step: int) -> None:
        self.query_one(ChipBar).move(step)

    def action_type(self, step: int) -> None:
        choices = [None, *self._types_of(self.state.audience)]
        self.state.type = choices[(choices.index(self.state.type) + step) % len(choices)]
        self.refresh_results()

    def _hall_place(self) -> BrowseRegion | None:
        hall = self.ctx.hall
        return BrowseRegion(hall.county_code) if hall is not None and hall.county_code else None

    def action_local(self) -> None:
        home = self._hall_place()
        self.state.region = home if home is not None and self.state.region != home else BrowseRegion()
        self.refresh_results()

    def action_browse(self) -> None:
        def chosen(region: BrowseRegion | None) -> None:
            if region is not None:
                self.state.region = region
                self.refresh_results()
            self.query_one("#matter-search", Input).focus()

        self.app.push_screen(RegionDialog(self.state.region), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "local":
            return self._hall_place() is not None
        return True

    # -- results ---------------------------------------------------------------------------

    @on(Input.Changed, "#matter-search")
    def query_changed(self, event: Input.Changed) -> None:
        self.state.query = event.value
        self.refresh_results()

    def refresh_results(self, keep: str | None = None) -> None:
        """Search again with the current query and filters, keeping the highlighted matter if still listed."""
        table = self.query_one("#matter-results", DataTable)
        if keep is None and self.results and table.row_count:
            keep = self.results[min(table.cursor_row, len(self.results) - 1)].code
        where = self.state.region.filters()
        found = self.catalog.search(self.state.query, type=self.state.type, **where)
        counts = {code: 0 for code in AUDIENCE_TABS}
        for matter in found:
            counts[ALL] += 1
            counts[matter.audience] += 1
        for code, label in AUDIENCE_TABS.items():
            tab = self.query_one(f"#aud-{code}", Tab)
            if tab.label.plain != f"{label} {counts[code]}":
                tab.label = Text.assemble(label, (f" {counts[code]}", "dim"))
        if not found and self.state.query.strip():
            found = self.catalog.suggest(self.state.query, type=self.state.type, **where)
        self.results = [
            m for m in found
            if self.state.audience in (ALL, m.audience) and self.state.theme in (None, m.theme)
        ]
        self.suggested = not counts[ALL] and bool(self.results)
        self._fill(table, keep)
        self._show_filters(len(self.results))
        self._show_detail(counts)

    def _fill(self, table: DataTable, keep: str | None) -> None:
        width = table.size.width or self.app.size.width
        if width != self._columns_width:
            self._columns_width = width
            table.clear(columns=True)
            fixed = sum(w + 2 for _, w in FIXED_COLUMNS)
            table.add_column("事项名称", width=max(16, width - fixed - 4), key="name")
            for label, column_width in FIXED_COLUMNS:
                table.add_column(label, width=column_width)
        else:
            table.clear()
        row_of_kept = 0
        for row, matter in enumerate(self.results[:SHOWN_ROWS]):
            table.add_row(Text(matter.name, overflow="ellipsis", no_wrap=True), matter.theme, matter.type,
                          time_limit(matter.time_limit_days), key=matter.code)
            if matter.code == keep:
                row_of_kept = row
        if self.results:
            table.move_cursor(row=row_of_kept, animate=False)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self.refresh_results)

    def _show_filters(self, found: int) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("类型：")
        text.append(self.state.type or "全部", style="bold")
        text.append("  地区：")
        region = self.state.region
        if region == self._hall_place() and region.code is not None:
            text.append(f"只看{self.catalog.county(region.code).name}可办", style="bold")
        else:
            text.append(region.label(self.catalog), style="bold")
        if self.suggested:
            text.append("  没有找到，您是不是要找：", style="bold")
        else:
            text.append(f"  找到 {found} 项", style="dim")
        if found > SHOWN_ROWS:
            text.append(f"，列出最相关的 {SHOWN_ROWS} 项，输入更多关键字可缩小范围", style="dim")
        self.query_one("#matter-filters", Static).update(text)

    @on(DataTable.RowHighlighted, "#matter-results")
    def highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self, counts: dict[str, int] | None = None) -> None:
        detail = self.query_one("#matter-detail", Static)
        matter = self.highlighted_matter()
        if matter is not None:
            text = Text(no_wrap=True, overflow="ellipsis")
            text.append(matter.name, style="bold")
            text.append(f"  {matter.audience_label} · {matter.code}\n", style="dim")
            text.append(matter.summary)
            detail.update(text)
            detail.remove_class("empty")
            return
        if counts is None:
            return
        text = Text("没有找到符合条件的事项。", style="bold")
        elsewhere = [f"{AUDIENCE_TABS[code]} {n} 项" for code, n in counts.items()
                     if code != ALL and code != self.state.audience and n]
        if elsewhere and self.state.audience != ALL:
            text.append(f"\n其他分类中有：{'、'.join(elsewhere)}（F2 切换分类）。", style="")
        elif self.state.theme or self.state.type or self.state.region.code:
            text.append("\n可按 F3/F4 放宽主题、类型筛选，F6 换地区。", style="")
        else:
            text.append("\n可输入汉字、全拼或拼音首字母（如 jykn），按 Esc 清空重新输入。", style="")
        detail.update(text)
        detail.add_class("empty")

    def highlighted_matter(self) -> MatterEntry | None:
        """The matter under the cursor, or None when nothing is listed."""
        table = self.query_one("#matter-results", DataTable)
        if not self.results or not table.row_count:
            return None
        return self.results[min(table.cursor_row, len(self.results) - 1)]

    # -- moving on -------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#matter-results", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)), animate=False)

    def on_key(self, event: events.Key) -> None:
        # Typing while the results list has focus goes on with the search.
        search = self.query_one("#matter-search", Input)
        if self.focused is not search and event.is_printable and event.character:
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()

    @on(DataTable.RowSelected, "#matter-results")
    def row_clicked(self) -> None:
        self.action_pick()

    def action_pick(self) -> None:
        matter = self.highlighted_matter()
        if matter is None:
            self.notify("没有可选择的事项，请修改搜索内容或筛选条件。", severity="warning")
            return
        self.ctx.extras[PICKER_STATE] = PickerState(**vars(self.state))
        self.draft.matter_code = matter.code
        self.go("location")

    def action_clear(self) -> None:
        search = self.query_one("#matter-search", Input)
        if search.value:
            search.value = ""
            search.focus()
        else:
            self.action_home()
