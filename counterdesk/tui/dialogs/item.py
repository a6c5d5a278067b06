"""包含事项进度: choose an item of a 一件事, its new status and an optional note, and set it.

The dialog calls the service itself, so a refusal is shown here in Chinese with the note kept; it
closes with the change made, or with None when cancelled or when someone else changed the
application meanwhile (the screen reloads either way).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain.errors import Conflict
from counterdesk.domain.items import ITEM_STATUSES
from counterdesk.domain.text import required_label, shown
from counterdesk.services.items import ItemChange
from counterdesk.services.workflow import REASON_MAX
from counterdesk.tui.base import CounterDialog
from counterdesk.tui.widgets.timeline import item_status_text

if TYPE_CHECKING:
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.services.items import ItemView

class ItemDialog(CounterDialog[ItemChange | None]):
    """↑/↓ and Enter choose the item, then the status; Ctrl+S (or Enter in the note) sets it, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", priority=True),
        Binding("ctrl+s", "confirm", "确定", priority=True),
    ]

    def __init__(self, application_id: int, number: str, version: int, items: Sequence[ItemView]) -> None:
        super().__init__()
        self.application_id = application_id
        self.number = number
        self.version = version
        """The application's version as shown: a change made meanwhile elsewhere is refused as stale."""
        self.items = list(items)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="item-box"):
            yield Static(f"包含事项进度 · 办件 {self.number}", classes="dialog-title", markup=False)
            with Horizontal(id="item-columns"):
                yield OptionList(*(Option(self._line(item), id=str(item.number)) for item in self.items),
                                 id="item-list")
                yield OptionList(*(Option(item_status_text(code), id=code) for code in ITEM_STATUSES),
                                 id="item-status")
            yield Input(id="item-note", placeholder=f"说明（{required_label(False)}，如部门的办理意见）",
                        max_length=REASON_MAX)
            yield Static("回车选事项，再选状态；Ctrl+S 确定，Esc 取消", id="item-message", classes="message")

    @staticmethod
    def _line(item: ItemView) -> Text:
        line = Text(f"{item.number}. ")
        line.append(shown(item.name, markup=False))
        line.append(f" · {shown(item.department, markup=False)} · ", style="dim")
        line.append_text(item_status_text(item.status))
        return line

    def on_mount(self) -> None:
        self.query_one("#item-list", OptionList).focus()
        self._show_current(0)

    def _show_current(self, index: int | None) -> None:
        """Put the status list's cursor on the highlighted item's status."""
        if index is not None and 0 <= index < len(self.items):
            self.query_one("#item-status", OptionList).highlighted = list(ITEM_STATUSES).index(
                self.items[index].status) if self.items[index].status in ITEM_STATUSES else 0

    @on(OptionList.OptionHighlighted, "#item-list")
    def item_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_current(event.option_index)

    @on(OptionList.OptionSelected, "#item-list")
    def item_chosen(self) -> None:
        self.query_one("#item-status", OptionList).focus()

    @on(OptionList.OptionSelected, "#item-status")
    def status_chosen(self) -> None:
        self.query_one("#item-note", Input).focus()

    @on(Input.Submitted, "#item-note")
    def note_given(self) -> None:
        self.action_confirm()

    def _refuse(self, message: str) -> None:
        shown_message = self.query_one("#item-message", Static)
        shown_message.update(Text(message))
        shown_message.add_class("error")

    def action_confirm(self) -> None:
        """Set the highlighted item to the highlighted status (the service checks the rest)."""
        from counterdesk.services.items import set_status

        item = self.query_one("#item-list", OptionList).highlighted
        status = self.query_one("#item-status", OptionList).highlighted
        if item is None or status is None:
            self._refuse("请选择事项和状态。")
            return
        number, target = self.items[item].number, list(ITEM_STATUSES)[status]
        note = self.query_one("#item-note", Input).value

        def refused(error: CounterdeskError) -> None:
            if isinstance(error, Conflict):
                self.notify(error.message, severity="warning", markup=False)
                self.dismiss(None)
            else:
                self._refuse(error.message)

        self.run_service(lambda: self.ctx.call(set_status, actor=self.actor, number_or_id=self.application_id,
                                               item=number, to_status=target, note=note,
                                               expected_version=self.version, catalog=self.catalog),
                         self.dismiss, refused=refused, group="item-set", exclusive=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
