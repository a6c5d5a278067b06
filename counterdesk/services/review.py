"""What the last wizard steps show: the draft in full for 确认提交, and the pickup form's defaults.

Read-only: the screens call these to draw, and the writes stay in ``applications`` and
``attachments``, so the review shows exactly what submit will check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from counterdesk.domain import guidance
from counterdesk.domain.applicant import ApplicantKind
from counterdesk.domain.matter import Matter
from counterdesk.domain.pickup import PickupMethod
from counterdesk.domain.workflow import Status
from counterdesk.services.access import load
from counterdesk.services.applications import answers_of, missing_for_submit
from counterdesk.services.attachments import MaterialRow, material_rows
from counterdesk.services.staff import Actor
from counterdesk.store.models import Applicant, Application, Pickup, StoredFile, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog


@dataclass(frozen=True)
class Review:
    """One draft (or submitted application) with everything the review screen lists."""

    application: Application
    matter: Matter
    place: str
    """Where it is handled, e.g. 岳阳市平江县."""
    situation: list[tuple[str, str]]
    """办事情形: each applicable question with the chosen answer, in the matter's order."""
    applicant: Applicant | None
    pickup: Pickup | None
    rows: list[MaterialRow]
    pages: dict[str, int] = field(default_factory=dict)
    """Pages of every attached file, by SHA-256."""
    missing: list[str] = field(default_factory=list)
    """Why it cannot be submitted yet (``missing_for_submit``); empty when it can."""


def place_of(catalog: Catalog, county_code: str) -> str:
    """City and place names, e.g. 岳阳市平江县 (长沙市本级 for a city's own level)."""
    return catalog.place_name(county_code)


def situation_of(matter: Matter, answers: dict[str, str]) -> list[tuple[str, str]]:
    """The answered questions that still apply, as (question, answer) texts."""
    shown = []
    for question in guidance.applicable_questions(matter, answers):
        option = question.option(answers.get(question.id, ""))
        if option is not None:
            shown.append((question.text, option.text))
    return shown


def review_of(session: Session, *, actor: Actor, catalog: Catalog, application_id: int) -> Review:
    """Everything about one application of the actor's window, for 确认提交."""
    application = load(session, actor, application_id)
    matter = catalog.matter(application.matter_code)
    rows = material_rows(session, catalog, application)
    hashes = {a.sha256 for row in rows for a in row.attachments}
    pages = {f.sha256: f.pages for f in session.exec(select(StoredFile).where(col(StoredFile.sha256).in_(hashes)))}
    applicant = session.get(Applicant, application.applicant_id) if application.applicant_id else None
    missing = missing_for_submit(session, catalog, application) if application.status == Status.DRAFT else []
    return Review(application=application, matter=matter, place=place_of(catalog, application.county_code),
                  situation=situation_of(matter, answers_of(session, id_of(application))), applicant=applicant,
                  pickup=session.get(Pickup, application.id), rows=rows, pages=pages, missing=missing)


def pickup_defaults(session: Session, *, actor: Actor, application_id: int) -> dict[str, str]:
    """The pickup form as stored, or prefilled from the applicant (recipient, phone, address)."""
    application = load(session, actor, application_id)
    pickup = session.get(Pickup, application.id)
    if pickup is not None:
        return {"method": pickup.method, "recipient": pickup.recipient or "", "phone": pickup.phone or "",
                "address": pickup.address or ""}
    applicant = session.get(Applicant, application.applicant_id) if application.applicant_id else None
    if applicant is None:
        return {"method": PickupMethod.ONSITE, "recipient": "", "phone": "", "address": ""}
    recipient = applicant.name if applicant.kind == ApplicantKind.PERSONAL else (applicant.legal_representative or "")
    address = applicant.residence_address or applicant.household_address or ""
    return {"method": PickupMethod.ONSITE, "recipient": recipient, "phone": applicant.mobile or "", "address": address}
