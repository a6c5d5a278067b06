"""One application in full (办件详情): applicant, agent, pickup, situation, attachments, history.

Personal data is shown in full only to a supervisor or to the window that took the application;
everyone else gets the masked form. Every full view is written to the audit log, so the hall can
always say who looked at a citizen's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from counterdesk.domain.applicant import ApplicantKind
from counterdesk.domain.attachment import PRECHECK, SOURCES
from counterdesk.domain.errors import Forbidden
from counterdesk.domain.idnumbers import id_type_label
from counterdesk.domain.masking import mask_email, mask_id_number, mask_name, mask_phone
from counterdesk.domain.pickup import PICKUP_METHODS, PickupMethod
from counterdesk.domain.workflow import Status, allowed_moves, status_label
from counterdesk.services import audit
from counterdesk.services.access import may_see_full, same_window
from counterdesk.services.applicants import applicant_of
from counterdesk.services.attachments import material_rows
from counterdesk.services.deadlines import default_catalog
from counterdesk.services.hall import get_hall
from counterdesk.services.items import ItemView, editable, items_of
from counterdesk.services.promises import NOTHING_OWED, Owed, PromiseView, owed_by, promises_of
from counterdesk.services.queue import Names, TimelineEvent, staff_names, timeline, with_owed
from counterdesk.services.staff import Actor
from counterdesk.services.workflow import find_application
from counterdesk.store.models import Applicant, Application, Attachment, GuidanceAnswer, Pickup, StoredFile, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.config import Settings
    from counterdesk.documents.pdf.rendered import RenderedPdf
    from counterdesk.services.papers import Delivered

HIDDEN = "（已隐藏）"
"""Shown instead of an address to someone who may not see it."""



@dataclass(frozen=True)
class PersonView:
    """The applicant (or the agent) as this viewer may see them."""

    kind: str
    id_type: str
    id_number: str
    name: str
    mobile: str = ""
    sex: str = ""
    email: str = ""
    household_address: str = ""
    residence_address: str = ""
    legal_representative: str = ""

    @property
    def id_type_label(self) -> str:
        """证件类型 in Chinese."""
        return id_type_label(self.id_type)


@dataclass(frozen=True)
class PickupView:
    """取件方式 as this viewer may see it."""

    method: str
    recipient: str = ""
    phone: str = ""
    address: str = ""

    @property
    def method_label(self) -> str:
        """现场取件 or 快递寄送."""
        return PICKUP_METHODS.get(self.method, self.method)


@dataclass(frozen=True)
class AttachmentView:
    """One attached file."""

    material_code: str
    material_name: str
    original_name: str
    pages: int
    source: str
    precheck: str
    precheck_reason: str | None
    sha256: str

    @property
    def source_label(self) -> str:
        """How the file came (扫描上传, 资料复用 …)."""
        return SOURCES.get(self.source, self.source)

    @property
    def precheck_label(self) -> str:
        """预审 result in Chinese."""
        return PRECHECK.get(self.precheck, self.precheck)


@dataclass(frozen=True)
class ApplicationDetail:
    """Everything about one application that this viewer may see."""

    id: int
    number: str | None
    status: str
    version: int
    matter_code: str
    matter_name: str
    county_code: str
    county_name: str
    window: int | None
    clerk: str
    clerk_name: str
    submitted_at: datetime | None
    full: bool
    """Whether personal data is shown unmasked (and the view was audited)."""
    applicant: PersonView | None
    agent: PersonView | None
    pickup: PickupView | None
    ticket_no: str | None
    remark: str
    situation: list[tuple[str, str]] = field(default_factory=list)
    """办事情形: question text and the chosen answer."""
    attachments: list[AttachmentView] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)
    moves: list[Status] = field(default_factory=list)
    """The statuses this viewer may move the application to."""
    staff: dict[str, str] = field(default_factory=dict)
    """Staff ID → name, for the history."""
    items: list[ItemView] = field(default_factory=list)
    """包含事项 and their progress."""
    items_editable: bool = False
    """Whether this viewer may change the items' status now."""
    owed: Owed = NOTHING_OWED
    """Tolerated materials still owed (容缺待补, 容缺逾期)."""
    promises: list[PromiseView] = field(default_factory=list)
    """Every material promised instead of handed in (容缺, 告知承诺), with where it stands."""

    @property
    def status_label(self) -> str:
        """The status in Chinese, with 容缺待补 (容缺逾期) while a tolerated material is owed."""
        return with_owed(status_label(self.status), self.owed)


def _hidden(value: str | None) -> str:
    return HIDDEN if value else ""


def _applicant_view(applicant: Applicant, full: bool) -> PersonView:
    if full:
        return PersonView(applicant.kind, applicant.id_type, applicant.id_number, applicant.name,
                          applicant.mobile or "", applicant.sex or "", applicant.email or "",
                          applicant.household_address or "", applicant.residence_address or "",
                          applicant.legal_representative or "")
    return PersonView(applicant.kind, applicant.id_type, mask_id_number(applicant.id_number),
                      mask_name(applicant.name), mask_phone(applicant.mobile), applicant.sex or "",
                      mask_email(applicant.email) if applicant.email else "",
                      _hidden(applicant.household_address), _hidden(applicant.residence_address),
                      mask_name(applicant.legal_representative) if applicant.legal_representative else "")


def _agent_view(application: Application, full: bool) -> PersonView | None:
    if not application.agent_name:
        return None
    number, name, phone = application.agent_id_number or "", application.agent_name, application.agent_phone
    if not full:
        number, name, phone = mask_id_number(number), mask_name(name), mask_phone(phone)
    return PersonView(ApplicantKind.PERSONAL, application.agent_id_type or "", number, name, phone or "")


def _pickup_view(pickup: Pickup | None, full: bool) -> PickupView | None:
    if pickup is None:
        return None
    if full or pickup.method == PickupMethod.ONSITE:
        return PickupView(pickup.method, pickup.recipient or "", pickup.phone or "", pickup.address or "")
    return PickupView(pickup.method, mask_name(pickup.recipient), mask_phone(pickup.phone),
                      _hidden(pickup.address))


def _situation(session: Session, application: Application, catalog: Catalog | None) -> list[tuple[str, str]]:
    """The answers in the matter's question order (unknown questions, from an older catalog, last)."""
    matter = catalog.find(application.matter_code) if catalog else None
    questions = {q.id: q for q in matter.questions} if matter else {}
    order = list(questions)
    answers = session.exec(select(GuidanceAnswer).where(GuidanceAnswer.application_id == application.id)).all()
    shown = []
    for answer in sorted(answers, key=lambda a: order.index(a.question_id) if a.question_id in questions
                         else len(order)):
        question = questions.get(answer.question_id)
        option = question.option(answer.option_id) if question else None
        shown.append((question.text if question else answer.question_id,
                      option.text if option else answer.option_id))
    return shown


def _attachments(session: Session, application: Application, catalog: Catalog | None) -> list[AttachmentView]:
    names = catalog.material_names(application.matter_code) if catalog else {}
    rows = session.exec(select(Attachment, StoredFile.pages).join(StoredFile)
                        .where(Attachment.application_id == application.id)
                        .order_by(col(Attachment.material_code), col(Attachment.id))).all()
    return [AttachmentView(a.material_code, names.get(a.material_code, a.material_code), a.original_name,
                           pages, a.source, a.precheck, a.precheck_reason, a.sha256) for a, pages in rows]


def detail(session: Session, *, actor: Actor, number_or_id: int | str,
           catalog: Catalog | None = None) -> ApplicationDetail:
    """The application as ``actor`` may see it; a full view is audited (``view_full``)."""
    application = find_application(session, number_or_id)
    full = may_see_full(actor, application)
    if application.number is None and not full:
        raise Forbidden("这是其他窗口的草稿，您无权查看。", code="other_window")
    applicant = applicant_of(session, application)
    may_move = actor.is_supervisor or same_window(actor, application)
    names = Names(catalog)
    staff = staff_names(session)
    included = items_of(session, application, catalog)
    shown = ApplicationDetail(
        id=id_of(application), number=application.number, status=application.status, version=application.version,
        matter_code=application.matter_code, matter_name=names.matter(application.matter_code),
        county_code=application.county_code, county_name=names.county(application.county_code),
        window=application.window, clerk=application.clerk_id, clerk_name=staff.get(application.clerk_id, ""),
        submitted_at=application.submitted_at, full=full,
        applicant=_applicant_view(applicant, full) if applicant else None,
        agent=_agent_view(application, full), pickup=_pickup_view(session.get(Pickup, application.id), full),
        ticket_no=application.ticket_no, remark=application.remark or "",
        situation=_situation(session, application, catalog),
        attachments=_attachments(session, application, catalog),
        events=timeline(session, id_of(application)),
        moves=allowed_moves(application.status, actor.role,
                            remote=get_hall(session).is_remote(application.county_code)) if may_move else [],
        staff=staff, items=included, items_editable=may_move and editable(application.status, included),
        owed=owed_by(session, id_of(application)),
        promises=promises_of(session, application, catalog=default_catalog(catalog)),
    )
    if full and applicant is not None:
        audit.record(session, "view_full", staff_id=actor.id,
                     target=application.number or f"draft:{application.id}", detail="办件详情")
        session.commit()
    else:
        session.rollback()
    return shown


def packet_pdf(session: Session, *, actor: Actor, catalog: Catalog, settings: Settings,
               number_or_id: int | str) -> tuple[RenderedPdf, str]:
    """The packet (申请材料汇编, personal data in full) as a PDF, and its application number.

    Only for a supervisor or the application's own window; every packet made is audited.
    """
    from counterdesk.documents.pdf.packet import render_packet
    from counterdesk.services.papers import packet_for

    application = find_application(session, number_or_id)
    if not may_see_full(actor, application):
        raise Forbidden("这是其他窗口的办件，您无权汇编其申请材料。", code="other_window")
    data, files = packet_for(session, catalog=catalog, settings=settings, actor=actor,
                             application_id=application.id)
    pdf = render_packet(data, files)
    audit.record(session, "view_full", staff_id=actor.id, target=data.application_number, detail="申请材料汇编")
    session.commit()
    return pdf, data.application_number


def save_packet(session: Session, *, actor: Actor, catalog: Catalog, settings: Settings,
                number_or_id: int | str) -> Delivered:
    """Make the packet and save it to the output folder; says where, in Chinese."""
    from counterdesk.services.papers import deliver

    pdf, number = packet_pdf(session, actor=actor, catalog=catalog, settings=settings, number_or_id=number_or_id)
    return deliver(settings, pdf, f"申请材料汇编-{number}.pdf", print_it=False)


def supplement_choices(session: Session, *, actor: Actor, catalog: Catalog,
                       number_or_id: int | str) -> list[tuple[str, str, bool]]:
    """The materials a supplement request (补正) may name: those that apply to the application's
    situation, as (code, name, whether still outstanding: missing or failed at pre-check)."""
    application = find_application(session, number_or_id)
    if not (actor.is_supervisor or same_window(actor, application)):
        raise Forbidden("这是其他窗口的办件，您无权操作。", code="other_window")
    rows = material_rows(session, catalog, application)
    session.rollback()
    return [(row.material.code, row.material.name, row.outstanding) for row in rows]
