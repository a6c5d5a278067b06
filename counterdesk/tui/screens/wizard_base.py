"""Base of every wizard screen: the header, the portal's step indicator, leaving for home."""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from counterdesk.tui.base import CounterScreen
from counterdesk.tui.wizard import PORTAL_STEPS, ROUTE, Draft, PlacedDraft, go, leave

DraftT = TypeVar("DraftT", Draft, PlacedDraft)


class StepIndicator(Static):
    """1 智能引导 › 2 办事指南 › 3 确认信息 › 4 材料提交 › 5 完成, the current one highlighted."""

    def __init__(self, current: int | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.current = current

    def on_mount(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, label in enumerate(PORTAL_STEPS):
            if i:
                text.append(" › ", style="dim")
            style = "bold reverse" if i == self.current else ("" if self.current and i < self.current else "dim")
            text.append(f" {i + 1} {label} ", style=style)
        self.update(text)


class WizardBase(CounterScreen[None], Generic[DraftT]):
    """A step of the wizard working on ``self.draft``."""

    STEP = ""
    """The key of this screen in ``wizard.ROUTE``."""
    TITLE_TEXT = ""
    """Shown in the desk header."""

    BINDINGS = [
        Binding("f10", "home", "回首页（草稿已保存）", priority=True),
        Binding("f9", "next", show=False, priority=True),
        Binding("f8", "back", show=False, priority=True),
    ]
    """F9 / F8 move a step on or back everywhere in the wizard. No text field binds them, unlike
    Ctrl+← / Ctrl+→ (word jumps) and Esc, which a screen with text fields must leave to the fields."""

    def __init__(self, draft: DraftT) -> None:
        super().__init__()
        self.draft: DraftT = draft
        """The application in hand."""

    def compose_header(self) -> ComposeResult:
        from counterdesk.tui.widgets.header import DeskHeader

        yield DeskHeader(id="header")
        yield StepIndicator(ROUTE[self.STEP][2], id="steps")

    def on_screen_resume(self) -> None:
        self.app.step = self.TITLE_TEXT

    def go(self, step: str) -> None:
        """Move to another step with the same draft."""
        go(self.app, step, self.draft)

    def action_home(self) -> None:
        leave(self.app)


class PlacingScreen(WizardBase[Draft]):
    """A step that chooses the matter or the county: the draft may not be stored yet."""


class WizardScreen(WizardBase[PlacedDraft]):
    """A step from 智能引导 on: the draft is stored, with its matter and county."""
