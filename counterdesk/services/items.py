"""包含事项 of a 一件事: opened at 受理, each set by staff as its department goes on, read by the
status lookup and the detail view.

The rule that an application completes only when every item is settled (统一出件) is
``domain.items.check_settled``; ``workflow.advance`` applies it to the move to ``completed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from counterdesk.domain.clock import local, now
from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.items import (
    ITEM_STATUSES,
    ItemState,
    ItemStatus,
    check_item_change,
    find_item,
    item_event_detail,
    may_change_items,
)
from counterdesk.domain.matter import Item
from counterdesk.domain.workflow import EventKind
from counterdesk.services import audit, deadlines, workflow
from counterdesk.services.access import load
from counterdesk.services.hall import get_hall
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, ApplicationItem, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog


@dataclass(frozen=True)
class ItemView(ItemState):
    """One item as stored, or as the matter lists it while the application awaits 受理 (no date)."""

    changed_at: datetime | None = None
    """When its status was last set; None before 受理."""
    changed_by: str | None = None
    note: str | None = None

    @property
    def status_label(self) -> str:
        """待办, 办理中, 已办结 or 不予办理."""
        return ITEM_STATUSES.get(self.status, self.status)

    def to_dict(self) -> dict[str, Any]:
        """The ``counterdesk status --json`` form: ``date`` is the hall's day of the last change."""
        return {"number": self.number, "name": self.name, "department": self.department, "status": self.status,
                "date": local(self.changed_at).date().isoformat() if self.changed_at else None}


def _stored(session: Session, application_id: int) -> list[ItemView]:
    rows = session.exec(select(ApplicationItem).where(ApplicationItem.application_id == application_id)
                        .order_by(col(ApplicationItem.number))).all()
    return [ItemView(r.number, r.name, r.department, r.status, r.changed_at, r.changed_by, r.note) for r in rows]


def _listed(listed: Sequence[Item]) -> list[ItemView]:
    return [ItemView(number, item.name, item.department, ItemStatus.PENDING) for number, item in enumerate(listed, 1)]


def of_matter(catalog: Catalog, application: Application) -> Sequence[Item]:
    """The items the application's matter lists now (none when the catalog no longer has it)."""
    matter = catalog.find(application.matter_code)
    return matter.items if matter else ()


def items_of(session: Session, application: Application, catalog: Catalog | None) -> list[ItemView]:
    """The application's items: as stored since 受理, else as its matter lists them, all pending.

    Empty for a matter without items (or one the catalog no longer has, before 受理).
    """
    stored = _stored(session, id_of(application))
    if stored or catalog is None:
        return stored
    return _listed(of_matter(catalog, application))


def _opened(shown: list[ItemView]) -> bool:
    """Whether the items were written at 受理 (those listed from the matter have no date)."""
    return bool(shown) and shown[0].changed_at is not None


def open_items(session: Session, application_id: int, listed: Sequence[Item], *, by_staff: str,
               at: datetime) -> list[ItemView]:
    """Write ``listed`` (the matter's items as they read now) as pending, at 受理; those written.

    Once only: an application accepted again after 补正 keeps its items' progress.
    """
    if not listed or _stored(session, application_id):
        return []
    written = _listed(listed)
    session.add_all(ApplicationItem(application_id=application_id, number=view.number, name=view.name,
                                    department=view.department, status=view.status, changed_at=at,
                                    changed_by=by_staff) for view in written)
    session.flush()
    return written


def opened_detail(written: Sequence[ItemView]) -> dict[str, Any]:
    """What the 受理 event says of the items it opened, so the window that received the application
    (a return package carries the event back) knows them as the 办理地 does."""
    return {"items": [{"name": view.name, "department": view.department} for view in written]} if written else {}


def follow(session: Session, application_id: int, *, kind: str, detail: dict[str, Any] | None, at: datetime,
           by_staff: str, note: str | None) -> None:
    """Keep the items here in step with an event another hall made (a return package's event).

    A 受理 event that names its items opens them; an item event sets that item. An event whose
    detail does not read as such changes nothing here (the event itself is kept all the same).
    """
    detail = detail or {}
    listed = detail.get("items")
    if kind == EventKind.MOVE and isinstance(listed, list):
        items = [Item(str(i.get("name", "")), str(i.get("department", ""))) for i in listed if isinstance(i, dict)]
        open_items(session, application_id, items, by_staff=by_staff, at=at)
        return
    number, target = detail.get("item"), detail.get("to")
    if kind != EventKind.ITEM or not isinstance(number, int) or target not in ITEM_STATUSES:
        return
    session.exec(update(ApplicationItem)
                 .where(col(ApplicationItem.application_id) == application_id, col(ApplicationItem.number) == number)
                 .values(status=target, changed_at=at, changed_by=by_staff, note=note))


@dataclass(frozen=True)
class ItemChange:
    """A change that was made: the item now, what it was, and the application's new version."""

    number: str | None
    item: ItemView
    from_status: str
    version: int


def set_status(session: Session, *, actor: Actor, number_or_id: int | str, item: int, to_status: str,
               note: str | None = None, expected_version: int | None = None,
               catalog: Catalog | None = None) -> ItemChange:
    """Set one item's status (``item``: its number, from 1), with an optional note, as an event.

    Staff of the application's window or a supervisor; after 受理 and before 办结. An application
    accepted before items were kept has them written now, from the matter as it reads today.
    Bumps the application's version, so a move decided on the items as they were is refused as stale.
    """
    catalog = deadlines.default_catalog(catalog)
    try:
        found = workflow.find_application(session, number_or_id)
        application = load(session, actor, id_of(found))
        text = workflow.clean_reason(note)
        shown = items_of(session, application, catalog)
        current = find_item(shown, item)
        target = check_item_change(application.status, current, to_status, opened=_opened(shown))
        moment = now()
        version = workflow.bump(session, application, expected_version)
        open_items(session, id_of(application), of_matter(catalog, application), by_staff=actor.id, at=moment)
        session.exec(update(ApplicationItem)
                     .where(col(ApplicationItem.application_id) == id_of(application),
                            col(ApplicationItem.number) == current.number)
                     .values(status=target, changed_at=moment, changed_by=actor.id, note=text))
        audit.record_status(session, application_id=id_of(application), from_status=application.status,
                            to_status=application.status, by_staff=actor.id, reason=text, kind=EventKind.ITEM,
                            detail=item_event_detail(current, target),
                            hall_code=workflow.event_hall(get_hall(session), application))
        session.commit()
    except CounterdeskError:
        session.rollback()
        raise
    changed = ItemView(current.number, current.name, current.department, target, moment, actor.id, text)
    return ItemChange(application.number, changed, current.status, version)


def editable(application_status: str, shown: list[ItemView]) -> bool:
    """Whether the items ``shown`` (``items_of``) may change while the application is in this status."""
    return bool(shown) and may_change_items(application_status, opened=_opened(shown))
