"""Pick one line from a list (``ModalScreen[int | None]``): the index chosen, or ``None``."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class PickDialog(ModalScreen[int | None]):
    """Arrow keys to move, Enter to choose, Esc to cancel."""

    BINDINGS = [Binding("escape", "cancel", "取消", priority=True)]

    def __init__(self, title: str, choices: Sequence[Text | str], *, empty: str = "（没有可选项）") -> None:
        super().__init__()
        self.title_text = title
        self.choices = [c if isinstance(c, Text) else Text(c) for c in choices]
        """Shown literally: file names and titles come from outside."""
        self.empty = empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            options = [Option(text, id=str(i)) for i, text in enumerate(self.choices)]
            if not options:
                options = [Option(Text(self.empty, style="dim"), disabled=True)]
            yield OptionList(*options, id="pick")
            yield Static("回车选择，Esc 取消", classes="message")

    @on(OptionList.OptionSelected, "#pick")
    def choose(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
