"""The screen's keys on one line at the bottom, in place of Textual's ``Footer``.

``Footer`` builds one widget per key and rebuilds them all whenever the keys on offer change
(every focus change, every enabled/disabled switch). On the counter's machines that cost about
150 ms per screen; this bar is one widget whose text is replaced. A key's label can be clicked.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
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

    _shown: str | None = None
    """The markup on the bar now: a focus change that offers the same keys repaints nothing."""

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
        text = ("  " if roomy else " ").join(shown)
        if text != self._shown:
            self._shown = text
            # One line high whatever it says (see DEFAULT_CSS): the screen need not be laid out again.
            self.update(text, layout=False)
