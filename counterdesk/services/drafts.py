"""Placing the draft in hand, and discarding (作废) a draft that will not be finished.

The wizard's matter and location steps may be revisited.
When the clerk goes back and picks another county or matter for a draft already started, the
old draft must not linger on the home screen as a second, forgotten application for the same
citizen: it is withdrawn (撤回) with a reason, and the answers carry over when the matter is
the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.workflow import Status
from counterdesk.services.applications import answers_of, get, save_answers, start_draft
from counterdesk.services.staff import Actor
from counterdesk.services.workflow import withdraw
from counterdesk.store.models import Application, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

SUPERSEDED_REASON = "窗口重新选择了事项或办理地点，本草稿由新草稿取代。"
DISCARDED_REASON = "窗口作废本草稿。"


def place_draft(session: Session, *, actor: Actor, catalog: Catalog, application_id: int | None, matter_code: str,
                county_code: str) -> Application:
    """The draft for this matter and county: the one in hand if it already is, else a new one."""
    old = get(session, actor=actor, application_id=application_id) if application_id is not None else None
    if (old is not None and old.status == Status.DRAFT
            and (old.matter_code, old.county_code) == (matter_code, county_code)):
        return old
    new = start_draft(session, actor=actor, catalog=catalog, matter_code=matter_code, county_code=county_code)
    if old is None or old.status != Status.DRAFT:
        return new
    if old.matter_code == matter_code:
        save_answers(session, actor=actor, catalog=catalog, application_id=id_of(new),
                     answers=answers_of(session, id_of(old)))
    withdraw(session, actor=actor, number_or_id=id_of(old), reason=SUPERSEDED_REASON)
    return get(session, actor=actor, application_id=id_of(new))


def discard_draft(session: Session, *, actor: Actor, application_id: int) -> None:
    """作废: take a draft off the resume list for good, recorded as a withdrawal with its reason.

    A draft is never deleted: the status event says who discarded it and when, as for any 撤回.
    """
    draft = get(session, actor=actor, application_id=application_id)
    if draft.status != "draft":
        raise InvalidInput("只能作废尚未提交的草稿。", code="not_a_draft")
    withdraw(session, actor=actor, number_or_id=id_of(draft), reason=DISCARDED_REASON)
