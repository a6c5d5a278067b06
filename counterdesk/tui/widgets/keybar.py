"""The screen's keys on one line at the bottom, in place of Textual's ``Footer``.

``Footer`` builds one widget per key and rebuilds them all whenever the keys on offer change
(every focus change, every enabled/disabled switch). On the counter's machines that cost about
150 ms per screen; this bar is one widget whose text is replaced. A key's label can be clicked.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Static


class OneLineBar(Static):
    """A bar one line high (its CSS says so) whose text is replaced in place.

    Replacing it never changes its size, so it asks for no layout of the screen, and the same text
    again repaints nothing: the key bar changes with every focus move, the moves bar with every row.
    """

    _shown: str | Text | None = None

    def show_text(self, text: str | Text) -> None:
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)


class KeyBar(OneLineBar):
    """The keys of the active bindings that are shown, enabled ones clickable, disabled ones dimmed."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.show_keys()

    def on_resize(self) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """Write the keys the screen offers now; closer together when they would not fit."""
        shown: list[str] = []
        width = 0
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            key, label = self.app.get_key_display(binding), binding.description
            width += cell_len(key) + 1 + cell_len(label)
            key, label = escape(key), escape(label)
            if enabled:
                shown.append(f"[b $footer-key-foreground]{key}[/] "
                             f"[@click=app.simulate_key({binding.key.split(',')[0]!r})]{label}[/]")
            else:
                shown.append(f"[dim]{key} {label}[/]")
        roomy = width + 2 * (len(shown) - 1) <= self.content_size.width
        self.show_text(("  " if roomy else " ").join(shown))
