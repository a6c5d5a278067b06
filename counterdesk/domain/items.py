"""包含事项: the items of a 一件事, each handled by its own department (DOMAIN.md §6).

A matter's ``[[items]]`` are handled in parallel (并联审批) once the application is accepted: each
has its own status and date. The result is released together (统一出件), so the application may be
completed (办结) only when every item is settled: done (已办结) or refused (不予办理).

Stored codes are English and stable; the Chinese labels are for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from counterdesk.domain.errors import Conflict, InvalidInput
from counterdesk.domain.workflow import Status, status_label


class ItemStatus(StrEnum):
    """The status of one included item, in the order an item usually passes through them."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REFUSED = "refused"


ITEM_STATUSES: dict[str, str] = {
    ItemStatus.PENDING: "待办",
    ItemStatus.IN_PROGRESS: "办理中",
    ItemStatus.DONE: "已办结",
    ItemStatus.REFUSED: "不予办理",
}
"""Item status code → Chinese label, in the order of :class:`ItemStatus`."""

SETTLED: frozenset[ItemStatus] = frozenset({ItemStatus.DONE, ItemStatus.REFUSED})
"""An item in one of these no longer holds up the release of the result."""

ITEM_WORK: frozenset[Status] = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.SPECIAL_PROCEDURE})
"""Application statuses of 办理, after 受理 and before 办结: the departments work on the items."""

PAUSED_WORK: frozenset[Status] = frozenset({Status.SUPPLEMENT_REQUESTED, Status.RESUBMITTED})
"""补正: the items keep their progress, and may change, once they were opened at 受理 (an application
asked for papers before it was accepted has none yet)."""


@dataclass(frozen=True)
class ItemState:
    """One item of an application: its place in the matter's list (from 1), name, department, status."""

    number: int
    name: str
    department: str
    status: str


def item_status_label(status: str) -> str:
    """The Chinese label of an item status code, refusing unknown codes with the choices named."""
    label = ITEM_STATUSES.get(status) if isinstance(status, str) else None
    if label is None:
        choices = "、".join(f"{code}（{name}）" for code, name in ITEM_STATUSES.items())
        raise InvalidInput(f"未知的事项状态“{status}”，可选：{choices}。", code="unknown_item_status", field="status")
    return label


def as_item_status(status: str) -> ItemStatus:
    """The :class:`ItemStatus` of a stored or typed code, refusing unknown codes in Chinese."""
    item_status_label(status)
    return ItemStatus(status)


def unsettled(items: Iterable[ItemState]) -> list[ItemState]:
    """The items still holding up the release, in their order."""
    return [item for item in items if item.status not in SETTLED]


def _named(item: ItemState) -> str:
    return f"{item.number}. {item.name}（{item.department}，{item_status_label(item.status)}）"


def check_settled(items: Sequence[ItemState]) -> None:
    """Refuse completing an application while an item is neither done nor refused (统一出件).

    Raises Conflict ``items_open`` naming every open item; an application without items passes.
    """
    open_items = unsettled(items)
    if open_items:
        raise Conflict(f"还有 {len(open_items)} 项包含事项未办结：{'；'.join(_named(i) for i in open_items)}。"
                       "各项均已办结或不予办理后，办件才能办结（统一出件）。", code="items_open")


def find_item(items: Sequence[ItemState], number: int) -> ItemState:
    """The item with this number; refuses one the application does not have, saying how many it has."""
    for item in items:
        if item.number == number:
            return item
    if not items:
        raise InvalidInput("该办件的事项不含包含事项。", code="no_items", field="item")
    raise InvalidInput(f"没有第 {number} 项包含事项，该办件共 {len(items)} 项。", code="item_unknown", field="item")


def may_change_items(application_status: str, *, opened: bool) -> bool:
    """Whether the items of an application in ``application_status`` may change; ``opened``: its
    items were written at 受理."""
    return application_status in ITEM_WORK or (opened and application_status in PAUSED_WORK)


def check_item_change(application_status: str, item: ItemState, to_status: str, *, opened: bool) -> ItemStatus:
    """The new status of ``item``, after refusing a change the application's status does not allow
    (before 受理 or after 办结) or one that changes nothing."""
    target = as_item_status(to_status)
    if not may_change_items(application_status, opened=opened):
        raise InvalidInput(f"办件当前为“{status_label(application_status)}”，不能变更包含事项的状态："
                           "受理后、办结前才能变更。", code="items_closed", field="status")
    if item.status == target:
        raise InvalidInput(f"事项“{item.name}”已是“{ITEM_STATUSES[target]}”。", code="item_unchanged", field="status")
    return target


def item_event_detail(item: ItemState, to_status: str) -> dict[str, Any]:
    """What the event of an item's change records: which item (as at 受理) and from what to what."""
    return {"item": item.number, "name": item.name, "department": item.department, "from": item.status,
            "to": to_status}


def item_event_text(detail: Mapping[str, Any]) -> str:
    """An item event as one line of a history: 事项 1“企业设立登记”：待办 → 已办结."""
    before, after = detail.get("from"), detail.get("to")
    change = " → ".join(ITEM_STATUSES.get(str(code), str(code)) for code in (before, after) if code)
    return f"事项 {detail.get('item', '?')}“{detail.get('name', '')}”：{change}"
