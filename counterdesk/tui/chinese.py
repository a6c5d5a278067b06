"""Textual's own texts in Chinese: the Ctrl+C hint, the command palette and its system commands.

Textual speaks English in a few places of its own; at a Chinese counter those are replaced, and
system commands that do not fit a counter (theme, screenshot, maximise, the key panel) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.align import Align
from rich.text import Text
from textual.app import App, SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

PLACEHOLDER = "搜索命令……"


def _chinese_select_menu() -> None:
    """A dropdown's only key in the key bar, Esc, says "Dismiss menu" in Textual; here 收起列表."""
    from textual.binding import Binding
    from textual.widgets._select import SelectOverlay  # the dropdown of every Select

    SelectOverlay.BINDINGS = [Binding("escape", "dismiss", "收起列表")]
    SelectOverlay._merged_bindings = SelectOverlay._merge_bindings()


_chinese_select_menu()
NO_MATCH = "没有匹配的命令"


class DeskPalette(CommandPalette):
    """The command palette with a Chinese placeholder and "no match" line."""

    def __init__(self) -> None:
        super().__init__(placeholder=PLACEHOLDER, id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual writes its English "No matches found" from inside this method (8.x); the same
        # countdown with the line in Chinese.
        self._stop_no_matches_countdown()

        def show_no_match() -> None:
            self._list_visible = bool(search_value)
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(NO_MATCH, style="not bold")), disabled=True, id=self._NO_MATCHES))

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_match)


if TYPE_CHECKING:
    _App = App[Any]
else:
    _App = object


class ChineseTexts(_App):
    """Mixed into the App before ``App``: Textual's texts replaced by Chinese ones."""

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("退出", "退出程序（Ctrl+Q），草稿已自动保存", self.action_quit)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(DeskPalette())

    def action_help_quit(self) -> None:
        """Ctrl+C copies in a text field; anywhere else the clerk probably wanted to quit."""
        self.notify("按 Ctrl+Q 退出程序（草稿已自动保存）。", title="要退出吗？", markup=False)
