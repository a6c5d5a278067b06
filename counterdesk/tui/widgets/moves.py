"""The status moves on offer for the application in focus, as one clickable line.

The footer would show them too, but Textual rebuilds the whole footer whenever the keys on offer
change, which is every time the cursor reaches a row in another status: on a busy queue that
made each cursor move and the first page noticeably slower. This line is updated in place.
"""

from __future__ import annotations

from counterdesk.tui.widgets.keybar import OneLineBar


class MovesBar(OneLineBar):
    """``办件操作：A 受理  S 补正 …`` for the moves given; each label runs the move when clicked."""

    DEFAULT_CSS = """
    MovesBar {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    def show_moves(self, moves: tuple[str, ...], keys: dict[str, tuple[str, str]], *, focused: bool) -> None:
        """Show the keys of ``moves`` (target statuses), in ``keys`` order."""
        if not focused:
            self.show_text("[dim]办件操作：未选中办件[/]")
        elif not moves:
            self.show_text("[dim]办件操作：当前状态下没有您可以执行的变更[/]")
        else:
            offered = "  ".join(f"[b]{key.upper()}[/b] [@click=screen.move('{status}')]{label}[/]"
                                for status, (key, label) in keys.items() if status in moves)
            self.show_text(f"办件操作：{offered}")
