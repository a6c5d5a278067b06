"""Hash chains for the append-only tables (status events, audit log).

Each row stores the hash of the previous row and its own hash over its content, so changing or
removing a row anywhere breaks the chain from there on. Appends are serialised: SQLite by its
``BEGIN IMMEDIATE`` write lock, PostgreSQL by a transaction-scoped advisory lock per table.

Rows are sealed with HMAC-SHA256 under the key in ``HOME/data/audit.key`` (``store/auditkey.py``),
so the chain cannot be recomputed by someone who reaches only the database. Rows written before
the key existed keep their plain SHA-256: the first keyed append records, outside the database,
the last such row of each chain (the switch point) and every commit moves the anchored head, so
``verify`` also notices the newest rows being deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlmodel import Session, col, func, select

from counterdesk.store.auditkey import Head, Keyring, keyring_of
from counterdesk.store.engine import insert_ids
from counterdesk.store.models import Applicant, AuditEntry, Setting, StatusEvent, id_of

GENESIS = "0" * 64
CHAINS: dict[str, type[StatusEvent] | type[AuditEntry]] = {"status_event": StatusEvent, "audit_log": AuditEntry}
_Row = TypeVar("_Row", StatusEvent, AuditEntry)
FieldsOf = Callable[[Any], dict[str, Any]]
"""What a chained row's hash covers: a stored row, or the same columns as attributes."""
DATABASE_SETTING = "audit_database"
"""The setting naming this database in the anchor file (one anchor file may serve several)."""
_LOCK_KEYS = {"status_event": 7_264_001, "audit_log": 7_264_002}
_BIND_LOCK = 7_264_000


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


def digest(prev_hash: str, fields: dict[str, Any], key: bytes | None = None) -> str:
    """The hash of one row: its predecessor's hash and its own content, keyed when ``key`` is given."""
    body = json.dumps({k: _canonical(v) for k, v in sorted(fields.items())}, ensure_ascii=False)
    message = (prev_hash + body).encode("utf-8")
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sealer(session: Session) -> Callable[[str, dict[str, Any]], str]:
    """``digest`` with this database's key, for rows chained in bulk (the batch importer)."""
    key = keyring_of(session.get_bind()).key()
    return lambda prev_hash, fields: digest(prev_hash, fields, key)


def append(session: Session, model: type[_Row], fields_of: FieldsOf, **values: Any) -> _Row:
    """Add a row of ``model`` chained to the last one; ``fields_of(row)`` names what is hashed."""
    table = model.__tablename__
    ring = keyring_of(session.get_bind())
    key = ring.key()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEYS[table]})
    database = _bind(session, ring)
    last = session.exec(select(model.hash).order_by(col(model.id).desc()).limit(1)).first()
    row = model(prev_hash=last or GENESIS, hash="", **values)
    row.hash = digest(row.prev_hash, fields_of(row), key)
    session.add(row)
    _follow(session, ring, database)["rows"][table] = row
    return row


def append_many(session: Session, model: type[_Row], fields_of: FieldsOf, rows: list[dict[str, Any]]) -> None:
    """Chain and insert many rows in one statement (the batch importer's applicant records)."""
    if not rows:
        return
    first = append(session, model, fields_of, **rows[0])
    session.flush()
    seal = sealer(session)
    prev = first.hash
    chained = []
    for values in rows[1:]:
        row = {**values, "prev_hash": prev}
        prev = row["hash"] = seal(prev, fields_of(SimpleNamespace(**row)))
        chained.append(row)
    if chained:
        ids = insert_ids(session, model, chained)
        note_head(session, model.__tablename__, Head(ids[-1], chained[-1]["hash"]))


def note_head(session: Session, table: str, head: Head) -> None:
    """A row chained in bulk is the chain's newest: anchor it when the transaction commits."""
    ring = keyring_of(session.get_bind())
    _follow(session, ring, _bind(session, ring))["heads"][table] = head


def _bind(session: Session, ring: Keyring) -> str:
    """This database's name in the anchor file; the first keyed append records the switch point."""
    setting = session.get(Setting, DATABASE_SETTING)
    if setting is None and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _BIND_LOCK})
        setting = session.get(Setting, DATABASE_SETTING, populate_existing=True)
    if setting is not None:
        return setting.value
    database = uuid.uuid4().hex
    applicants = session.exec(select(func.max(Applicant.id))).one() or 0
    ring.start(database, {table: _last(session, model) for table, model in CHAINS.items()}, applicants)
    session.add(Setting(key=DATABASE_SETTING, value=database))
    session.flush()
    return database


def _last(session: Session, model: type[StatusEvent] | type[AuditEntry]) -> Head | None:
    found = session.exec(select(col(model.id), model.hash).order_by(col(model.id).desc()).limit(1)).first()
    return Head(found[0], found[1]) if found and found[0] is not None else None


def _follow(session: Session, ring: Keyring, database: str) -> dict[str, Any]:
    """What this session appended, anchored after its commit and forgotten after a rollback."""
    state = session.info.get("audit_anchor")
    if state is None:
        state = session.info["audit_anchor"] = {"rows": {}, "heads": {}}
        event.listen(session, "after_flush_postexec", _flushed)
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_rollback", _rolled_back)
    state["ring"], state["database"] = ring, database
    return state


def _flushed(session: Session, _context: object) -> None:
    state = session.info["audit_anchor"]
    for table, row in list(state["rows"].items()):
        if row.id is not None:
            state["heads"][table] = Head(row.id, row.hash)
            del state["rows"][table]


def _committed(session: Session) -> None:
    state = session.info["audit_anchor"]
    if state["heads"]:
        # The rows are committed; an anchor that lags one commit behind still anchors a prefix,
        # and the next commit that appends moves it on.
        with contextlib.suppress(OSError):
            state["ring"].advance(state["database"], state["heads"])
    state["rows"].clear()
    state["heads"].clear()


def _rolled_back(session: Session) -> None:
    state = session.info["audit_anchor"]
    state["rows"].clear()
    state["heads"].clear()


def switch_point(session: Session) -> dict[str, Any] | None:
    """This database's anchor entry (None for a database whose chains were never keyed)."""
    setting = session.get(Setting, DATABASE_SETTING)
    return keyring_of(session.get_bind()).entry(setting.value) if setting is not None else None


def reanchor(session: Session) -> None:
    """Anchor both chains where they end now: a supervisor's restore rolled them back on purpose."""
    setting = session.get(Setting, DATABASE_SETTING)
    if setting is not None:
        keyring_of(session.get_bind()).reset(setting.value, {t: _last(session, m) for t, m in CHAINS.items()})


@dataclass(frozen=True)
class ChainBreak:
    """The first row whose hash or link does not match."""

    row_id: int
    reason: str


def verify(session: Session, model: type[_Row], fields_of: FieldsOf) -> tuple[int, ChainBreak | None]:
    """Walk the chain in id order: the number of rows checked and the first break, if any.

    Rows up to the switch point are checked with plain SHA-256, later ones with the key; the
    rows the anchor file names (switch point and newest row) must still be there, unchanged.
    """
    table = model.__tablename__
    ring = keyring_of(session.get_bind())
    setting = session.get(Setting, DATABASE_SETTING)
    legacy, head, key = None, None, None
    if setting is not None:
        entry = ring.entry(setting.value)
        if entry is None or entry.get("legacy") is None:
            return 0, ChainBreak(0, f"本机缺少此数据库的审计锚点（{ring.anchor_path}），无法确认链的起点和末尾："
                                    "请从首个窗口复制 audit.key 和 audit.anchor")
        key = ring.key(create=False)
        if key is None:
            return 0, ChainBreak(0, f"本机缺少审计密钥文件 {ring.key_path}，无法核对：请从首个窗口复制该文件")
        legacy, head = entry["legacy"].get(table), entry["head"].get(table)
    keyed_after = legacy["id"] if legacy else (0 if setting is not None else None)
    expected_prev = GENESIS
    count = 0
    pinned = {h["id"]: h["hash"] for h in (legacy, head) if h}
    for row in session.exec(select(model).order_by(col(model.id))).yield_per(1000):
        row_id = id_of(row)
        count += 1
        if row.prev_hash != expected_prev:
            return count, ChainBreak(row_id, "与前一条记录的链接不符（前一条被改动或删除）")
        sealed = None if keyed_after is None or row_id <= keyed_after else key
        if digest(row.prev_hash, fields_of(row), sealed) != row.hash:
            return count, ChainBreak(row_id, "内容与其哈希不符（该条记录被改动）")
        if row_id in pinned and pinned.pop(row_id) != row.hash:
            return count, ChainBreak(row_id, "与审计锚点记录的哈希不符（该条记录被改写）")
        expected_prev = row.hash
    if pinned:
        missing = max(pinned)
        return count, ChainBreak(missing, f"审计锚点记录的第 {missing} 条已不存在（末尾的记录被删除）")
    return count, None
