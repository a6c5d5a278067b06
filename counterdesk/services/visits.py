"""The visit log (来访): every ticket or walk-in ends with one outcome; 办不成事 gets its own case.

An in-person matter (办理模式 ``in_person``) cannot be received at a window elsewhere: the counter
gives the 明白卡 and records a 咨询 visit instead (``close_as_consultation``), and submission and
batch rows refuse it (``check_receivable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from counterdesk.config import DEFAULT_CASE_DAYS
from counterdesk.domain.clock import local, now, today
from counterdesk.domain.errors import InvalidInput, NotFound
from counterdesk.domain.visits import OUTCOMES, check_outcome, is_overdue, service_seconds
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import audit
from counterdesk.services.access import load_draft
from counterdesk.services.ratings import request_rating
from counterdesk.services.staff import Actor
from counterdesk.store.models import FailedCase, GuidanceAnswer, Visit, id_of

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.domain.matter import Matter

NOTE_MAX = 500


@dataclass(frozen=True)
class VisitRow:
    """A visit as lists and ``counterdesk visits --json`` show it."""

    id: int
    outcome: str
    outcome_label: str
    matter_code: str | None
    ticket_no: str | None
    note: str
    referred_to: str | None
    window: int | None
    staff_id: str
    called_at: datetime
    ended_at: datetime
    service_seconds: int
    case: dict[str, Any] | None
    """For 办不成事: the case (what, where, due_on, resolution, overdue)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "outcome": self.outcome, "outcome_label": self.outcome_label,
            "matter": self.matter_code, "ticket": self.ticket_no, "note": self.note, "referred_to": self.referred_to,
            "window": self.window, "staff": self.staff_id, "called_at": local(self.called_at).isoformat(),
            "ended_at": local(self.ended_at).isoformat(), "service_seconds": self.service_seconds, "case": self.case,
        }


def check_receivable(matter: Matter) -> None:
    """Refuse taking an application for a matter that must be handled in person at the 办理地."""
    if not matter.received_here:
        raise InvalidInput(f"“{matter.name}”须由申请人本人到办理地现场办理（{matter.mode_label}），"
                           "窗口不能代收，请给申请人明白卡并登记为咨询。", code="in_person_only", field="matter")


def _text(value: str | None, label: str, field: str, limit: int = NOTE_MAX) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput(f"{label}不超过 {limit} 个字。", code=f"visit_{field}", field=field)
    return value


def record_visit(session: Session, *, actor: Actor, catalog: Catalog, outcome: str, matter_code: str | None = None,
                 county_code: str | None = None, ticket_no: str | None = None, note: str | None = None,
                 referred_to: str | None = None, application_id: int | None = None,
                 called_at: datetime | None = None, case_days: int = DEFAULT_CASE_DAYS) -> Visit:
    """Record how a visit ended; a 办不成事 visit opens its case with a due date in working days."""
    check_outcome(outcome)
    if matter_code:
        catalog.matter(matter_code)
    if county_code:
        catalog.county(county_code)
    note = _text(note, "备注", "note")
    referred_to = _text(referred_to, "转办去向", "referred_to", 200) or None
    if outcome == "refer" and not referred_to:
        raise InvalidInput("转办须写明转给哪个部门或窗口。", code="visit_referred_to", field="referred_to")
    if outcome == "failed" and not note:
        raise InvalidInput("办不成事须写明什么事没办成。", code="visit_note", field="note")
    ended = now()
    visit = Visit(outcome=outcome, matter_code=matter_code or None, county_code=county_code or None,
                  ticket_no=_text(ticket_no, "叫号单号", "ticket", 32) or None, application_id=application_id,
                  note=note, referred_to=referred_to, window=actor.window, staff_id=actor.id,
                  called_at=min(called_at or ended, ended), ended_at=ended, day=local(ended).date())
    session.add(visit)
    session.flush()
    if outcome == "failed":
        where = catalog.matter(matter_code).name if matter_code else ""
        session.add(FailedCase(visit_id=id_of(visit), what=note, where=where,
                               due_on=add_working_days(visit.day, case_days, catalog.calendar)))
    audit.record(session, "visit", staff_id=actor.id, target=str(visit.id), detail=outcome)
    session.commit()
    session.refresh(visit)
    return visit


def close_as_consultation(session: Session, *, actor: Actor, catalog: Catalog, application_id: int) -> Visit:
    """End a draft of an in-person matter as a 咨询 visit: the citizen leaves with the 明白卡.

    The draft never becomes an application (it has no number), so it and its answers go; the
    visit keeps the matter, the county, the ticket and the time since the draft was opened, and
    the window's pad asks the citizen to rate it (一次一评).
    """
    draft = load_draft(session, actor, application_id)
    matter = catalog.matter(draft.matter_code)
    county = catalog.county(draft.county_code)
    for answer in session.exec(select(GuidanceAnswer).where(GuidanceAnswer.application_id == draft.id)):
        session.delete(answer)
    session.flush()  # the answers reference the draft: they must be gone before it
    called, ticket = draft.created_at, draft.ticket_no
    session.delete(draft)
    session.flush()
    visit = record_visit(session, actor=actor, catalog=catalog, outcome="consult", matter_code=matter.code,
                         county_code=county.code, ticket_no=ticket, called_at=called,
                         note=f"{matter.mode_label}事项，已给明白卡并告知办理机构")
    request_rating(session, actor=actor, visit_id=visit.id)
    return visit


def visits_of_day(session: Session, *, day: date | None = None, window: int | None = None) -> list[VisitRow]:
    """The visits of a day (today by default), oldest first, with their 办不成事 cases."""
    day = day or today()
    query = select(Visit, FailedCase).join(FailedCase, isouter=True).where(Visit.day == day)
    if window is not None:
        query = query.where(Visit.window == window)
    rows = session.exec(query.order_by(col(Visit.called_at), col(Visit.id))).all()
    return [_row(visit, case) for visit, case in rows]


def _row(visit: Visit, case: FailedCase | None) -> VisitRow:
    return VisitRow(id_of(visit), visit.outcome, OUTCOMES[visit.outcome], visit.matter_code, visit.ticket_no, visit.note,
                    visit.referred_to, visit.window, visit.staff_id, visit.called_at, visit.ended_at,
                    service_seconds(local(visit.called_at), local(visit.ended_at)),
                    None if case is None else _case(case))


def _case(case: FailedCase) -> dict[str, Any]:
    return {"id": case.id, "what": case.what, "where": case.where, "due_on": case.due_on.isoformat(),
            "resolution": case.resolution, "overdue": is_overdue(case.due_on, today(), case.resolution is not None)}


def failed_cases(session: Session, *, open_only: bool = False) -> list[dict[str, Any]]:
    """The 办不成事 ledger, oldest due first."""
    query = select(FailedCase)
    if open_only:
        query = query.where(col(FailedCase.resolution).is_(None))
    return [_case(case) for case in session.exec(query.order_by(col(FailedCase.due_on), col(FailedCase.id)))]


def resolve_failed(session: Session, *, actor: Actor, case_id: int, resolution: str) -> dict[str, Any]:
    """Record how a 办不成事 case was resolved."""
    case = session.get(FailedCase, case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的办不成事记录。", code="failed_case_unknown")
    resolution = _text(resolution, "办理结果", "resolution")
    if not resolution:
        raise InvalidInput("请写明办理结果。", code="visit_resolution", field="resolution")
    case.resolution, case.resolved_at, case.resolved_by = resolution, now(), actor.id
    session.add(case)
    audit.record(session, "failed_case_resolved", staff_id=actor.id, target=str(case.id))
    session.commit()
    return _case(case)


def counts_by_outcome(session: Session, day: date) -> dict[str, int]:
    """How many visits of each outcome on ``day`` (every outcome listed, zero included)."""
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome in session.exec(select(Visit.outcome).where(Visit.day == day)):
        counts[outcome] += 1
    return counts



def service_times(session: Session, day: date) -> dict[str, dict[str, tuple[int, float, float]]]:
    """Per window and per clerk: visits of ``day``, average and p90 service time in minutes."""
    seconds: dict[str, dict[str, list[int]]] = {"window": {}, "clerk": {}}
    rows = session.exec(select(Visit.window, Visit.staff_id, Visit.called_at, Visit.ended_at).where(Visit.day == day))
    for window, staff_id, called, ended in rows:
        spent = service_seconds(local(called), local(ended))
        seconds["window"].setdefault(str(window or "—"), []).append(spent)
        seconds["clerk"].setdefault(staff_id, []).append(spent)
    return {kind: {key: (len(values), round(sum(values) / len(values) / 60, 1), round(_p90(values) / 60, 1))
                   for key, values in sorted(by_key.items())}
            for kind, by_key in seconds.items()}


def _p90(values: list[int]) -> float:
    """The 90th percentile by the nearest-rank method (a single visit is its own p90)."""
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]
