"""A row-cursor table whose Home and End go to the first and last row.

Textual's DataTable scrolls sideways on Home/End; at the counter every list is a list of rows,
and the clerk expects Home to go to the first one.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import DataTable


class RowTable(DataTable):
    """DataTable with Home/End moving the cursor to the first/last row."""

    BINDINGS = [
        Binding("home", "first_row", "首行", show=False),
        Binding("end", "last_row", "末行", show=False),
    ]

    def action_first_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_last_row(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)
