"""What the hand-over screens (寄递, 签收, 出件) share: refusals as sentences, a list of rows, saved papers.

Every service call goes through ``run_service``: what it refuses, and what the machine refuses (a
full disk, a read-only database), comes back as a Chinese sentence; anything else is a bug and goes
to the error guard. A paper (材料流转单, 领取签收单) is saved after the act it
records: when saving fails the act stands, and Ctrl+R saves the paper again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.widgets import DataTable, Static

from counterdesk.domain.text import shown
from counterdesk.tui.screens.supervisor_base import DeskScreen


class HandOverScreen(DeskScreen):
    """A hand-over screen: a result line, and (for a list screen) one table of rows read by a service."""

    MESSAGE = ""
    """The selector of the line that says what became of the last act."""
    EMPTY = ""
    """What the table's place says when nothing is listed."""
    CHOSEN = ""
    """The selector of the line that shows the row under the cursor in full (none when empty)."""

    def __init__(self, ctx=None) -> None:
        super().__init__(ctx)
        self.rows: list = []
        """What the table shows, one service row per line."""
        self.busy = False
        """An act is under way: its keys wait for it."""

    def read_rows(self, session) -> list:
        """The rows to list (override; runs in a worker)."""
        return []

    def row_key(self, row) -> str:
        """The table key of a row (override)."""
        raise NotImplementedError

    def cells(self, row) -> tuple:
        """The cells of a row (override)."""
        raise NotImplementedError

    def describe(self, row) -> Text:
        """The row under the cursor in full, for the CHOSEN line (override when there is one)."""
        return Text("")

    def action_reload(self) -> None:
        """Read the rows again."""
        self.load()

    def action_row(self, step: int) -> None:
        """Arrow keys move between the rows while a field under the table is being typed in."""
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)), animate=False)

    @on(DataTable.RowHighlighted)
    def show_chosen(self) -> None:
        """Below the table, the row under the cursor in full (names do not fit in columns at 80)."""
        if not self.CHOSEN:
            return
        row = self.chosen()
        self.query_one(self.CHOSEN, Static).update(self.describe(row) if row is not None else "")

    def load(self) -> None:
        def read() -> list:
            with self.ctx.session() as session:
                return self.read_rows(session)

        self.run_service(read, lambda rows: self.show_rows(rows, ""),
                         refused=lambda error: self.show_rows([], error.message), group="handover-load", exclusive=True)

    def show_rows(self, rows: list, problem: str) -> None:
        """Fill the table, keeping the cursor on its row; under it, why it is empty."""
        table = self.query_one(DataTable)
        keep = self.chosen()
        self.rows = rows
        table.clear()
        for row in rows:
            table.add_row(*self.cells(row), key=self.row_key(row))
        keys = [self.row_key(row) for row in rows]
        if keep is not None and self.row_key(keep) in keys:
            table.move_cursor(row=keys.index(self.row_key(keep)), animate=False)
        empty = self.query_one(".handover-empty", Static)
        empty.set_class(bool(problem), "error")
        empty.update(Text(shown(problem, markup=False)) if problem else Text("" if rows else self.EMPTY))
        empty.display = bool(problem or not rows)
        self.show_chosen()
        self.refresh_bindings()

    def chosen(self):
        """The row under the cursor, if any."""
        table = self.query_one(DataTable)
        if not self.rows or not table.row_count:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def start(self, note: str) -> None:
        """An act begins: its keys wait, the result line says what is happening."""
        self.busy = True
        self.refresh_bindings()
        self.say(note)

    def save_paper(self, save: Callable[[], Path], paper: str, done: str) -> None:
        """Save a paper (in a worker), then say where, or why not and how to retry."""
        self.run_service(save, lambda path: self.finished(f"{done}\n{paper}已保存：{path}", False),
                         refused=lambda error: self.finished(
                             f"{done}{paper}未能保存：{error.message}处理后按 Ctrl+R 重新保存。", True),
                         group="handover-paper")

    def finished(self, message: str, error: bool) -> None:
        """The act is over: say how it went."""
        self.busy = False
        self.say(message, error=error)
        self.refresh_bindings()

    def say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one(self.MESSAGE, Static)
        line.set_class(error, "error")
        line.update(Text(shown(message, markup=False, newlines=True)))
