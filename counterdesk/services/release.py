"""出件 (release): the result leaves the window, collected in person or sent by courier.

A collector shows an ID: the applicant's own, or the agent's (代领), who must bring a power of
attorney (授权委托书); anyone else is refused. A courier release records the waybill. Either way
the move ready → released is an event like any other, with the hand-over in its detail, and a
领取签收单 is printed for the collector's signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from counterdesk.domain.clock import local
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.masking import mask_id_number, mask_name
from counterdesk.domain.text import fold_width
from counterdesk.domain.workflow import Status, status_label
from counterdesk.services.access import load
from counterdesk.services.hall import get_hall
from counterdesk.services.staff import Actor
from counterdesk.services.transfer import clean_waybill
from counterdesk.services.workflow import MoveResult, advance, find_application
from counterdesk.store.models import Applicant, Application, Pickup, Staff, id_of, number_of, present

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.config import Settings
    from counterdesk.documents.pdf.release_slip import ReleaseSlipData


@dataclass(frozen=True)
class Released:
    """A release made, and the slip to print."""

    move: MoveResult
    slip: ReleaseSlipData


@dataclass(frozen=True)
class ToRelease:
    """An application as the 出件 window sees it before releasing; personal data masked."""

    number: str
    status: str
    matter_name: str
    applicant_masked: str
    agent_masked: str | None
    """The registered agent (经办人), who may collect with a power of attorney; None without one."""
    pickup: str | None
    """The 取件方式 the applicant chose at submission: ``onsite`` or ``courier``."""
    problem: str | None
    """Why it cannot be released by this staff member now, in Chinese; None when it can."""


def to_release(session: Session, *, actor: Actor, catalog: Catalog, number: str) -> ToRelease:
    """The application a typed number names (read as the lookup reads it), and whether it may be released."""
    application = find_application(session, number)
    problem = _not_ready(application)
    if problem is None:
        try:
            load(session, actor, id_of(application))
        except Forbidden as refused:
            problem = refused.message
    applicant = session.get(Applicant, application.applicant_id) if application.applicant_id else None
    pickup = session.get(Pickup, application.id)
    matter = catalog.find(application.matter_code)
    session.rollback()
    return ToRelease(number_of(application), application.status, matter.name if matter else application.matter_code,
                     mask_name(applicant.name) if applicant else "",
                     mask_name(application.agent_name) if application.agent_id_number else None,
                     pickup.method if pickup else None, problem)


def _not_ready(application: Application) -> str | None:
    """Why the application's result cannot go out yet (or any more); None when it is waiting for collection."""
    if application.status == Status.READY:
        return None
    return f"该办件当前为“{status_label(application.status)}”，只有“{status_label(Status.READY)}”的办件才能出件。"


def save_slip(settings: Settings, slip: ReleaseSlipData) -> Path:
    """The 领取签收单 saved in the hall's output folder (never over another file); its path."""
    from counterdesk.documents.pdf.release_slip import render_release_slip
    from counterdesk.documents.printing import save_pdf

    return save_pdf(render_release_slip(slip), settings.output_dir,
                    f"领取签收单-{slip.application_number}-{slip.released_at:%Y%m%d-%H%M%S}.pdf")


def _same_id(typed: str | None, stored: str | None) -> bool:
    if not typed or not stored:
        return False
    return fold_width(typed).replace(" ", "").upper() == stored.upper()


def release(session: Session, *, actor: Actor, catalog: Catalog, number: str, collector_id: str | None = None,
            power_of_attorney: bool = False, courier: bool = False, waybill: str | None = None) -> Released:
    """Release a ready application to its collector or a courier (exactly one of the two)."""
    from counterdesk.documents.pdf.release_slip import ReleaseSlipData

    if courier == bool((collector_id or "").strip()):
        raise InvalidInput("请二选一：现场领取时填写领取人证件号码，快递寄送时注明快递及运单号。", code="release_manner")
    application = find_application(session, number)
    if problem := _not_ready(application):
        session.rollback()
        raise InvalidInput(problem, code="not_ready", field="status")
    applicant = session.get(Applicant, application.applicant_id) if application.applicant_id else None
    detail: dict[str, Any]
    if courier:
        waybill = clean_waybill(waybill)
        if waybill is None:
            raise InvalidInput("快递寄送须填写运单号。", code="waybill", field="waybill")
        detail = {"manner": "courier", "waybill": waybill}
        manner, collector = "快递寄送", ""
    elif applicant is not None and _same_id(collector_id, applicant.id_number):
        detail = {"manner": "applicant", "collector_id": mask_id_number(applicant.id_number)}
        manner, collector = "本人领取", f"{mask_name(applicant.name)}（{mask_id_number(applicant.id_number)}）"
    elif _same_id(collector_id, application.agent_id_number):
        if not power_of_attorney:
            raise InvalidInput("经办人代领须出示申请人签署的授权委托书，核验无误后方可出件。",
                               code="power_of_attorney", field="collector")
        detail = {"manner": "agent", "collector_id": mask_id_number(application.agent_id_number),
                  "power_of_attorney": True}
        manner = "代领（凭授权委托书）"
        collector = f"{mask_name(application.agent_name)}（{mask_id_number(application.agent_id_number)}）"
    else:
        session.rollback()
        raise InvalidInput("领取人证件号码与申请人及登记的经办人均不符，不能出件。", code="collector_mismatch",
                           field="collector")
    matter = catalog.find(application.matter_code)
    moved = advance(session, actor=actor, number_or_id=id_of(application), to_status=Status.RELEASED, detail=detail)
    clerk = session.exec(select(Staff.name).where(Staff.id == actor.id)).first() or actor.id
    slip = ReleaseSlipData(
        hall_name=get_hall(session).name, application_number=present(moved.number, "number of a ready application"),
        matter_name=matter.name if matter else application.matter_code,
        applicant_masked=mask_name(applicant.name) if applicant else "", manner=manner,
        collector_masked=collector, waybill=detail.get("waybill"), clerk=f"{clerk}（{actor.id}）",
        released_at=local(moved.at))
    session.rollback()
    return Released(moved, slip)
