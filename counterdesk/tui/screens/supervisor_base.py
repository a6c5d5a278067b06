"""What the queue, detail and lookup screens share: the desk context and the status-move keys.

A screen may be given its context (tests, another host) or use the App's ``ctx``. Moves run off the
UI thread (``run_service``); a move that lost a race to another window is reported and the screen reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from counterdesk.domain.errors import Conflict, CounterdeskError
from counterdesk.tui.base import CounterScreen
from counterdesk.tui.context import DeskContext
from counterdesk.tui.widgets.moves import MovesBar

if TYPE_CHECKING:
    from counterdesk.tui.dialogs.move import MoveAnswer

MOVE_KEYS: dict[str, tuple[str, str]] = {
    "accepted": ("a", "受理"),
    "in_progress": ("i", "办理中"),
    "completed": ("c", "办结"),
    "supplement_requested": ("s", "补正"),
    "resubmitted": ("b", "已补正"),
    "rejected": ("r", "不予受理"),
    "withdrawn": ("w", "撤回"),
}
"""Target status → key and label."""

MOVE_BINDINGS = [Binding(key, f"move('{status}')", label, show=False) for status, (key, label) in MOVE_KEYS.items()]
"""Shown in the screen's ``MovesBar`` rather than the footer (see ``widgets.moves``)."""


@dataclass(frozen=True)
class MoveTarget:
    """The application a move key acts on, as last read."""

    id: int
    number: str
    status: str
    version: int
    matter_code: str
    moves: tuple[str, ...]
    """The statuses the logged-in staff member may move it to."""


class DeskScreen(CounterScreen[None]):
    """A screen working with the database through a ``DeskContext``."""

    STEP_TITLE = ""
    """Shown in the desk header."""

    def __init__(self, ctx: DeskContext | None = None) -> None:
        super().__init__()
        self._ctx = ctx

    @property
    def ctx(self) -> DeskContext:
        """The desk context: the one given, else the App's."""
        return self._ctx if self._ctx is not None else self.app.ctx

    def on_screen_resume(self) -> None:
        if hasattr(self.app, "step"):
            self.app.step = self.STEP_TITLE

    def action_back(self) -> None:
        """Leave for the screen underneath."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()


class MovingScreen(DeskScreen):
    """A screen with one application in focus and a key for each move its viewer may make."""

    def move_target(self) -> MoveTarget | None:
        """The application under the cursor (override)."""
        return None

    def moved(self) -> None:
        """Called after a move was made or refused as stale: reload (override)."""

    def refresh_moves(self) -> None:
        """Show the moves on offer for the application in focus in the screen's ``MovesBar``."""
        target = self.move_target()
        for bar in self.query(MovesBar):
            bar.show_moves(tuple(target.moves) if target else (), MOVE_KEYS, focused=target is not None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            target = self.move_target()
            return target is not None and parameters[0] in target.moves
        return True

    def action_move(self, to_status: str) -> None:
        """Ask for the reason (where needed) and make the move."""
        target = self.move_target()
        if target is not None and to_status in target.moves:
            self.ask_reason(target, to_status)

    def ask_reason(self, target: MoveTarget, to_status: str) -> None:
        """Open the move dialog; a supplement request first reads which materials apply."""
        from counterdesk.services.detail import supplement_choices
        from counterdesk.tui.dialogs.move import MoveDialog

        def given(answer: MoveAnswer | None) -> None:
            if answer is not None:
                self.make_move(target, to_status, answer)

        def ask(materials: list[tuple[str, str, bool]]) -> None:
            self.app.push_screen(MoveDialog(target.number, target.status, to_status, materials), given)

        if to_status != "supplement_requested":
            ask([])
            return
        self.run_service(lambda: self.ctx.call(supplement_choices, actor=self.actor, catalog=self.catalog,
                                               number_or_id=target.id),
                         ask, group="move-ask", exclusive=True)

    def make_move(self, target: MoveTarget, to_status: str, answer: MoveAnswer) -> None:
        """Call the workflow service (a supplement request: its own) with the version the supervisor saw."""
        from counterdesk.domain.workflow import STATUSES
        from counterdesk.services.supplements import request
        from counterdesk.services.workflow import advance

        def made(_: object) -> None:
            self.notify(f"办件 {target.number} 已改为“{STATUSES[to_status]}”。", markup=False)
            self.moved()

        def refused(error: CounterdeskError) -> None:
            if isinstance(error, Conflict):
                self.notify(error.message, severity="warning", markup=False)
                self.moved()
            else:
                self.notify(error.message, severity="error", markup=False)

        if answer.materials:
            self.run_service(lambda: self.ctx.call(request, actor=self.actor, number_or_id=target.id,
                                                   materials=answer.materials, reason=answer.reason,
                                                   deadline_days=answer.deadline_days,
                                                   expected_version=target.version, catalog=self.catalog),
                             made, refused=refused, group="move")
            return
        self.run_service(lambda: self.ctx.call(advance, actor=self.actor, number_or_id=target.id, to_status=to_status,
                                               reason=answer.reason or None, expected_version=target.version,
                                               catalog=self.catalog),
                         made, refused=refused, group="move")
