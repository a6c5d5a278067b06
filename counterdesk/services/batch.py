"""Batch import (批量导入): applications collected elsewhere become submitted applications.

Every row goes through the counter's checks (``batchrows.check_row``). Rows that pass are stored in
chunks, each chunk one transaction on the counter's own submit path (``submit.receive``), which
gives numbers, stamps and status events as it does for one application at the counter.
Attachments are copied into the store before the transaction that refers to them, so a kill at any
moment leaves the database consistent (at worst an unreferenced stored file, which ``scans gc``
removes), and a rerun finds the committed rows by their ``ref`` and imports exactly the rest.

Idempotency: a row whose ``ref`` is already stored is a duplicate when its content digest is the
same and is rejected as ``conflict`` otherwise; nothing is ever overwritten. A new row for an
applicant and matter that already have an application under way (stored, or on an earlier row of
the file) is rejected as ``repeat_application``: the counter lets a supervisor override that, on
the spot and on the record, but nobody watches a file. An exported
application that was entered at the counter carries its application number as ``ref``, so
importing an export into the database it came from also gives duplicates.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from counterdesk.config import Settings
from counterdesk.domain.errors import Conflict, CounterdeskError, InvalidInput
from counterdesk.domain.workflow import OPEN_STATUSES, Status, status_label
from counterdesk.services import audit
from counterdesk.services.attachments import store_of, usable_licenses
from counterdesk.services.batchfile import BatchReader, RawRow, RejectsWriter
from counterdesk.services.batchrows import CheckedRow, LicenseFile, check_columns, check_row, normalise, unflatten
from counterdesk.services.export import application_digest
from counterdesk.services.staff import Actor
from counterdesk.services.submit import Channel, receive
from counterdesk.store.models import Applicant, Application, StoredFile, id_of, present

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog

CHUNK_ROWS = 200
"""Rows per transaction: large enough for speed, small enough that a window's submit never waits long."""
_RETRIES = 3

Progress = Callable[["BatchResult", int, int], None]
"""Called after each row with the result so far, the bytes read and the file's size."""


@dataclass(frozen=True)
class Rejection:
    """A row that was not imported: where it is, why (in Chinese), and a stable code."""

    line: int
    code: str
    reason: str
    ref: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The rejection as JSON-ready data."""
        return {"line": self.line, "code": self.code, "reason": self.reason, "ref": self.ref}


@dataclass
class BatchResult:
    """What an import did: every row read is imported, a duplicate, or rejected."""

    total: int = 0
    imported: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    """The application numbers created, in file order."""
    dry_run: bool = False
    rejects_path: Path | None = None
    """Where the rejected rows were written (only when there were any)."""

    @property
    def rejected(self) -> int:
        """How many rows were rejected."""
        return len(self.rejections)

    def check(self) -> None:
        """Nothing lost: the invariant every import ends with (checked even under ``python -O``)."""
        if self.imported + self.duplicates + self.rejected != self.total:
            raise AssertionError(f"batch rows unaccounted for: {self}")

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``counterdesk batch import --json``."""
        return {"total": self.total, "imported": self.imported, "duplicates": self.duplicates,
                "rejected": self.rejected, "numbers": list(self.numbers), "dry_run": self.dry_run,
                "rejects_file": str(self.rejects_path) if self.rejects_path else None,
                "rejects": [r.as_dict() for r in self.rejections]}


def default_rejects_path(path: Path, fmt: str) -> Path:
    """``<name>.rejects.<jsonl|csv>`` next to the batch file."""
    return Path(path).with_name(f"{Path(path).stem}.rejects.{fmt}")


class _Run:
    """One import: the reader, the rejects file and the refs this run has already stored."""

    def __init__(self, session: Session, actor: Actor, catalog: Catalog, settings: Settings, reader: BatchReader,
                 rejects: RejectsWriter, dry_run: bool) -> None:
        self.session, self.actor, self.catalog, self.settings = session, actor, catalog, settings
        self.reader, self.rejects = reader, rejects
        self.base_dir = reader.path.resolve().parent
        self.result = BatchResult(dry_run=dry_run)
        self.stored: dict[str, str] = {}
        self.opened: dict[tuple[str, str, str], str] = {}
        """(证件类型, number, matter) → ref of the rows this run imported (or would, dry)."""
        self.held: list[tuple[RawRow, Rejection]] = []
        self.find_license = functools.lru_cache(maxsize=1024)(self._find_license)
        """A row's ``license:<type>`` looked up once per holder and type in this run."""

    def reject(self, raw: RawRow, error: CounterdeskError, ref: str | None = None) -> None:
        """Hold a rejection until its chunk is settled, so the rejects come out in line order."""
        self.held.append((raw, Rejection(raw.line, error.code, error.message, ref)))

    def write_rejects(self) -> None:
        """Write the held rejections to the rejects file and the result, in line order."""
        self.rejects.header = self.reader.header
        for raw, rejection in sorted(self.held, key=lambda item: item[1].line):
            self.rejects.write(raw, rejection.code, rejection.reason)
            self.result.rejections.append(rejection)
        self.held.clear()

    def _find_license(self, holder: str, license_type: str) -> LicenseFile | None:
        """The holder's usable e-license of this type, for a row's ``license:<type>``."""
        found = None
        for lic in usable_licenses(self.session, holder, license_type):
            sha256 = present(lic.sha256, "file of a usable e-license")
            stored = present(self.session.get(StoredFile, sha256), "stored file of an e-license")
            found = LicenseFile(id_of(lic), lic.title, sha256, stored.size, stored.pages, stored.media_type)
            break
        # Nothing is pending between chunks: end the read so other windows are not held up meanwhile.
        self.session.rollback()
        return found

    def check(self, raw: RawRow) -> CheckedRow | None:
        """The checked row, or None when it was rejected."""
        try:
            if raw.problem is not None:
                raise raw.problem
            read = present(raw.data, "data of a readable row")
            data = unflatten(read) if self.reader.format == "csv" else read
            return check_row(normalise(data), catalog=self.catalog, base_dir=self.base_dir,
                             max_bytes=self.settings.max_file_bytes, licenses=self.find_license,
                             cache_file=self.settings.verdicts_file)
        except CounterdeskError as error:
            self.reject(raw, error, _ref_of(raw))
            return None

    def flush(self, pending: list[tuple[RawRow, CheckedRow]]) -> None:
        """Store a chunk's files, then its rows in one transaction, then write its rejects.

        The store's writer lock is held from the first file stored to the commit, so ``scans gc``
        never deletes a file whose row is about to be committed.
        """
        with contextlib.nullcontext() if self.result.dry_run else store_of(self.settings).writing():
            if not self.result.dry_run:
                pending = self._store_files(pending)
            self._commit_with_retries(pending)
        self.write_rejects()

    def _commit_with_retries(self, pending: list[tuple[RawRow, CheckedRow]]) -> None:
        for attempt in range(_RETRIES if pending else 0):
            try:
                self._commit_chunk(pending)
                break
            except IntegrityError as error:
                # Another window or import stored the same applicant or ref meanwhile: look again.
                self.session.rollback()
                if attempt == _RETRIES - 1:
                    raise Conflict("导入期间其他窗口同时写入了相同的数据，请稍后重新运行导入（已提交的行不会重复）。",
                                   code="batch_busy") from error

    def _store_files(self, pending: list[tuple[RawRow, CheckedRow]]) -> list[tuple[RawRow, CheckedRow]]:
        """Copy the chunk's files into the store before any row refers to them; drop rows that fail."""
        store = store_of(self.settings)
        kept = []
        with store.many():
            for raw, row in pending:
                try:
                    for item in row.files:
                        # An e-license has no path: its file is in the store already.
                        if item.path is not None and not store.exists(item.sha256):
                            blob = store.put(item.path, info=item.info)
                            if blob.sha256 != item.sha256:
                                raise InvalidInput(f"“{item.info.name}”在检查后发生了变化，请重新导入该行。",
                                                   code="file_changed", field="file")
                except CounterdeskError as error:
                    self.reject(raw, error, row.ref)
                    continue
                kept.append((raw, row))
        return kept

    def _commit_chunk(self, pending: list[tuple[RawRow, CheckedRow]]) -> None:
        known = _existing_digests(self.session, {row.ref for _, row in pending})
        known.update(self.stored)
        fresh: list[tuple[RawRow, CheckedRow]] = []
        conflicts: list[tuple[RawRow, CheckedRow]] = []
        duplicates = 0
        for raw, row in pending:
            digest = known.get(row.ref)
            if digest is None:
                known[row.ref] = row.digest
                fresh.append((raw, row))
            elif digest == row.digest:
                duplicates += 1
            else:
                conflicts.append((raw, row))
        new, repeats, opened = self._without_repeats(fresh)
        created = [] if self.result.dry_run or not new else receive(
            self.session, actor=self.actor, channel=Channel.BATCH, new=new, calendar=self.catalog.calendar)
        if self.result.dry_run:
            self.session.rollback()
        else:
            self.session.commit()
        self.result.duplicates += duplicates
        self.result.imported += len(new)
        self.result.numbers.extend(created)
        self.stored.update((row.ref, row.digest) for row in new)
        self.opened.update(opened)
        for raw, row in conflicts:
            self.reject(raw, InvalidInput(
                f"ref“{row.ref}”已导入过，但内容与已有办件不同；为防止覆盖，本行不予导入。请改用新的 ref 或核对数据。",
                code="conflict", field="ref"), row.ref)
        for raw, row, error in repeats:
            self.reject(raw, error, row.ref)

    def _without_repeats(self, fresh: list[tuple[RawRow, CheckedRow]]) -> tuple[
            list[CheckedRow], list[tuple[RawRow, CheckedRow, InvalidInput]], dict[tuple[str, str, str], str]]:
        """The new rows that open no second application of an applicant and matter; the others with why."""
        under_way = _open_applications(self.session, [row for _, row in fresh])
        opened: dict[tuple[str, str, str], str] = {}
        new: list[CheckedRow] = []
        repeats: list[tuple[RawRow, CheckedRow, InvalidInput]] = []
        for raw, row in fresh:
            key = _repeat_key(row)
            earlier = self.opened.get(key) or opened.get(key)
            if key in under_way:
                number, status = under_way[key]
                repeats.append((raw, row, InvalidInput(
                    f"申请人已有本事项尚未办结的办件 {number}（{status_label(status)}），不予重复申请；"
                    "确需再次申请的，请到窗口由值班长授权办理。", code="repeat_application", field="applicant")))
            elif earlier is not None:
                repeats.append((raw, row, InvalidInput(
                    f"本文件中 ref“{earlier}”已为该申请人申请本事项，不予重复申请。", code="repeat_application",
                    field="applicant")))
            else:
                opened[key] = row.ref
                new.append(row)
        return new, repeats, opened


def _ref_of(raw: RawRow) -> str | None:
    ref = (raw.data or {}).get("ref")
    return ref.strip() or None if isinstance(ref, str) else None


def import_batch(session: Session, *, actor: Actor, catalog: Catalog, settings: Settings, path: Path,
                 fmt: str | None = None, dry_run: bool = False, rejects_path: Path | None = None,
                 progress: Progress | None = None, chunk_rows: int = CHUNK_ROWS) -> BatchResult:
    """Import a JSON Lines or CSV batch file; an unreadable file is refused as a whole (InvalidInput).

    With ``dry_run`` every row is checked and classified, and nothing is stored. Rejected rows are
    written to ``rejects_path`` (default: next to the file, see ``default_rejects_path``).
    """
    path = Path(path)
    reader = BatchReader(path, fmt, check_header=check_columns)
    rejects_path = Path(rejects_path or default_rejects_path(path, reader.format))
    if rejects_path.resolve() == path.resolve():
        raise InvalidInput("拒收文件不能与要导入的文件相同。", code="rejects_path")
    rejects = RejectsWriter(rejects_path, reader.format)
    run = _Run(session, actor, catalog, settings, reader, rejects, dry_run)
    chunk_rows = max(1, chunk_rows)
    pending: list[tuple[RawRow, CheckedRow]] = []
    try:
        for raw in reader:
            run.result.total += 1
            row = run.check(raw)
            if row is not None:
                pending.append((raw, row))
            if len(pending) >= chunk_rows:
                run.flush(pending)
                pending = []
            if progress is not None:
                progress(run.result, reader.position, reader.size)
        run.flush(pending)
    finally:
        rejects.close()
    result = run.result
    result.rejects_path = rejects_path if rejects.count else None
    result.check()
    if not dry_run and result.total:
        audit.record(session, "batch_import", staff_id=actor.id, target=path.name[-128:],
                     detail=json.dumps({k: v for k, v in result.as_dict().items() if k in
                                        ("total", "imported", "duplicates", "rejected")}))
        session.commit()
    return result


def _repeat_key(row: CheckedRow) -> tuple[str, str, str]:
    applicant = row.form.applicant
    return applicant.id_type, applicant.id_number, row.matter.code


def _open_applications(session: Session, rows: list[CheckedRow]) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(证件类型, number, matter) → (number, status) of a stored application still under way, for ``rows``."""
    wanted = {_repeat_key(row) for row in rows}
    found: dict[tuple[str, str, str], tuple[str, str]] = {}
    numbers = sorted({number for _, number, _ in wanted})
    for start in range(0, len(numbers), 500):
        for id_type, id_number, matter, number, status in session.execute(
                select(col(Applicant.id_type), col(Applicant.id_number), col(Application.matter_code),
                       col(Application.number), col(Application.status))
                .join(Applicant, col(Application.applicant_id) == col(Applicant.id))
                .where(col(Applicant.id_number).in_(numbers[start:start + 500]),
                       col(Application.status).in_(OPEN_STATUSES - {Status.DRAFT}))
                .order_by(col(Application.id))):
            if (id_type, id_number, matter) in wanted and number is not None:
                found.setdefault((id_type, id_number, matter), (number, status))
    return found


def _existing_digests(session: Session, refs: set[str]) -> dict[str, str]:
    """Stored refs among ``refs`` with their content digests (counter-made applications by number)."""
    found = {ref: digest for ref, digest in session.execute(
        select(col(Application.ref), col(Application.ref_digest)).where(col(Application.ref).in_(refs)))}
    missing = refs - found.keys()
    if missing:
        for application in session.scalars(select(Application).where(
                col(Application.number).in_(missing), col(Application.ref).is_(None))):
            found[application.number] = application_digest(session, application)
    return found
