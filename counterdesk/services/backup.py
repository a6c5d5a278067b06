"""Backup and restore of the embedded SQLite database (PostgreSQL halls use pg_dump, see README).

The backup uses SQLite's online backup API, so it is consistent while windows keep working. A
restore checks the file first (a counterdesk database this code can open) and then reports every
attachment whose stored file is missing from the attachment store or no longer hashes to its name.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, func, select

from counterdesk.documents.filestore import FileStore
from counterdesk.documents.output import refuse_unsafe_target, write_atomically
from counterdesk.domain.errors import InvalidInput, StorageError
from counterdesk.services import audit, chain
from counterdesk.services.integrity import check
from counterdesk.store.engine import is_sqlite, migrate, normalise_url
from counterdesk.store.models import Application, Attachment


@dataclass(frozen=True)
class RestoreReport:
    """What a restored database holds, and which stored files it misses."""

    applications: int
    attachments: int
    missing_files: list[str]
    altered_files: list[str]
    """Stored files whose bytes no longer hash to their name (replaced or edited since)."""


def _sqlite_path(url: str) -> Path:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        raise InvalidInput("备份和恢复命令只适用于内置 SQLite 数据库；PostgreSQL 请使用 pg_dump / pg_restore。",
                           code="backup_backend")
    return Path(parsed.database)


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target_path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()


def backup(engine: Engine, target: Path, *, force: bool = False) -> Path:
    """Write a consistent copy of the live SQLite database to ``target`` (owner-only, atomically).

    An existing backup is replaced only with ``force``; a half-written backup never appears.
    """
    if not is_sqlite(engine):
        raise InvalidInput("备份命令只适用于内置 SQLite 数据库；PostgreSQL 请使用 pg_dump。", code="backup_backend")
    target = Path(target)
    refuse_unsafe_target(target, force=force)
    source = sqlite3.connect(_sqlite_path(str(engine.url)))

    def produce(staged: Path) -> None:
        copy = sqlite3.connect(staged)
        try:
            source.backup(copy)
        finally:
            copy.close()

    try:
        return write_atomically(target, produce, force=force)
    finally:
        source.close()


def restore(url: str, source: Path, store: FileStore, *, actor_id: str | None = None) -> RestoreReport:
    """Replace the database at ``url`` with the backup ``source``, then check it against the store.

    The restore is recorded in the restored database's audit log, as done by ``actor_id``.
    """
    source = Path(source)
    if not source.is_file():
        raise InvalidInput(f"找不到备份文件 {source}。", code="backup_missing")
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        tables = {r[0] for r in backup_db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as error:
        raise StorageError(f"{source} 不是可用的数据库文件（{error}）。", code="backup_invalid") from error
    if not {"alembic_version", "application"} <= tables:
        backup_db.close()
        raise StorageError(f"{source} 不是 counterdesk 的数据库备份。", code="backup_invalid")
    try:
        _copy(backup_db, _sqlite_path(url))
    finally:
        backup_db.close()
    from counterdesk.store.engine import make_engine

    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(engine) as session:
            applications = session.exec(select(func.count()).select_from(Application)).one()
            hashes = session.exec(select(Attachment.sha256)).all()
            # The restore rolls the chains back on purpose: anchor them where the backup ends.
            chain.reanchor(session)
            audit.record(session, "restore", staff_id=actor_id, target=source.name[-128:],
                         detail=f"applications={applications}")
            session.commit()
    finally:
        engine.dispose()
    missing: set[str] = set()
    altered: set[str] = set()
    for sha256 in set(hashes):
        broken = check(store, sha256, "")
        if broken is not None:
            (missing if broken.missing else altered).add(sha256)
    return RestoreReport(applications, len(hashes), sorted(missing), sorted(altered))
