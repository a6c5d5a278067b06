"""The application number in 3×3 block digits, readable from across the counter.

Textual's ``Digits`` font has no capital X (a check character may be X), so this widget borrows
its glyphs and adds one; 23 characters take 69 columns and fit an 80-column terminal, and a
longer number is drawn on two lines, split at a dash.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from textual.renderables.digits import DIGITS, DIGITS3X3_BOLD
from textual.widget import Widget

_EXTRA = {"X": ("╲ ╱", " ╳ ", "╱ ╲")}


def glyph(character: str) -> tuple[str, str, str]:
    """The three rows (3 cells each) drawing one character; unknown characters stay small."""
    if character in _EXTRA:
        return _EXTRA[character]
    if character in DIGITS:
        at = DIGITS.index(character) * 3
        rows = DIGITS3X3_BOLD
        return rows[at].ljust(3), rows[at + 1].ljust(3), rows[at + 2].ljust(3)
    return "   ", f" {character} "[:3], "   "


def split_lines(text: str, width: int) -> list[str]:
    """``text`` as one line of block digits, or two split at a dash when one is wider than ``width``.

    A current application number (32 characters, 96 columns) does not fit 80 columns on one line.
    """
    if 3 * len(text) <= width or "-" not in text:
        return [text]
    dashes = [i for i, ch in enumerate(text) if ch == "-"]
    cut = min(dashes, key=lambda i: abs(2 * (i + 1) - len(text)))
    return [text[: cut + 1], text[cut + 1 :]]


class BigDigits:
    """A Rich renderable of ``text`` in block digits."""

    def __init__(self, text: str, style: Style | None = None) -> None:
        self.text = text
        self.style = style or Style(bold=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in split_lines(self.text, options.max_width):
            rows = ["", "", ""]
            for character in line:
                for i, part in enumerate(glyph(character)):
                    rows[i] += part
            for row in rows:
                yield Segment(row, self.style)
                yield Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max(len(line) for line in split_lines(self.text, options.max_width))
        return Measurement(3 * widest, 3 * widest)


class BigNumber(Widget):
    """A widget showing a number in block digits (the plain text is selectable beneath it)."""

    DEFAULT_CSS = """
    BigNumber {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, value: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.value = value
        """The number shown."""

    def render(self) -> BigDigits:
        return BigDigits(self.value, self.rich_style)

    def get_content_width(self, container, viewport) -> int:
        return 3 * max(len(line) for line in split_lines(self.value, container.width))

    def get_content_height(self, container, viewport, width: int) -> int:
        return 3 * len(split_lines(self.value, width))
