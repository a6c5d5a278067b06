"""A one-line row of filter chips (生命周期主题 …): one is active, a key or a click moves it.

Wider rows than the screen scroll so the active chip stays in view, marked ‹ › at the cut ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class ChipBar(Widget):
    """A label, then the chips; ``active`` is the index of the chosen one."""

    DEFAULT_CSS = """
    ChipBar {
        height: 1;
        width: 1fr;
    }
    """

    active: reactive[int] = reactive(0)
    """Index of the active chip."""

    @dataclass
    class Changed(Message):
        """The active chip changed (by key or click)."""

        bar: ChipBar
        index: int

        @property
        def control(self) -> ChipBar:
            return self.bar

    def __init__(self, label: str, items: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.label = label
        """Shown before the chips, e.g. 主题："""
        self.items = list(items)
        """The chips' texts."""
        self._spans: list[tuple[int, int, int]] = []

    def set_items(self, items: list[str], active: int = 0) -> None:
        """Replace the chips and choose the active one."""
        self.items = list(items)
        self.set_reactive(ChipBar.active, max(0, min(active, len(self.items) - 1)))
        self.refresh()

    def move(self, step: int) -> None:
        """Activate the next (+1) or previous (-1) chip, wrapping around."""
        if self.items:
            self.active = (self.active + step) % len(self.items)

    def watch_active(self, old: int, new: int) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))

    def render(self) -> Text:
        width = self.size.width or 80
        label_width = cell_len(self.label)
        chips = [f" {item} " for item in self.items]
        start = 0
        while start < self.active and label_width + 2 + sum(map(cell_len, chips[start:self.active + 1])) + (
                self.active + 1 - start) > width:
            start += 1
        text = Text(self.label, style="bold", no_wrap=True, overflow="crop")
        text.append("‹ " if start else "  ", style="dim")
        self._spans = []
        for index in range(start, len(chips)):
            begin = cell_len(text.plain)
            if begin + cell_len(chips[index]) > width - 1:
                text.append("›", style="dim")
                break
            text.append(chips[index], style="bold reverse" if index == self.active else "")
            self._spans.append((begin, begin + cell_len(chips[index]), index))
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for begin, end, index in self._spans:
            if begin <= event.x < end:
                self.active = index
                return
