"""The papers the counter hands out, built from the catalog and the database: one place that turns
stored facts into the plain inputs of the PDF renderers (``documents/pdf/models.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from counterdesk.config import Settings
from counterdesk.documents.pdf.models import (
    AcceptanceData,
    CardData,
    CardMaterial,
    CommitmentData,
    Issuer,
    NoticeData,
    NoticeItem,
    PacketData,
    PacketFile,
    Party,
    PromisedMaterial,
    ReceiptData,
    ReceiptMaterial,
    RefusalData,
)
from counterdesk.domain import guidance
from counterdesk.domain.applicant import ENTERPRISE_LABELS, ApplicantKind
from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.attachment import SOURCES
from counterdesk.domain.clock import local, now, today
from counterdesk.domain.deadline import ClockState
from counterdesk.domain.errors import InvalidInput, NotFound
from counterdesk.domain.idnumbers import CREDIT_CODE_LABEL
from counterdesk.domain.masking import mask_address, mask_id_number, mask_name, mask_phone
from counterdesk.domain.matter import Material, Matter
from counterdesk.domain.pickup import PICKUP_METHODS, PickupMethod
from counterdesk.domain.promise import PromiseKind, tolerance_deadline
from counterdesk.domain.windows import window_label
from counterdesk.domain.workdays import add_working_days
from counterdesk.domain.workflow import EventKind, Status, status_label
from counterdesk.services import deadlines, promises, supplements
from counterdesk.services.access import load
from counterdesk.services.applicants import applicant_of
from counterdesk.services.applications import answers_of, place
from counterdesk.services.attachments import material_rows, store_of
from counterdesk.services.hall import DEFAULT_HALL_NAME, Hall, get_hall
from counterdesk.services.integrity import require_intact
from counterdesk.services.review import place_of, situation_of
from counterdesk.services.staff import Actor
from counterdesk.store.models import (
    Applicant,
    Application,
    Attachment,
    Pickup,
    Staff,
    StatusEvent,
    StoredFile,
    id_of,
    number_of,
    present,
    submitted_at_of,
)

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.documents.pdf.rendered import RenderedPdf

_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def card_for(session: Session, *, catalog: Catalog, hall: Hall | None, matter_code: str, county_code: str,
             answers: Mapping[str, str]) -> CardData:
    """The 明白卡 of a matter handled in a county: for a complete set of situation answers, or, without
    any answer, the generic card for the rack (every material, with the situations that need it).

    A partial set of answers is refused like an unanswered form: a card handed to a citizen is either
    their exact list or the whole list, never a mixture that reads like the one but is the other.
    ``session`` is taken like every service's, so a later card may add stored facts (the hall's
    address, opening hours) without changing its callers.
    """
    matter, county = place(catalog, matter_code, county_code)
    generic = not answers and bool(matter.questions)
    if generic:
        situation = [(q.text, "；".join(o.text for o in q.options)) for q in matter.questions]
        materials = [_card_material(matter, m, None) for m in matter.materials]
    else:
        guidance.validate_answers(matter, answers, complete=True)
        result = guidance.guide(matter, answers)
        situation = situation_of(matter, result.answers)
        materials = [_card_material(matter, m, result.answers) for m in result.materials]
    return CardData(
        hall_name=hall.name if hall is not None else DEFAULT_HALL_NAME,
        matter_name=matter.name,
        matter_code=matter.code,
        audience_label=matter.audience_label,
        county_name=county.name,
        county_code=county.code,
        place_name=catalog.place_name(county.code),
        situation=situation,
        materials=materials,
        process=list(matter.process),
        conditions=list(matter.conditions),
        time_limit_days=matter.time_limit_days,
        fee=matter.fee,
        phone=matter.phone,
        generated_at=now(),
        mode_label=matter.mode_label,
        office=matter.office_in(county.authority),
        generic=generic,
        legal_time_limit_days=matter.legal_time_limit_days,
        departments=[(item.name, item.department) for item in matter.items],
        legal_basis=list(matter.legal_basis),
        faq=[(f.q, f.a) for f in matter.faq],
    )


def _card_material(matter: Matter, material: Material, answers: Mapping[str, str] | None) -> CardMaterial:
    """A material as the card prints it: for these answers, or (``None``) with the situations that need it."""
    line = CardMaterial(name=material.name, kind=material.kind, copies=material.copies, required=material.required,
                        note=material.note, commitment=material.commitment, license=material.license_label)
    if answers is not None:
        return replace(line, tolerated=guidance.tolerable(matter, material, answers))
    tolerable = (None if material.tolerable_when is None
                 else tuple(guidance.situations(matter, material.tolerable_when)))
    return replace(line, when=tuple(guidance.situations(matter, material.when)), tolerable_when=tolerable)


def card_file_name(card: CardData) -> str:
    """A file name a clerk recognises in a folder: 明白卡-<matter>-<county>-<time>.pdf (通用明白卡-… for the rack)."""
    name = _UNSAFE_IN_FILE_NAME.sub("_", card.matter_name)[:40]
    kind = "通用明白卡" if card.generic else "明白卡"
    return f"{kind}-{name}-{card.county_name}-{card.generated_at:%Y%m%d-%H%M%S}.pdf"


def mail_card(settings: Settings, card: CardData, to: str, *, pdf: bytes | None = None) -> str:
    """E-mail the 明白卡 to the citizen through the hall's relay; returns the Message-ID."""
    from counterdesk.documents.mail import send_card
    from counterdesk.documents.pdf.card import render_card

    body = (
        f"您好！\n\n附件是您在{card.hall_name}咨询的“{card.matter_name}”明白卡"
        f"（办理地点：湖南省{card.place_name}），列明了您需要准备的全部材料。"
        "材料备齐后，请携带原件到窗口办理。\n\n"
        f"咨询电话：{card.phone or '请咨询办理窗口'}\n{card.hall_name}\n"
    )
    return send_card(settings.smtp, to, f"明白卡：{card.matter_name}", body, pdf or render_card(card),
                     card_file_name(card))


# -- the papers of each act (收件凭证, 受理通知书, 不予受理通知书, 一次性告知单) and the packet ---------------------------


def find_application(session: Session, *, actor: Actor | None, application_id: int | None = None,
                     number: str | None = None) -> Application:
    """The application by id or by number as typed; with ``actor``, only if they may work on it.

    Without an actor (the command line, run by whoever holds the database) no window check is made.
    """
    if number is not None:
        wanted = str(parse_application_number(number))
        application = session.exec(select(Application).where(Application.number == wanted)).first()
        if application is None:
            raise NotFound(f"没有编号为 {wanted} 的办件。", code="application_unknown")
        return load(session, actor, id_of(application)) if actor else application
    if application_id is None:
        raise TypeError("find_application needs an application id or a number")
    if actor is not None:
        return load(session, actor, application_id)
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("找不到该办件。", code="application_unknown")
    return application


def _desk(session: Session, application: Application) -> tuple[str, str, str]:
    """(hall name, window, clerk name) of the application."""
    staff = session.get(Staff, application.clerk_id)
    return get_hall(session).name, window_label(application.window), staff.name if staff else application.clerk_id


def _remedies(catalog: Catalog, county_code: str) -> tuple[str, str]:
    """Where a refusal may be reviewed (行政复议) and sued (行政诉讼) for a 办理地.

    A 市本级 department, or a functional area (an agency of the city), answers to the city's
    government; which court hears the case then depends on the defendant, so it is not named.
    """
    place = catalog.county(county_code)
    if place.level == "county":
        return f"{place.name}人民政府", f"{place.name}人民法院"
    return f"{catalog.city_of(county_code).name}人民政府", "有管辖权的人民法院"


def _location(catalog: Catalog, application: Application) -> str:
    return "湖南省" + place_of(catalog, application.county_code)


def _issuer(session: Session, application: Application, seal: str) -> Issuer:
    hall_name, window, clerk = _desk(session, application)
    return Issuer(body=hall_name, seal=seal, window=window, clerk=clerk)


def _party(application: Application, applicant: Applicant | None) -> Party:
    """The applicant as a paper handed out prints it: a person masked, an enterprise in full.

    The agent (经办人) is masked like a person, with the masked ID number beside the name: two people
    of one surname both read 王**, and the numbers tell them apart.
    """
    agent = mask_name(application.agent_name) if application.agent_name else ""
    agent_id = mask_id_number(application.agent_id_number) if application.agent_name else ""
    if applicant is None:
        return Party(name="申请人", id_label="证件号码", id_number="—", agent_name=agent, agent_id=agent_id)
    if applicant.kind == ApplicantKind.ENTERPRISE:
        # A company's name, credit code and legal representative are public registration data.
        return Party(name=applicant.name, id_label=CREDIT_CODE_LABEL, id_number=applicant.id_number,
                     legal_representative=applicant.legal_representative or "—", agent_name=agent, agent_id=agent_id)
    return Party(name=mask_name(applicant.name), id_label="证件号码", id_number=mask_id_number(applicant.id_number),
                 agent_name=agent, agent_id=agent_id)


def _submitted(session: Session, *, actor: Actor | None, application_id: int | None, number: str | None,
               paper: str) -> Application:
    application = find_application(session, actor=actor, application_id=application_id, number=number)
    if application.number is None:
        raise InvalidInput(f"该办件尚未提交，还没有{paper}。", code="not_submitted")
    return application


def receipt_for(session: Session, *, catalog: Catalog, actor: Actor | None = None, application_id: int | None = None,
                number: str | None = None) -> ReceiptData:
    """The 收件凭证 of a submitted application: what was received, one row per material, masked."""
    application = _submitted(session, actor=actor, application_id=application_id, number=number, paper="收件凭证")
    matter = catalog.matter(application.matter_code)
    issuer = _issuer(session, application, "业务专用章")
    pickup = session.get(Pickup, application.id)
    files = session.exec(select(Attachment, StoredFile.pages).join(StoredFile)
                         .where(Attachment.application_id == application.id).order_by(col(Attachment.id))).all()
    pages: dict[str, int] = {}
    sources: dict[str, list[str]] = {}
    for attachment, count in files:
        pages[attachment.material_code] = pages.get(attachment.material_code, 0) + count
        label = SOURCES.get(attachment.source, "")
        if label and label not in sources.setdefault(attachment.material_code, []):
            sources[attachment.material_code].append(label)
    materials = [ReceiptMaterial(m.name, pages[m.code], "、".join(sources.get(m.code, [])), m.kind, m.copies)
                 for m in matter.materials if m.code in pages]
    if pickup is not None and pickup.method == PickupMethod.COURIER:
        detail = (f"寄至 {mask_address(pickup.address) or '登记的地址'}，收件人 {mask_name(pickup.recipient)}"
                  f"（{mask_phone(pickup.phone)}）")
    else:
        detail = f"凭本凭证到{issuer.body}领取"
    return ReceiptData(
        issuer=issuer, application_number=number_of(application), matter_name=matter.name,
        location=_location(catalog, application), party=_party(application, applicant_of(session, application)),
        received_at=local(submitted_at_of(application)),
        pickup_method=PICKUP_METHODS.get(pickup.method if pickup else PickupMethod.ONSITE, ""), pickup_detail=detail,
        materials=materials, phone=matter.phone, generated_at=now(),
    )


def _last_move_to(session: Session, application: Application, status: Status) -> StatusEvent | None:
    return session.exec(select(StatusEvent).where(StatusEvent.application_id == application.id,
                                                  StatusEvent.kind == EventKind.MOVE,
                                                  StatusEvent.to_status == status)
                        .order_by(col(StatusEvent.id).desc())).first()


def acceptance_for(session: Session, *, catalog: Catalog, actor: Actor | None = None,
                   application_id: int | None = None, number: str | None = None) -> AcceptanceData:
    """The 受理通知书 of an accepted application, with the date the legal clock promises."""
    application = _submitted(session, actor=actor, application_id=application_id, number=number, paper="受理通知书")
    accepted = _last_move_to(session, application, Status.ACCEPTED)
    if accepted is None:
        raise NotFound("该办件尚未受理，不能出具受理通知书。", code="not_accepted")
    matter = catalog.matter(application.matter_code)
    accepted_at = local(accepted.at)
    promised = None
    if matter.time_limit_days:
        clock = deadlines.clock_of(session, application, catalog=catalog)
        promised = clock.due_date or add_working_days(accepted_at.date(), clock.limit_days, catalog.calendar)
    return AcceptanceData(
        issuer=_issuer(session, application, "受理专用章"), application_number=number_of(application),
        matter_name=matter.name, location=_location(catalog, application),
        party=_party(application, applicant_of(session, application)),
        received_at=local(submitted_at_of(application)), accepted_at=accepted_at, promised_date=promised,
        time_limit_days=matter.time_limit_days,
        holidays_counted=promised is None or catalog.calendar.knows(accepted_at.date(), promised),
        phone=matter.phone, generated_at=now(),
    )


def refusal_for(session: Session, *, catalog: Catalog, actor: Actor | None = None,
                application_id: int | None = None, number: str | None = None) -> RefusalData:
    """The 不予受理通知书 of a refused application: the reason given and the remedies."""
    application = _submitted(session, actor=actor, application_id=application_id, number=number,
                             paper="不予受理通知书")
    refused = _last_move_to(session, application, Status.REJECTED)
    if application.status != Status.REJECTED or refused is None:
        raise NotFound("该办件未被决定不予受理，不能出具不予受理通知书。", code="not_rejected")
    matter = catalog.matter(application.matter_code)
    review_body, court = _remedies(catalog, application.county_code)
    return RefusalData(
        issuer=_issuer(session, application, "受理专用章"), application_number=number_of(application),
        matter_name=matter.name, location=_location(catalog, application),
        party=_party(application, applicant_of(session, application)),
        received_at=local(submitted_at_of(application)), refused_at=local(refused.at), reason=refused.reason or "",
        review_body=review_body, court=court, phone=matter.phone, generated_at=now(),
    )


def notice_for(session: Session, *, catalog: Catalog, actor: Actor | None = None, application_id: int | None = None,
               number: str | None = None) -> NoticeData:
    """The 一次性告知单.

    After a supplement request (补正) it prints exactly the latest request: its materials, reason,
    deadline and number. For a draft at the counter it lists every material still missing or
    refused at pre-check. A submitted application nobody asked papers of has no notice.
    """
    application = find_application(session, actor=actor, application_id=application_id, number=number)
    matter = catalog.matter(application.matter_code)
    request = supplements.latest(session, id_of(application))
    if request is not None:
        wanted = set(request.materials)
        items = [NoticeItem(name=m.name, kind=m.kind, copies=m.copies, required=True, note=m.note)
                 for m in matter.materials if m.code in wanted]
    elif application.status == Status.DRAFT:
        items = _draft_outstanding(session, catalog, application)
    else:
        raise NotFound("该办件没有补正要求，无需一次性告知单。", code="no_supplement")
    hall_name, window, clerk = _desk(session, application)
    applicant = applicant_of(session, application)
    return NoticeData(
        hall_name=hall_name, matter_name=matter.name, location=_location(catalog, application),
        applicant_name=mask_name(applicant.name) if applicant else "申请人", items=items, window=window,
        clerk=clerk, phone=matter.phone, generated_at=now(), application_number=application.number or "",
        deadline=request.deadline if request else None, reason=request.reason if request else "",
        notice_seq=request.seq if request else None,
    )


def commitment_for(session: Session, *, catalog: Catalog, actor: Actor | None = None,
                   application_id: int | None = None, number: str | None = None) -> CommitmentData:
    """The 容缺受理承诺书 / 告知承诺书 the applicant signs: every material promised instead of handed in.

    For a submitted application, the promises as received, with their deadlines. For a draft at the
    counter (signed before it is submitted), the marks that hold, dated as if received today.
    """
    application = find_application(session, actor=actor, application_id=application_id, number=number)
    matter = catalog.matter(application.matter_code)
    draft = application.status == Status.DRAFT
    marks = (promises.standing_marks(session, catalog, application) if draft
             else promises.marks_of(session, id_of(application)))
    if not marks:
        raise NotFound("该办件没有容缺或告知承诺的材料，无需承诺书。", code="no_promise")
    listed: dict[str, list[PromisedMaterial]] = {PromiseKind.TOLERATED: [], PromiseKind.COMMITMENT: []}
    for material in matter.materials:
        row = marks.get(material.code)
        if row is None:
            continue
        due = row.due_on
        if draft and row.kind == PromiseKind.TOLERATED:
            due = tolerance_deadline(today(), row.days, catalog.calendar)
        listed.setdefault(row.kind, []).append(PromisedMaterial(material.name, material.kind, material.copies, due,
                                                                row.days))
    return CommitmentData(
        issuer=_issuer(session, application, "业务专用章"), application_number=application.number or "",
        matter_name=matter.name, location=_location(catalog, application),
        party=_party(application, applicant_of(session, application)),
        tolerated=listed[PromiseKind.TOLERATED], committed=listed[PromiseKind.COMMITMENT],
        received_at=None if draft else local(submitted_at_of(application)), phone=matter.phone, generated_at=now(),
    )


def commitment_file_name(data: CommitmentData) -> str:
    """容缺受理承诺书-<number, or the matter and time for a draft>.pdf."""
    if data.application_number:
        return f"{data.title}-{data.application_number}.pdf"
    name = _UNSAFE_IN_FILE_NAME.sub("_", data.matter_name)[:40]
    return f"{data.title}-{name}-{(data.generated_at or now()):%Y%m%d-%H%M%S}.pdf"


def _draft_outstanding(session: Session, catalog: Catalog, application: Application) -> list[NoticeItem]:
    """The draft's materials still missing or refused at pre-check, with the refusal reasons."""
    items = []
    for row in material_rows(session, catalog, application):
        if not row.outstanding:
            continue
        m = row.material
        reasons = "；".join(a.precheck_reason or "" for a in row.failed if a.precheck_reason)
        items.append(NoticeItem(name=m.name, kind=m.kind, copies=m.copies, required=m.required, note=m.note,
                                reason=reasons or ("预审未通过" if row.failed else None)))
    return items


def packet_for(session: Session, *, catalog: Catalog, settings: Settings, actor: Actor | None = None,
               application_id: int | None = None, number: str | None = None) -> tuple[PacketData, list[PacketFile]]:
    """The back office's packet: its cover (data in full) and every stored file in material order."""
    application = find_application(session, actor=actor, application_id=application_id, number=number)
    if application.number is None:
        raise InvalidInput("该办件尚未提交，还不能汇编申请材料。", code="not_submitted")
    matter = catalog.matter(application.matter_code)
    hall_name, window, clerk = _desk(session, application)
    applicant = present(applicant_of(session, application), "applicant of a submitted application")
    pickup = session.get(Pickup, application.id)
    store = store_of(settings)
    media = {f.sha256: f.media_type for f in session.exec(
        select(StoredFile).join(Attachment).where(Attachment.application_id == application.id))}
    attached = [(row.material, a) for row in material_rows(session, catalog, application) for a in row.attachments]
    require_intact(store, [(a.sha256, f"“{a.original_name}”（{material.name}）") for material, a in attached],
                   doing="汇编申请材料")
    files = [PacketFile(material_code=a.material_code, material_name=material.name, path=store.path_of(a.sha256),
                        media_type=media[a.sha256], original_name=a.original_name) for material, a in attached]
    enterprise = applicant.kind == ApplicantKind.ENTERPRISE
    promised, note = _promise_of(session, catalog, application, matter.time_limit_days)
    data = PacketData(
        hall_name=hall_name, application_number=number_of(application), matter_name=matter.name,
        location=_location(catalog, application), applicant_name=applicant.name,
        applicant_id=applicant.id_number, submitted_at=local(submitted_at_of(application)),
        pickup_method=PICKUP_METHODS.get(pickup.method if pickup else PickupMethod.ONSITE, ""), window=window,
        clerk=clerk, generated_at=now(), status=status_label(application.status),
        applicant_id_label=CREDIT_CODE_LABEL if enterprise else "证件号码",
        legal_representative=(applicant.legal_representative or "—") if enterprise else "",
        phone=applicant.mobile or "", email=applicant.email or "",
        addresses=[(ENTERPRISE_LABELS["residence_address"], applicant.residence_address or "")] if enterprise else
        [("户籍地址", applicant.household_address or ""), ("居住地址", applicant.residence_address or "")],
        agent=(application.agent_name, application.agent_id_number or "", application.agent_phone or "")
        if application.agent_name else None,
        pickup_detail=_pickup_in_full(pickup, hall_name), remark=application.remark,
        situation=situation_of(matter, answers_of(session, id_of(application))),
        promised_date=promised, promise_note=note,
        compiled_by=f"{actor.name}（{actor.id}）" if actor is not None else "",
    )
    return data, files


def _pickup_in_full(pickup: Pickup | None, hall_name: str) -> str:
    """The back office's pickup line: the courier's recipient, phone and address as given."""
    if pickup is None or pickup.method != PickupMethod.COURIER:
        return f"申请人凭收件凭证到{hall_name}领取"
    return f"寄至 {pickup.address or '—'}，收件人 {pickup.recipient or '—'}（{pickup.phone or '—'}）"


def _promise_of(session: Session, catalog: Catalog, application: Application, limit_days: int) -> tuple[date | None, str]:
    """承诺办结日期 and a note for the packet's cover: 即办, not yet accepted, paused, or extended."""
    if limit_days <= 0:
        return None, "即办（当场办结）"
    clock = deadlines.clock_of(session, application, catalog=catalog)
    if clock.state == ClockState.NOT_STARTED:
        return None, f"尚未受理（受理后 {limit_days} 个工作日内办结）"
    if clock.due_date is None and clock.state == ClockState.STOPPED:
        return None, "无（计时已停止）"
    notes = []
    if clock.state == ClockState.PAUSED:
        notes.append("计时暂停中" if clock.remaining is None else f"计时暂停中，余 {clock.remaining} 个工作日")
    if clock.extended_days:
        notes.append(f"含延期 {clock.extended_days} 个工作日")
    return clock.due_date, "，".join(notes)


def receipt_file_name(data: ReceiptData) -> str:
    """收件凭证-<number>.pdf."""
    return f"收件凭证-{data.application_number}.pdf"


def notice_file_name(data: NoticeData) -> str:
    """一次性告知单-<matter>-<time>.pdf."""
    name = _UNSAFE_IN_FILE_NAME.sub("_", data.matter_name)[:40]
    return f"一次性告知单-{name}-{data.generated_at:%Y%m%d-%H%M%S}.pdf"


@dataclass(frozen=True)
class Delivered:
    """What became of a paper, in Chinese, and the warning its PDF carries (see ``RenderedPdf``)."""

    message: str
    warning: str | None = None
    """Characters of the paper that print as blanks, as one sentence; None when everything prints."""


def deliver(settings: Settings, pdf: RenderedPdf, file_name: str, *, print_it: bool) -> Delivered:
    """Save a PDF in the hall's output folder and, when asked, print it; says what happened."""
    from counterdesk.documents.printing import print_pdf, save_pdf

    path = save_pdf(pdf, settings.output_dir, file_name)
    message = print_pdf(path).message if print_it else f"已保存到 {path}。"
    return Delivered(message, pdf.warning)
