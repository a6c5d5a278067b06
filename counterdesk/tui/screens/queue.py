"""今日队列 (supervisors): the hall's applications of a day, counts per status, filters, moves.

One page of the queue is on screen at a time and it is read again every few seconds, so what
other windows submit appears without a key press. Enter opens the detail; the moves offered
above the keys (and their keys) are those the row under the cursor allows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Select, Static

from counterdesk.domain.clock import show, today
from counterdesk.domain.text import shown
from counterdesk.domain.workflow import STATUSES, allowed_moves
from counterdesk.tui.screens.supervisor_base import MOVE_BINDINGS, MoveTarget, MovingScreen
from counterdesk.tui.widgets.fields import FormInput
from counterdesk.tui.widgets.keybar import KeyBar, OneLineBar
from counterdesk.tui.widgets.moves import MovesBar
from counterdesk.tui.widgets.timeline import OWED_STYLES, owed_text, status_text

if TYPE_CHECKING:
    from counterdesk.services.queue import QueuePage, QueueRow


@dataclass(frozen=True)
class Column:
    """One column of the queue: its key, heading, the sort a click on the heading asks for, and widths.

    ``narrow`` is the least width in cells, at which a value may take two lines (a number breaks
    after its date, a time after its day); ``wide`` shows it on one line. The matter (None) takes
    what is left. Widths are fixed so columns do not jump as pages and refreshes bring longer or
    shorter names, and the first page is drawn at its final widths at once.
    """

    key: str
    heading: str
    sort: str | None
    narrow: int | None
    wide: int | None


COLUMNS = (
    Column("number", "办件编号", "number", 16, 32),
    Column("status", "状态", "status", 6, 8),
    Column("matter", "事项", "matter", None, None),
    Column("county", "区县", "county", 6, 8),
    Column("window", "窗口", "window", 4, 4),
    Column("clerk", "经办人", "clerk", 6, 8),
    Column("received", "提交时间", "submitted_at", 8, 11),
    Column("applicant", "申请人", None, 6, 10),
    Column("left", "剩余", "due_date", 8, 16),
)
WIDEN_ORDER = ("number", "received", "status", "left", "county", "clerk", "applicant")
"""Which columns get their one-line width first when the table has room."""
MATTER_MIN_WIDTH = 24
"""A column is widened only while the matter keeps this much (two lines of 12 characters)."""
LINES = 2
"""The most lines a row takes; a value longer than that ends in …"""
GUTTER = 1
"""Blank cells after each column (the table's own cell padding is 0: it would take two)."""


def column_widths(width: int, scrollbar: int) -> dict[str, int]:
    """Each column's width in cells (without the gutter) for a table ``width`` cells wide."""
    widths = {column.key: column.narrow for column in COLUMNS if column.narrow}
    wide = {column.key: column.wide for column in COLUMNS if column.wide}
    room = width - scrollbar - GUTTER * len(COLUMNS)
    for key in WIDEN_ORDER:
        if room - sum(widths.values()) - (wide[key] - widths[key]) >= MATTER_MIN_WIDTH:
            widths[key] = wide[key]
    return {**widths, "matter": max(room - sum(widths.values()), 4)}


SORT_CYCLE = ["submitted_at", "-submitted_at", "number", "status", "window", "clerk", "matter", "county"]
SORT_LABELS = {"submitted_at": "提交时间", "number": "办件编号", "status": "状态", "window": "窗口",
               "clerk": "经办人", "matter": "事项", "county": "区县", "due_date": "到期日", "tolerated_due": "容缺补交期限"}
DUE_CYCLE = [None, "overdue", "warning", "in_transit", "unsigned", "owed", "owed_overdue"]
"""The D key's watch filters: every application of the day, then of every day 逾期, 预警, 在途,
超时未签收, 容缺待补 and 容缺逾期 (``services.queue.DUE_FILTERS``)."""
FILTERS = [("q-window", "窗口", 6), ("q-clerk", "工号", 8), ("q-matter", "事项编码", 12), ("q-county", "区县代码", 10)]
"""The second group of filters (field id, placeholder, width); the date, status and search come first."""


@dataclass(frozen=True)
class QueueQuery:
    """What the queue on screen is showing."""

    day: date
    status: str | None = None
    window: int | None = None
    clerk: str | None = None
    matter: str | None = None
    county: str | None = None
    search: str | None = None
    sort: str = "submitted_at"
    page: int = 0
    due: str | None = None
    """A watch filter (``services.queue.DUE_FILTERS``): every day's, by the clock or the 容缺 owed."""


class QueueScreen(MovingScreen):
    """The day's queue of the whole hall, for supervisors."""

    STEP_TITLE = "今日队列"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Below 100 columns the filters take two lines (styles/supervisor.tcss)."""
    BINDINGS = [
        Binding("escape", "back", "返回"),
        Binding("slash", "search", "查找"),
        Binding("n", "page(1)", "下页"),
        Binding("p", "page(-1)", "上页"),
        Binding("o", "sort", "排序"),
        Binding("d", "due", "逾期/预警/在途/容缺"),
        Binding("f5", "reload", "刷新"),
        *MOVE_BINDINGS,
    ]

    def __init__(self, ctx=None, *, day: date | None = None, refresh_seconds: float = 5, page_size: int = 50) -> None:
        super().__init__(ctx)
        self.query_state = QueueQuery(day or today())
        """The filters, sort and page in use."""
        self.page: QueuePage | None = None
        """The page on screen."""
        self._shown_counts: Text | None = None
        self.refresh_seconds = refresh_seconds
        self.page_size = page_size

    def compose(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        yield Static(id="queue-counts")
        with Horizontal(id="queue-filters"):
            with Horizontal(classes="filter-group"):
                yield FormInput(self.query_state.day.isoformat(), id="q-date", placeholder="日期", max_length=10,
                            compact=True)
                yield Select([(label, code) for code, label in STATUSES.items() if code != "draft"],
                             prompt="全部状态", id="q-status", compact=True)
                yield FormInput(id="q-search", placeholder="编号或姓名（张**）", max_length=40, compact=True)
            with Horizontal(classes="filter-group"):
                for field_id, placeholder, width in FILTERS:
                    field = FormInput(id=field_id, placeholder=placeholder, max_length=40, compact=True)
                    field.styles.width = width
                    yield field
        yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield OneLineBar(id="queue-pager")
        yield MovesBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self._widths: dict[str, int] = {}
        self._set_columns()
        self.query_one(DataTable).focus()
        self.query_one("#q-date", Input).cursor_position = 0
        self.reload()
        self.set_interval(self.refresh_seconds, self.reload)

    def on_screen_resume(self) -> None:  # the base screen's handler runs too (Textual calls each class's)
        self.reload()

    def reload(self) -> None:
        """Read the current page again."""
        self.load(self.query_state)

    def load(self, query: QueueQuery) -> None:
        """Read the page ``query`` asks for; a newer query drops this one's page."""
        from counterdesk.services.queue import day_queue

        def read() -> tuple[QueueQuery, QueuePage]:
            page = self.ctx.call(day_queue, actor=self.actor, catalog=self.catalog, day=query.day, status=query.status,
                                 window=query.window, clerk=query.clerk, matter=query.matter, county=query.county,
                                 search=query.search, sort=query.sort, page=query.page, page_size=self.page_size,
                                 due=query.due)
            return query, page

        self.run_service(read, self.show_page, refused=lambda error: self.show_problem(error.message),
                         group="queue-load", exclusive=True)

    def show_page(self, read: tuple[QueueQuery, QueuePage]) -> None:
        """Put a page on screen, keeping the cursor on the same application."""
        query, page = read
        if query != self.query_state:
            return
        if query.page and query.page >= page.pages:
            self.query_state = replace(query, page=page.pages - 1)
            self.reload()
            return
        counts = self._counts(page)
        if counts != self._shown_counts:  # a poll that found nothing new lays nothing out
            self._shown_counts = counts
            self.query_one("#queue-counts", Static).update(counts)
        if self.page is None or page.rows != self.page.rows:
            self._fill(page.rows)
        self.page = page
        self.query_one("#queue-pager", OneLineBar).show_text(self._pager(page))
        self.refresh_moves()

    def _fill(self, rows: list[QueueRow]) -> None:
        table = self.query_one(DataTable)
        keep = self._current_key()
        table.clear()
        widths = self._widths
        for row in rows:
            cells = {"number": Text(row.number), "status": status_text(row.status),
                     "matter": Text(row.matter_name or row.matter_code),
                     "county": Text(row.county_name or row.county_code), "window": Text(str(row.window or "")),
                     "clerk": Text(shown(row.clerk_name or row.clerk, markup=False)),
                     "received": Text(show(row.submitted_at, "%m-%d %H:%M")),
                     "applicant": Text(shown(row.applicant_masked, markup=False))}
            shown_cells = [fitted(self.app.console, cells[c.key], widths[c.key], LINES) if c.key != "left"
                           else left_text(self.app.console, row, widths[c.key]) for c in COLUMNS]
            table.add_row(*shown_cells, height=max(len(cell.plain.split("\n")) for cell in shown_cells),
                          key=row.number)
        numbers = [row.number for row in rows]
        if keep in numbers:
            table.move_cursor(row=numbers.index(keep), animate=False)

    def on_resize(self) -> None:
        if self._set_columns() and self.page is not None:
            self._fill(self.page.rows)

    def _set_columns(self) -> bool:
        """Lay the columns out for the table's width; False when they already are."""
        table = self.query_one(DataTable)
        widths = column_widths(table.size.width or self.app.size.width, table.styles.scrollbar_size_vertical)
        if widths == self._widths:
            return False
        self._widths = widths
        table.clear(columns=True)
        for column in COLUMNS:
            table.add_column(column.heading, key=column.key, width=widths[column.key] + GUTTER)
        return True

    def _current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _counts(self, page: QueuePage) -> Text:
        chosen = self.query_state.status
        text = Text()
        if self.query_state.due:
            from counterdesk.services.queue import DUE_FILTERS

            text.append(f" {DUE_FILTERS[self.query_state.due]}（各日）", style=DUE_STYLES[self.query_state.due])
        text.append(f" 全部 {sum(page.counts_by_status.values())} ", style="bold reverse" if not chosen else "bold")
        for code, count in page.counts_by_status.items():
            text.append("  ")
            label = status_text(code)
            label.append(f" {count}")
            if code == chosen:
                label.stylize("reverse")
            text.append_text(label)
        return text

    def _pager(self, page: QueuePage) -> Text:
        sort = self.query_state.sort
        arrow = "↓" if sort.startswith("-") else "↑"
        return Text(f"第 {page.page + 1}/{page.pages} 页 · 共 {page.total} 件 · 排序：{SORT_LABELS[sort.lstrip('-')]}"
                    f"{arrow} · 每 {self.refresh_seconds:g} 秒自动刷新", style="dim")

    def show_problem(self, message: str) -> None:
        """A filter the service refused: say why under the table."""
        self.query_one("#queue-pager", OneLineBar).show_text(Text(message, style="bold red"))

    def requery(self, **changes) -> None:
        """Change filters (back to the first page) and read again."""
        self.query_state = replace(self.query_state, page=0, **changes)
        self.reload()

    @on(Input.Changed)
    def filter_changed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        if event.input.id == "q-date":
            try:
                self.requery(day=date.fromisoformat(value))
            except ValueError:
                self.show_problem("日期格式应为 YYYY-MM-DD，例如 2026-11-24。")
            return
        if event.input.id == "q-window":
            if value and not value.isdigit():
                self.show_problem("窗口号应为数字。")
                return
            self.requery(window=int(value) if value else None)
            return
        key = {"q-clerk": "clerk", "q-matter": "matter", "q-county": "county", "q-search": "search"}[event.input.id or ""]
        self.requery(**{key: value or None})

    @on(Input.Submitted)
    def filter_submitted(self) -> None:
        self.query_one(DataTable).focus()

    @on(Select.Changed, "#q-status")
    def status_changed(self, event: Select.Changed) -> None:
        self.requery(status=None if event.value is Select.NULL else event.value)

    @on(DataTable.RowHighlighted)
    def row_highlighted(self) -> None:
        self.refresh_moves()

    @on(DataTable.RowSelected)
    def open_detail(self, event: DataTable.RowSelected) -> None:
        from counterdesk.tui.screens.detail import DetailScreen

        if event.row_key.value is not None:
            self.app.push_screen(DetailScreen(event.row_key.value, self._ctx))

    @on(DataTable.HeaderSelected)
    def sort_by_column(self, event: DataTable.HeaderSelected) -> None:
        sort = {column.key: column.sort for column in COLUMNS}[event.column_key.value or ""]
        if sort:
            current = self.query_state.sort
            self.requery(sort=f"-{sort}" if current == sort else sort)

    def move_target(self) -> MoveTarget | None:
        page = self.page
        key = self._current_key() if page is not None else None
        row = next((r for r in page.rows if r.number == key), None) if page is not None and key else None
        if row is None:
            return None
        hall = self.ctx.hall
        moves = tuple(allowed_moves(row.status, self.actor.role,
                                    remote=hall is not None and hall.is_remote(row.county_code)))
        return MoveTarget(row.id, row.number, row.status, row.version, row.matter_code, moves)

    def moved(self) -> None:
        self.reload()

    def action_search(self) -> None:
        self.query_one("#q-search", Input).focus()

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        page = min(max(self.query_state.page + step, 0), self.page.pages - 1)
        if page != self.query_state.page:
            self.query_state = replace(self.query_state, page=page)
            self.reload()

    def action_sort(self) -> None:
        current = self.query_state.sort
        following = SORT_CYCLE[(SORT_CYCLE.index(current) + 1) % len(SORT_CYCLE)] if current in SORT_CYCLE \
            else SORT_CYCLE[0]
        self.requery(sort=following)

    def action_reload(self) -> None:
        self.reload()

    def action_due(self) -> None:
        """Cycle the watch filters: all of the day → 逾期 → 预警 → 在途 → 超时未签收 → 容缺待补 → 容缺逾期
        → all of the day; each lists soonest due first."""
        from counterdesk.services.queue import DUE_SORTS

        following = DUE_CYCLE[(DUE_CYCLE.index(self.query_state.due) + 1) % len(DUE_CYCLE)]
        self.requery(due=following, sort=DUE_SORTS.get(following or "", "submitted_at"))


DUE_STYLES = {"overdue": "bold white on red", "warning": "bold black on yellow", "in_transit": "bold black on cyan",
              "unsigned": "bold white on magenta", "owed": OWED_STYLES[False], "owed_overdue": OWED_STYLES[True]}
"""Colour of 逾期 and 预警 in the remaining-days column, and of each watch filter's label."""


def fitted(console: Console, text: Text, width: int, lines: int) -> Text:
    """``text`` broken into at most ``lines`` lines of ``width`` cells, with … where it had to be cut.

    The table's cells are wider than this by the gutter, so a broken line never runs into the next column.
    """
    if text.cell_len <= width:
        return text
    wrapped = list(text.wrap(console, width, overflow="fold"))
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1].rstrip()
        wrapped[-1].truncate(width - 1)
        wrapped[-1].rstrip()
        wrapped[-1].append("…")
    return Text("\n", style=text.style).join(wrapped)


def left_text(console: Console, row: QueueRow, width: int) -> Text:
    """The remaining-days cell: the clock, and under it 容缺待补 or 容缺逾期 while a material is owed."""
    clock = remaining_text(row.deadline)
    if not row.owed.codes:
        return fitted(console, clock, width, LINES)
    owed = fitted(console, owed_text(row.owed), width, 1)
    return Text("\n").join([fitted(console, clock, width, LINES - 1), owed])


def remaining_text(found) -> Text:
    """剩余工作日 of a row: red when overdue, yellow within the warning days."""
    if found is None:
        return Text("—")
    style = DUE_STYLES["overdue"] if found.overdue else DUE_STYLES["warning"] if found.warning else ""
    return Text(found.remaining_label, style=style)
