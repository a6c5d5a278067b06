"""The counter wizard's use cases: start a draft, answer guidance, confirm the applicant, choose
pickup, submit. Every step is saved as it happens, so a crash loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from counterdesk.domain import guidance
from counterdesk.domain.applicant import ApplicantForm, ApplicantKind, validate_form
from counterdesk.domain.attachment import Precheck
from counterdesk.domain.clock import now
from counterdesk.domain.contact import validate_address, validate_name, validate_phone
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.pickup import COURIER_LABELS, PICKUP_METHODS, PickupMethod
from counterdesk.domain.workdays import WEEKENDS_ONLY
from counterdesk.domain.workflow import OPEN_STATUSES, Status, status_label
from counterdesk.services import audit
from counterdesk.services.access import load, load_draft
from counterdesk.services.applicants import APPLICANT_SAVED, applicant_digest, applicant_target
from counterdesk.services.staff import Actor
from counterdesk.services.submit import Channel, applicant_columns, form_columns, receive
from counterdesk.services.visits import check_receivable
from counterdesk.store.models import Applicant, Application, Attachment, GuidanceAnswer, Pickup, id_of

if TYPE_CHECKING:
    from datetime import datetime

    from counterdesk.catalog import Catalog
    from counterdesk.domain.matter import Matter, Region

STEPS = ("guidance", "guide", "applicant", "materials", "pickup", "review")


@dataclass(frozen=True)
class DraftSummary:
    """A draft of this window, for "resume" on the home screen."""

    id: int
    matter_code: str
    county_code: str
    step: str
    applicant_name: str | None
    updated_at: datetime


def place(catalog: Catalog, matter_code: str, county_code: str) -> tuple[Matter, Region]:
    """The matter and the county, refused unless the county is Hunan's and handles the matter.

    One rule for the wizard, the 明白卡 and the batch importer.
    """
    matter = catalog.matter(matter_code)
    county = catalog.county(county_code)
    if not matter.handled_in(county.code):
        raise InvalidInput(f"“{matter.name}”不在{county.name}办理，请另选办理地点。",
                           code="county_not_handled", field="county")
    return matter, county


def start_draft(session: Session, *, actor: Actor, catalog: Catalog, matter_code: str, county_code: str) -> Application:
    """Open a draft for a matter in a county where it is handled."""
    matter, _ = place(catalog, matter_code, county_code)
    application = Application(matter_code=matter.code, county_code=county_code, window=actor.window,
                              clerk_id=actor.id)
    session.add(application)
    session.commit()
    session.refresh(application)
    return application


def drafts_of_window(session: Session, *, actor: Actor) -> list[DraftSummary]:
    """The drafts a clerk may resume: those of their window (a supervisor sees their own)."""
    query = select(Application, Applicant.name).join(Applicant, isouter=True).where(Application.status == Status.DRAFT)
    if actor.window is not None:
        query = query.where((Application.window == actor.window) | (Application.clerk_id == actor.id))
    else:
        query = query.where(Application.clerk_id == actor.id)
    rows = session.exec(query.order_by(col(Application.updated_at).desc())).all()
    return [DraftSummary(id_of(a), a.matter_code, a.county_code, a.step, name or _typed_name(a), a.updated_at)
            for a, name in rows]


def _typed_name(application: Application) -> str | None:
    """The name on the form as typed so far, for a draft whose applicant is not confirmed yet."""
    try:
        name = saved_form(application).get("name")
    except (ValueError, AttributeError):
        return None
    return name.strip() or None if isinstance(name, str) else None


def _touch(session: Session, application: Application, step: str | None = None) -> None:
    application.updated_at = now()
    if step:
        application.step = step
    session.add(application)


def set_step(session: Session, *, actor: Actor, application_id: int, step: str) -> None:
    """Remember where the clerk is, so a resumed draft opens at the same step."""
    if step not in STEPS:
        raise InvalidInput(f"未知的步骤 {step}。", code="step")
    application = load_draft(session, actor, application_id)
    _touch(session, application, step)
    session.commit()


def answers_of(session: Session, application_id: int) -> dict[str, str]:
    rows = session.exec(select(GuidanceAnswer).where(GuidanceAnswer.application_id == application_id))
    return {r.question_id: r.option_id for r in rows}


def save_answers(session: Session, *, actor: Actor, catalog: Catalog, application_id: int,
                 answers: Mapping[str, str]) -> dict[str, str]:
    """Store the guidance answers (dropping those a changed answer made moot); returns them."""
    application = load_draft(session, actor, application_id)
    matter = catalog.matter(application.matter_code)
    guidance.validate_answers(matter, answers, complete=False)
    kept = guidance.clean_answers(matter, answers)
    for row in session.exec(select(GuidanceAnswer).where(GuidanceAnswer.application_id == application_id)):
        session.delete(row)
    session.flush()
    for question_id, option_id in kept.items():
        session.add(GuidanceAnswer(application_id=application_id, question_id=question_id, option_id=option_id))
    _touch(session, application)
    session.commit()
    return kept


def save_form(session: Session, *, actor: Actor, application_id: int, form: Mapping[str, str]) -> None:
    """Keep what was typed on the applicant form, valid or not (nothing typed is ever lost)."""
    application = load_draft(session, actor, application_id)
    application.form_json = json.dumps(dict(form), ensure_ascii=False)
    _touch(session, application, "applicant")
    session.commit()


def saved_form(application: Application) -> dict[str, str]:
    """The form as last typed, for a resumed draft."""
    return json.loads(application.form_json) if application.form_json else {}


def find_applicant(session: Session, id_type: str, id_number: str) -> Applicant | None:
    """A returning applicant, to prefill the form (the number must already be normalised)."""
    return session.exec(
        select(Applicant).where(Applicant.id_type == id_type, Applicant.id_number == id_number)
    ).first()


def applicant_form_values(applicant: Applicant) -> dict[str, str]:
    """A stored applicant as form values."""
    values = {"kind": applicant.kind, "id_type": applicant.id_type, "name": applicant.name,
              "mobile": applicant.mobile or "", "email": applicant.email or "",
              "residence_address": applicant.residence_address or ""}
    if applicant.kind == ApplicantKind.ENTERPRISE:
        values.update(credit_code=applicant.id_number, legal_representative=applicant.legal_representative or "")
    else:
        values.update(id_number=applicant.id_number, sex=applicant.sex or "",
                      household_address=applicant.household_address or "")
    return values


def open_applications_for(session: Session, *, applicant_id: int, matter_code: str,
                          exclude_id: int | None = None) -> list[Application]:
    """Open applications or drafts of the same applicant for the same matter."""
    query = select(Application).where(Application.applicant_id == applicant_id,
                                      Application.matter_code == matter_code,
                                      col(Application.status).in_(OPEN_STATUSES))
    if exclude_id is not None:
        query = query.where(Application.id != exclude_id)
    return list(session.exec(query))


def upsert_applicant(session: Session, form: ApplicantForm, *, staff_id: str | None = None) -> Applicant:
    """Insert or update the applicant row from a validated form (the caller commits).

    A change is recorded in the audit chain with the digest of the applicant's fields, which is
    how ``audit verify`` tells a change made here from one made straight in the database.
    """
    data = form.applicant
    applicant = find_applicant(session, data.id_type, data.id_number)
    before = applicant_digest(applicant, applicant.id) if applicant is not None else None
    applicant = applicant or Applicant(kind=data.kind, id_type=data.id_type, id_number=data.id_number,
                                       name=data.name)
    applicant.sqlmodel_update(applicant_columns(data))
    applicant.updated_at = now()
    session.add(applicant)
    session.flush()
    after = applicant_digest(applicant, applicant.id)
    if after != before:
        audit.record(session, APPLICANT_SAVED, staff_id=staff_id, target=applicant_target(id_of(applicant)),
                     detail=after)
    return applicant


def apply_form(application: Application, applicant: Applicant, form: ApplicantForm) -> None:
    """Copy the validated form onto the application (agent, remark, ticket)."""
    application.applicant_id = applicant.id
    application.sqlmodel_update(form_columns(form))


def confirm_applicant(session: Session, *, actor: Actor, application_id: int,
                      form: Mapping[str, str]) -> tuple[Applicant | None, dict[str, str]]:
    """Validate and store the applicant; on problems, keep the typed form and return them by field."""
    application = load_draft(session, actor, application_id)
    application.form_json = json.dumps(dict(form), ensure_ascii=False)
    cleaned, errors = validate_form(form)
    if cleaned is None:
        _touch(session, application, "applicant")
        session.commit()
        return None, errors
    applicant = upsert_applicant(session, cleaned, staff_id=actor.id)
    apply_form(application, applicant, cleaned)
    _touch(session, application, "materials")
    session.commit()
    session.refresh(applicant)
    return applicant, {}


def validate_pickup(method: str, recipient: str | None, phone: str | None,
                    address: str | None) -> Pickup:
    """A checked pickup choice (not yet tied to an application)."""
    if method not in PICKUP_METHODS:
        raise InvalidInput("取件方式只能是现场取件（onsite）或快递寄送（courier）。", code="pickup_method",
                           field="method")
    if method == PickupMethod.ONSITE:
        return Pickup(application_id=0, method=PickupMethod.ONSITE)
    for key, value in (("recipient", recipient), ("phone", phone), ("address", address)):
        if not (value or "").strip():
            raise InvalidInput(f"快递寄送需要填写{COURIER_LABELS[key]}。", code=f"pickup_{key}", field=key)
    return Pickup(application_id=0, method=PickupMethod.COURIER,
                  recipient=validate_name(recipient or "", field="recipient", label=COURIER_LABELS["recipient"]),
                  phone=validate_phone(phone or "", field="phone"),
                  address=validate_address(address or "", field="address", label=COURIER_LABELS["address"]))


def set_pickup(session: Session, *, actor: Actor, application_id: int, method: str,
               recipient: str | None = None, phone: str | None = None, address: str | None = None) -> Pickup:
    """Choose on-site pickup or courier delivery (recipient, phone and address required then)."""
    application = load_draft(session, actor, application_id)
    checked = validate_pickup(method, recipient, phone, address)
    pickup = session.get(Pickup, application_id) or Pickup(application_id=application_id, method=method)
    pickup.method, pickup.recipient, pickup.phone, pickup.address = (
        checked.method, checked.recipient, checked.phone, checked.address)
    session.add(pickup)
    _touch(session, application, "review")
    session.commit()
    session.refresh(pickup)
    return pickup


def missing_for_submit(session: Session, catalog: Catalog, application: Application) -> list[str]:
    """Why the application cannot be submitted yet, in Chinese; empty when it can.

    A required material marked 容缺 or 告知承诺 (and still allowed for the answers) is not missing.
    """
    from counterdesk.services.promises import standing_marks

    matter = catalog.matter(application.matter_code)
    answers = answers_of(session, id_of(application))
    problems = [f"尚未回答：{q.text}" for q in guidance.pending_questions(matter, answers)]
    if application.applicant_id is None:
        problems.append("尚未确认申请人信息。")
    attached = session.exec(select(Attachment).where(Attachment.application_id == application.id)).all()
    promised = standing_marks(session, catalog, application)
    for material in guidance.applicable_materials(matter, answers):
        mine = [a for a in attached if a.material_code == material.code]
        if any(a.precheck == Precheck.FAILED for a in mine):
            problems.append(f"材料预审未通过：{material.name}")
        elif material.required and not mine and material.code not in promised:
            problems.append(f"缺少必填材料：{material.name}")
    if session.get(Pickup, application.id) is None:
        problems.append("尚未选择取件方式。")
    return problems


REPEAT_OVERRIDE = "repeat_override"
"""Audit action: a supervisor let the counter open a second application of an applicant and matter."""


def open_repeats(session: Session, application: Application) -> list[Application]:
    """Submitted applications of the same applicant and matter still under way (drafts aside)."""
    if application.applicant_id is None:
        return []
    return [other for other in open_applications_for(session, applicant_id=application.applicant_id,
                                                     matter_code=application.matter_code,
                                                     exclude_id=application.id)
            if other.status != Status.DRAFT]


def override_repeat(session: Session, *, actor: Actor, application_id: int, supervisor: Actor) -> list[str]:
    """A supervisor lets this draft go on beside the applicant's open application(s) of the matter.

    ``supervisor`` is the one who authorised it (the actor, or one who has just given a password at
    the window). Recorded on the draft and in the audit log; returns the numbers it goes beside.
    """
    if not supervisor.is_supervisor:
        raise Forbidden("只有值班长可以授权重复申请。", code="role")
    application = load_draft(session, actor, application_id)
    numbers = [other.number or "" for other in open_repeats(session, application)]
    application.repeat_override_by = supervisor.id
    _touch(session, application)
    audit.record(session, REPEAT_OVERRIDE, staff_id=supervisor.id, target=f"draft:{id_of(application)}",
                 detail=json.dumps({"clerk": actor.id, "open": numbers}, ensure_ascii=False))
    session.commit()
    return numbers


def repeat_overridden(session: Session, application_id: int) -> bool:
    """Whether a supervisor has already let this draft go beside an open application."""
    application = session.get(Application, application_id)
    return application is not None and application.repeat_override_by is not None


def authorize_repeat(session: Session, *, actor: Actor, application_id: int, supervisor_id: str,
                     password: str) -> list[str]:
    """``override_repeat`` by a supervisor who gives their password at the clerk's window (checked and
    audited as any login is)."""
    from counterdesk.services.staff import authenticate

    supervisor = authenticate(session, supervisor_id, password)
    if not supervisor.is_supervisor:
        raise Forbidden(f"须由值班长授权，{supervisor.name}不是值班长。", code="role")
    return override_repeat(session, actor=actor, application_id=application_id, supervisor=supervisor)


def _refuse_repeat(session: Session, application: Application) -> None:
    others = open_repeats(session, application)
    if others and application.repeat_override_by is None:
        listed = "、".join(f"{o.number}（{status_label(o.status)}）" for o in others)
        raise InvalidInput(f"该申请人已有本事项尚未办结的办件 {listed}，须值班长授权才能再申请一件。",
                           code="repeat_application")


def submit(session: Session, *, actor: Actor, catalog: Catalog, application_id: int) -> str:
    """Submit a complete draft: give it its number and record the event, all in one transaction.

    A second open application of the same applicant and matter needs a supervisor's override
    (``override_repeat``); 容缺 and 告知承诺 marks that no longer hold are dropped, the rest dated.
    """
    from counterdesk.services.promises import drop_moot_marks

    application = load_draft(session, actor, application_id)
    check_receivable(catalog.matter(application.matter_code))
    problems = missing_for_submit(session, catalog, application)
    if problems:
        raise InvalidInput("还不能提交：" + "；".join(problems), code="incomplete")
    _refuse_repeat(session, application)
    drop_moot_marks(session, catalog, application)
    return finish_submit(session, actor=actor, application=application, catalog=catalog)


def finish_submit(session: Session, *, actor: Actor, application: Application, catalog: Catalog | None = None) -> str:
    """Receive a checked draft (a batch of one on the one submit path), then commit."""
    calendar = catalog.calendar if catalog is not None else WEEKENDS_ONLY
    [number] = receive(session, actor=actor, channel=Channel.COUNTER, drafts=[application], calendar=calendar)
    session.commit()
    return number


def get(session: Session, *, actor: Actor, application_id: int) -> Application:
    """An application the actor may work on."""
    return load(session, actor, application_id)
