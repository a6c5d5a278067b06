"""How a status, what is still owed (容缺), a file's pre-check and an application's history look on
screen (queue, detail, lookup, materials, review).

Reasons and names come from people and are shown as typed: everything is built as ``Text``,
never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from counterdesk.domain.attachment import PRECHECK, PRECHECK_SHORT
from counterdesk.domain.clock import show
from counterdesk.domain.items import ITEM_STATUSES, item_event_text
from counterdesk.domain.promise import supplied_event_text
from counterdesk.domain.text import shown
from counterdesk.domain.workflow import EventKind, status_label

if TYPE_CHECKING:
    from counterdesk.services.promises import Owed

STATUS_STYLES = {
    "received": "bold yellow",
    "in_transit": "yellow",
    "signed_for": "bold yellow",
    "accepted": "bold green",
    "in_progress": "bold cyan",
    "special_procedure": "cyan",
    "completed": "green",
    "ready": "bold green",
    "released": "green",
    "supplement_requested": "bold magenta",
    "resubmitted": "bold yellow",
    "rejected": "bold red",
    "withdrawn": "dim",
    "draft": "dim",
}
"""The colour of each status wherever it is shown."""


ITEM_STYLES = {"pending": "yellow", "in_progress": "cyan", "done": "green", "refused": "red"}
"""The colour of each status of an included item (包含事项)."""


def item_status_text(status: str) -> Text:
    """An included item's status as its coloured Chinese label."""
    return Text(ITEM_STATUSES.get(status, status), style=ITEM_STYLES.get(status, ""))


def status_text(status: str | None) -> Text:
    """A status as its coloured Chinese label."""
    if not status:
        return Text("")
    return Text(status_label(status), style=STATUS_STYLES.get(status, ""))


PRECHECK_STYLES = {"pending": "dim", "passed": "green", "failed": "bold red"}


def precheck_text(state: str, *, short: bool = False) -> Text:
    """A pre-check as its coloured label (``short`` for a column headed 预审)."""
    return Text((PRECHECK_SHORT if short else PRECHECK).get(state, state), style=PRECHECK_STYLES.get(state, ""))


OWED_STYLES = {False: "bold black on yellow", True: "bold white on red"}
"""容缺待补 in yellow, 容缺逾期 in red (by whether the deadline has passed), as 预警 and 逾期."""


def owed_text(owed: Owed) -> Text:
    """容缺待补 or 容缺逾期 as a coloured mark; empty when nothing is owed."""
    return Text(owed.label, style=OWED_STYLES[owed.overdue]) if owed.codes else Text("")


def staff_label(staff_id: str, names: Mapping[str, str] | None = None) -> str:
    """王科长（sup01）, or the bare ID when the name is not known."""
    name = (names or {}).get(staff_id)
    return f"{name}（{staff_id}）" if name else staff_id


def timeline_text(events: Iterable, names: Mapping[str, str] | None = None) -> Text:
    """The status events, oldest first, one line each and the reason indented below."""
    text = Text()
    for event in events:
        if text:
            text.append("\n")
        text.append(show(event.at), style="dim")
        text.append("  ")
        item = event.kind in (EventKind.ITEM, EventKind.SUPPLIED)
        if item:
            line = (item_event_text if event.kind == EventKind.ITEM else supplied_event_text)(event.detail or {})
            text.append(shown(line, markup=False), style="cyan")
        else:
            if event.from_status:
                text.append_text(status_text(event.from_status))
                text.append(" → ")
            text.append_text(status_text(event.to_status))
        text.append(f"  {shown(staff_label(event.by, names), markup=False)}", style="dim")
        if event.reason:
            text.append("\n    说明：" if item else "\n    原因：", style="dim")
            text.append(shown(event.reason, markup=False, newlines=True))
    return text or Text("（暂无办理记录）", style="dim")
