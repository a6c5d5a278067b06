"""The audit log (审计日志): who did what, when. Append-only and hash-chained."""

from __future__ import annotations

import json
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlmodel import Session, col, select

from counterdesk.domain.workflow import LEGACY_LABELS, EventKind
from counterdesk.services import chain
from counterdesk.services.applicants import verify_applicants
from counterdesk.store.models import Application, AuditEntry, StatusEvent


def audit_fields(row: AuditEntry) -> dict[str, Any]:
    return {"at": row.at, "staff_id": row.staff_id, "action": row.action,
            "target": row.target, "detail": row.detail}


EVENT_EXTRAS = ("detail", "hall_code", "origin")
"""Columns a status event may carry besides the move itself. Each is hashed only when set, so a
column added later leaves the hashes of the rows written before it unchanged."""


def event_fields(row: StatusEvent | SimpleNamespace) -> dict[str, Any]:
    """What a status event's hash covers: the one place that says so, for appends and ``verify``."""
    fields = {"application_id": row.application_id, "at": row.at, "from": row.from_status,
              "to": row.to_status, "by": row.by_staff, "reason": row.reason}
    for name in EVENT_EXTRAS:
        value = getattr(row, name, None)
        if value is not None:
            fields[name] = value
    if getattr(row, "kind", EventKind.MOVE) != EventKind.MOVE:
        fields["kind"] = row.kind
    return fields


def record(session: Session, action: str, *, staff_id: str | None, target: str | None = None,
           detail: str | None = None) -> AuditEntry:
    """Append an audit entry to the session's transaction (the caller commits)."""
    return chain.append(session, AuditEntry, audit_fields, staff_id=staff_id, action=action,
                        target=target, detail=detail)


def record_status(session: Session, *, application_id: int, from_status: str | None,
                  to_status: str, by_staff: str, reason: str | None = None,
                  kind: EventKind = EventKind.MOVE, detail: dict[str, Any] | None = None,
                  hall_code: str | None = None, at: datetime | None = None,
                  origin: str | None = None) -> StatusEvent:
    """Append a status event to the session's transaction (the caller commits).

    ``detail`` holds what the act carries beyond the move (waybill, batch, days, result).
    An event copied from another hall's package keeps its time ``at`` and names its ``origin``.
    """
    moment = {"at": at} if at is not None else {}
    return chain.append(session, StatusEvent, event_fields, application_id=application_id,
                        from_status=from_status, to_status=to_status, by_staff=by_staff,
                        reason=reason, kind=kind,
                        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
                        hall_code=hall_code, origin=origin, **moment)


def verify_all(session: Session) -> dict[str, tuple[int, chain.ChainBreak | None]]:
    """Check both chains, then that every application's status is the one its events lead to."""
    return {
        "audit_log": chain.verify(session, AuditEntry, audit_fields),
        "status_event": chain.verify(session, StatusEvent, event_fields),
        "application_status": verify_statuses(session),
        "applicant": verify_applicants(session),
    }


def _settled(code: str) -> str:
    """The status a stored code stands for today (``submitted`` was renamed ``received``)."""
    return "received" if code in LEGACY_LABELS else code


def verify_statuses(session: Session) -> tuple[int, chain.ChainBreak | None]:
    """Every status is where the application's chained events leave it (a draft has none).

    A status written straight into the database, without its event, is found here: the events
    themselves cannot be added or changed without breaking the keyed chain.
    """
    last_event = (select(StatusEvent.to_status).where(StatusEvent.application_id == Application.id)
                  .order_by(col(StatusEvent.id).desc()).limit(1).scalar_subquery())
    rows = session.execute(select(Application.id, Application.number, Application.status, last_event)
                           .order_by(col(Application.id))).yield_per(5000)
    count = 0
    for app_id, number, status, last in rows:
        count += 1
        if _settled(last or "draft") != _settled(status):
            return count, chain.ChainBreak(app_id, f"办件 {number or app_id} 的状态“{status}”没有对应的状态记录"
                                                   f"（记录中最后为“{last or '草稿'}”，状态被直接改动）")
    return count, None
