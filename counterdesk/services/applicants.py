"""The applicant as submitted (申请人快照) and the record of every change to an applicant.

A submitted application keeps a snapshot of its applicant, so a later application of the same
person (at the counter or in a batch) updates the stored applicant without rewriting what was
submitted. Every save of an applicant's fields is recorded in the keyed audit chain with their
digest; ``verify_applicants`` finds a change made straight in the database.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlmodel import Session, col, select

from counterdesk.domain.applicant import ApplicantData
from counterdesk.services.chain import ChainBreak, switch_point
from counterdesk.store.models import Applicant, Application, AuditEntry, id_of

SNAPSHOT_FIELDS = ("kind", "id_type", "id_number", "name", "sex", "birth_date", "mobile", "email",
                   "household_address", "residence_address", "legal_representative")


def applicant_snapshot(applicant: Applicant | ApplicantData, applicant_id: int | None) -> str:
    """The applicant (a stored ``Applicant`` or a validated ``ApplicantData``) as submitted, as JSON."""
    values = {name: getattr(applicant, name, None) for name in SNAPSHOT_FIELDS}
    values["birth_date"] = values["birth_date"].isoformat() if values["birth_date"] else None
    return json.dumps({"id": applicant_id, **values}, ensure_ascii=False)


APPLICANT_SAVED = "applicant_saved"
"""The audit action recording an applicant's fields (as a digest) each time they are saved."""


def applicant_target(applicant_id: int) -> str:
    return f"applicant:{applicant_id}"


def applicant_digest(applicant: Applicant | ApplicantData, applicant_id: int | None) -> str:
    """SHA-256 of the applicant's fields, as recorded in the audit chain and checked by ``audit verify``."""
    return hashlib.sha256(applicant_snapshot(applicant, applicant_id).encode("utf-8")).hexdigest()


def applicant_of(session: Session, application: Application) -> Applicant | None:
    """Who applied: as submitted for a submitted application, as stored now for a draft.

    A later application of the same person updates the stored applicant; what this one was
    submitted with stays as it was (papers, status and exports all read it here).
    """
    if application.applicant_json:
        values = json.loads(application.applicant_json)
        if values.get("birth_date"):
            values["birth_date"] = date.fromisoformat(values["birth_date"])
        return Applicant(**values)
    return session.get(Applicant, application.applicant_id) if application.applicant_id else None


def verify_applicants(session: Session) -> tuple[int, ChainBreak | None]:
    """Every applicant's fields match the digest last recorded for them in the audit chain.

    Applicants stored before the chains were keyed, and not saved since, have no record and are
    not checked (the anchor file says how many there were).
    """
    anchor = switch_point(session)
    if anchor is None:
        return 0, None
    before = anchor.get("applicants_before", 0)
    recorded = dict(session.exec(select(AuditEntry.target, AuditEntry.detail)
                                 .where(AuditEntry.action == APPLICANT_SAVED).order_by(col(AuditEntry.id))).all())
    count = 0
    for applicant in session.exec(select(Applicant).order_by(col(Applicant.id))).yield_per(5000):
        count += 1
        applicant_id = id_of(applicant)
        digest = recorded.get(applicant_target(applicant_id))
        if digest is None and applicant_id <= before:
            continue
        if digest != applicant_digest(applicant, applicant_id):
            why = "没有登记记录" if digest is None else "与最后一次登记的内容不符"
            return count, ChainBreak(applicant_id, f"申请人 id={applicant_id} 的资料{why}（被直接改动）")
    return count, None
