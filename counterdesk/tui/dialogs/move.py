"""Confirm a status move (受理, 补正, 不予受理 …) and ask for its reason where one is needed.

A supplement request (补正) lists the missing materials at once (一次性告知): the materials that
apply to the application are offered as a checklist, those still outstanding already ticked, with
the reason and the deadline in working days that the 一次性告知单 prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static

from counterdesk.domain.supplement import DEFAULT_DEADLINE_DAYS, MAX_DEADLINE_DAYS
from counterdesk.domain.text import required_label
from counterdesk.domain.workflow import STATUSES, reason_required
from counterdesk.services.workflow import REASON_MAX
from counterdesk.tui.widgets.timeline import status_text

SUPPLEMENT_REASON = "以下材料缺少或不符合要求，请在期限内补齐"
"""The reason a supplement request starts with; the supervisor may write a more precise one."""


@dataclass(frozen=True)
class MoveAnswer:
    """What the supervisor confirmed: the reason ("" when none is needed and none was given) and,
    for a supplement request, the material codes and the deadline in working days (None: default)."""

    reason: str
    materials: list[str] = field(default_factory=list)
    deadline_days: int | None = None


class MoveDialog(ModalScreen[MoveAnswer | None]):
    """Returns the answer, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", priority=True),
        Binding("ctrl+s", "confirm", "确定", priority=True),
    ]

    def __init__(self, number: str, from_status: str, to_status: str,
                 materials: list[tuple[str, str, bool]] | None = None) -> None:
        super().__init__()
        self.number = number
        """The application being moved."""
        self.from_status = from_status
        self.to_status = to_status
        self.materials = list(materials or []) if to_status == "supplement_requested" else []
        """The applicable materials (code, name, still outstanding: ticked from the start), offered
        when a supplement is requested."""
        self.required = reason_required(from_status, to_status)
        """Whether the move needs a written reason (the workflow's rule)."""

    def compose(self) -> ComposeResult:
        title = Text(f"将办件 {self.number} 从“")
        title.append_text(status_text(self.from_status))
        title.append("”改为“")
        title.append_text(status_text(self.to_status))
        title.append("”")
        with Vertical(classes="dialog wide", id="move-box"):
            yield Static(f"改为“{STATUSES[self.to_status]}”", classes="dialog-title")
            yield Static(title, id="move-what")
            if self.supplement:
                yield Static("需补正的材料（空格勾选，可多选）：", classes="move-label")
                yield SelectionList[str](*((name, code, outstanding) for code, name, outstanding in self.materials),
                                         id="move-materials")
            yield Input(SUPPLEMENT_REASON if self.supplement else "", id="move-reason",
                        placeholder=self._placeholder(), max_length=REASON_MAX)
            if self.supplement:
                yield Input(id="move-days", type="integer", max_length=2,
                            placeholder=f"补正期限：工作日数，默认 {DEFAULT_DEADLINE_DAYS}，最多 {MAX_DEADLINE_DAYS}")
            yield Static("回车或 Ctrl+S 确定，Esc 取消", id="move-message", classes="message")

    @property
    def supplement(self) -> bool:
        return bool(self.materials)

    def _placeholder(self) -> str:
        if self.to_status == "supplement_requested":
            return f"补正原因（{required_label(True)}，如材料不清晰的具体情况）"
        return f"原因（{required_label(True)}）" if self.required else f"备注（{required_label(False)}）"

    def on_mount(self) -> None:
        self.query_one("#move-materials" if self.supplement else "#move-reason").focus()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_confirm()

    def _refuse(self, message: str) -> None:
        shown = self.query_one("#move-message", Static)
        shown.update(message)
        shown.add_class("error")

    def action_confirm(self) -> None:
        """Give the answer, unless something required is missing (the service checks the rest)."""
        reason = self.query_one("#move-reason", Input).value.strip()
        if not self.supplement:
            if self.required and not reason:
                self._refuse("请写明原因。")
                return
            self.dismiss(MoveAnswer(reason))
            return
        ticked = list(self.query_one("#move-materials", SelectionList).selected)
        days = self.query_one("#move-days", Input).value.strip()
        if not ticked:
            self._refuse("请勾选需补正的材料（一次告知，不可事后追加）。")
        elif not reason:
            self._refuse("请写明补正原因。")
        else:
            self.dismiss(MoveAnswer(reason, ticked, int(days) if days.isdigit() else None))

    def action_cancel(self) -> None:
        self.dismiss(None)
