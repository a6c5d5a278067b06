"""补正: a supervisor's request for named materials, stored as a numbered notice with its move.

The notice and the status move are written in one transaction: the move's event carries the notice
number and the materials, the notice carries the reason and the deadline the citizen was given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from counterdesk.domain.clock import local, today
from counterdesk.domain.errors import CounterdeskError, InvalidInput
from counterdesk.domain.supplement import requested_materials, supplement_deadline
from counterdesk.domain.workflow import Status
from counterdesk.services import deadlines, workflow
from counterdesk.services.staff import Actor
from counterdesk.store.models import SupplementNotice, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog


@dataclass(frozen=True)
class Supplement:
    """A stored supplement request."""

    seq: int
    materials: list[str]
    reason: str
    deadline: date
    by: str
    at: datetime


def _as_supplement(row: SupplementNotice) -> Supplement:
    return Supplement(row.seq, json.loads(row.materials), row.reason, row.deadline, row.by_staff, local(row.at))


def request(session: Session, *, actor: Actor, number_or_id: int | str, materials: list[str], reason: str | None,
            deadline_days: int | None = None, expected_version: int | None = None,
            catalog: Catalog | None = None) -> tuple[workflow.MoveResult, Supplement]:
    """Ask for ``materials`` (codes of the application's matter) by a deadline in working days."""
    catalog = deadlines.default_catalog(catalog)
    try:
        application = workflow.find_application(session, number_or_id)
        codes = requested_materials(catalog.matter(application.matter_code), materials)
        text = workflow.clean_reason(reason)
        if text is None:
            raise InvalidInput("补正须写明原因。", code="reason_required", field="reason")
        due = supplement_deadline(today(), deadline_days, catalog.calendar)
        last = session.exec(select(func.max(SupplementNotice.seq))
                            .where(SupplementNotice.application_id == application.id)).one()
        seq = (last or 0) + 1
        notice = SupplementNotice(application_id=id_of(application), seq=seq, materials=json.dumps(codes),
                                  reason=text, deadline=due, by_staff=actor.id)
        session.add(notice)
    except CounterdeskError:
        session.rollback()
        raise
    # The notice is written by the move's commit, or dropped with it when the move is refused.
    moved = workflow.advance(session, actor=actor, number_or_id=id_of(application),
                             to_status=Status.SUPPLEMENT_REQUESTED, reason=text, expected_version=expected_version,
                             catalog=catalog, detail={"notice": seq, "materials": codes,
                                                      "deadline": due.isoformat()})
    return moved, Supplement(seq, codes, text, due, actor.id, local(moved.at))


def latest(session: Session, application_id: int) -> Supplement | None:
    """The application's latest supplement request, or None when none was made."""
    row = session.exec(select(SupplementNotice).where(SupplementNotice.application_id == application_id)
                       .order_by(col(SupplementNotice.seq).desc())).first()
    return _as_supplement(row) if row is not None else None
