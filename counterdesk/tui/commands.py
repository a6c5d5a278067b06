"""The command palette lists the keys of the screen it was opened on (Ctrl+P, then type 打印 …).

Every key the key bar shows becomes a command, named as in the bar with its key as help, so a
clerk who forgot a key finds it by its Chinese name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ScreenKeys(Provider):
    """The enabled bindings the calling screen shows in its key bar, as commands."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Awaitable[bool]]]]:
        commands: list[tuple[str, str, Callable[[], Awaitable[bool]]]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            # Widgets' own keys (cursor moves, text editing) would only bury the counter's actions.
            if active.node not in (self.screen, self.app) or not binding.show or not binding.description:
                continue
            if not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key_display or self.app.get_key_display(binding)
            run = partial(self.app.run_action, binding.action, active.node)
            commands.append((binding.description, f"快捷键 {key}", run))
        return commands

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
