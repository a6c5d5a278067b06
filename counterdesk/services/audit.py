"""The audit log (审计日志): who did what, when. Append-only and hash-chained."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from counterdesk.domain.workflow import EventKind
from counterdesk.services import chain
from counterdesk.store.models import AuditEntry, StatusEvent


def _audit_fields(row: AuditEntry) -> dict:
    return {"at": row.at, "staff_id": row.staff_id, "action": row.action,
            "target": row.target, "detail": row.detail}


def event_fields(row: StatusEvent) -> dict:
    fields = {"application_id": row.application_id, "at": row.at, "from": row.from_status,
              "to": row.to_status, "by": row.by_staff, "reason": row.reason}
    # Fields added later are hashed only when set, so events chained before them still verify.
    extra = {"kind": None if row.kind == EventKind.MOVE else row.kind, "detail": row.detail,
             "hall": row.hall_code, "origin": getattr(row, "origin", None)}
    return fields | {key: value for key, value in extra.items() if value is not None}


def record(session: Session, action: str, *, staff_id: str | None, target: str | None = None,
           detail: str | None = None) -> AuditEntry:
    """Append an audit entry to the session's transaction (the caller commits)."""
    return chain.append(session, AuditEntry, _audit_fields, staff_id=staff_id, action=action,
                        target=target, detail=detail)


def record_status(session: Session, *, application_id: int, from_status: str | None,
                  to_status: str, by_staff: str, reason: str | None = None,
                  kind: EventKind = EventKind.MOVE, detail: dict | None = None,
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
    """Check both chains: rows checked and the first break of each."""
    return {
        "audit_log": chain.verify(session, AuditEntry, _audit_fields),
        "status_event": chain.verify(session, StatusEvent, event_fields),
    }
