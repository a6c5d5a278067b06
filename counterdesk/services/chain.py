"""Hash chains for the append-only tables (status events, audit log).

Each row stores the hash of the previous row and its own hash over its content, so changing or
removing a row anywhere breaks the chain from there on. Appends are serialised: SQLite by its
``BEGIN IMMEDIATE`` write lock, PostgreSQL by a transaction-scoped advisory lock per table.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

GENESIS = "0" * 64
_LOCK_KEYS = {"status_event": 7_264_001, "audit_log": 7_264_002}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def digest(prev_hash: str, fields: dict[str, Any]) -> str:
    """The hash of one row: its predecessor's hash and its own content."""
    body = json.dumps({k: _canonical(v) for k, v in sorted(fields.items())}, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(session: Session, model: type, fields_of, **values: Any):
    """Add a row of ``model`` chained to the last one; ``fields_of(row)`` names what is hashed."""
    table = model.__tablename__
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEYS[table]})
    last = session.exec(select(model.hash).order_by(model.id.desc()).limit(1)).first()
    row = model(prev_hash=last or GENESIS, hash="", **values)
    row.hash = digest(row.prev_hash, fields_of(row))
    session.add(row)
    return row


@dataclass(frozen=True)
class ChainBreak:
    """The first row whose hash or link does not match."""

    row_id: int
    reason: str


def verify(session: Session, model: type, fields_of) -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order: the number of rows checked and the first break, if any."""
    expected_prev = GENESIS
    count = 0
    for row in session.exec(select(model).order_by(model.id)).yield_per(1000):
        count += 1
        if row.prev_hash != expected_prev:
            return count, ChainBreak(row.id, "与前一条记录的链接不符（前一条被改动或删除）")
        if digest(row.prev_hash, fields_of(row)) != row.hash:
            return count, ChainBreak(row.id, "内容与其哈希不符（该条记录被改动）")
        expected_prev = row.hash
    return count, None
