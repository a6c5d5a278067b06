"""Confirm a status move (受理, 补正, 不予受理 …) and ask for its reason where one is needed.

A supplement request (补正) lists the missing materials at once (一次性告知): the materials that
apply to the application are offered as a checklist, those still outstanding already ticked, and
a note can be added.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static

from counterdesk.domain.text import required_label
from counterdesk.domain.workflow import STATUSES, reason_required
from counterdesk.services.workflow import REASON_MAX
from counterdesk.tui.widgets.timeline import status_text


class MoveDialog(ModalScreen[str | None]):
    """Returns the reason ("" when none is needed and none was given), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "取消", priority=True),
        Binding("ctrl+s", "confirm", "确定", priority=True),
    ]

    def __init__(self, number: str, from_status: str, to_status: str,
                 materials: list[tuple[str, bool]] | None = None) -> None:
        super().__init__()
        self.number = number
        """The application being moved."""
        self.from_status = from_status
        self.to_status = to_status
        self.materials = list(materials or []) if to_status == "supplement_requested" else []
        """The applicable materials and whether each is still outstanding (ticked from the start),
        offered when a supplement is requested."""
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
            if self.materials:
                yield Static("缺少的材料（空格勾选，可多选）：", classes="move-label")
                yield SelectionList[str](*((name, name, outstanding) for name, outstanding in self.materials),
                                         id="move-materials")
            yield Input(id="move-reason", placeholder=self._placeholder(), max_length=REASON_MAX)
            yield Static("回车或 Ctrl+S 确定，Esc 取消", id="move-message", classes="message")

    def _placeholder(self) -> str:
        if self.to_status == "supplement_requested":
            return "补充说明（如材料不清晰的具体情况）" if self.materials else f"缺少的材料（{required_label(True)}）"
        return f"原因（{required_label(True)}）" if self.required else f"备注（{required_label(False)}）"

    def on_mount(self) -> None:
        self.query_one("#move-materials" if self.materials else "#move-reason").focus()

    def reason(self) -> str:
        """The reason as it will be stored: the ticked materials, then the note."""
        note = self.query_one("#move-reason", Input).value.strip()
        if not self.materials:
            return note
        ticked = self.query_one("#move-materials", SelectionList).selected
        parts = [f"缺少材料：{'；'.join(ticked)}"] if ticked else []
        if note:
            parts.append(note)
        return "。".join(parts)

    @on(Input.Submitted, "#move-reason")
    def submitted(self) -> None:
        self.action_confirm()

    def action_confirm(self) -> None:
        """Give the reason, unless a required one is missing."""
        reason = self.reason()
        if self.required and not reason:
            message = self.query_one("#move-message", Static)
            message.update("请勾选缺少的材料或写明原因。" if self.materials else "请写明原因。")
            message.add_class("error")
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        self.dismiss(None)
