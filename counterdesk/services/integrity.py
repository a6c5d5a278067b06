"""Are the stored scans still the bytes that were attached? (附件完整性)

Every file in the attachment store is named by the SHA-256 of its content, so re-hashing it
tells whether anyone replaced or edited it since it was stored. The packet, the export, a
restore and ``audit verify`` all ask here before they use or vouch for a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from counterdesk.documents.filestore import FileStore
from counterdesk.domain.errors import Conflict
from counterdesk.store.models import Application, Attachment, StoredFile


@dataclass(frozen=True)
class FileBreak:
    """A stored file that is missing or whose bytes no longer match its name."""

    sha256: str
    label: str
    """What the file is to a person: the application and the file's original name."""
    missing: bool

    @property
    def sentence(self) -> str:
        what = "已不在附件库中" if self.missing else "的内容与存入时不符（文件已被替换或改动）"
        return f"附件{self.label}{what}，SHA-256 {self.sha256[:12]}…"


def check(store: FileStore, sha256: str, label: str) -> FileBreak | None:
    """The break of one stored file, or None when its bytes still hash to its name."""
    if store.verify(sha256):
        return None
    return FileBreak(sha256, label, missing=not store.exists(sha256))


def require_intact(store: FileStore, files: Iterable[tuple[str, str]], *, doing: str) -> None:
    """Refuse ``doing`` (汇编, 导出 …) when any of the ``(sha256, label)`` files is missing or altered."""
    for sha256, label in files:
        broken = check(store, sha256, label)
        if broken is not None:
            raise Conflict(f"{broken.sentence}，已停止{doing}：请从原件重新扫描上传该材料，或从备份恢复该文件。",
                           code="file_missing" if broken.missing else "file_altered")


def label_of(session: Session, sha256: str) -> str:
    """“（办件 … 的 扫描.pdf）” for the first attachment naming the file, or the bare hash."""
    found = session.exec(select(Attachment.original_name, Application.number).join(Application)
                         .where(Attachment.sha256 == sha256).order_by(col(Attachment.id)).limit(1)).first()
    if found is None:
        return ""
    name, number = found
    return f"“{name}”（办件 {number or '草稿'}）"


def first_break(session: Session, store: FileStore) -> tuple[int, FileBreak | None]:
    """Re-hash every stored file the database records: how many were checked, and the first break."""
    checked = 0
    for sha256 in session.exec(select(StoredFile.sha256).order_by(col(StoredFile.created_at), col(StoredFile.sha256))):
        checked += 1
        if not store.verify(sha256):
            return checked, FileBreak(sha256, label_of(session, sha256), missing=not store.exists(sha256))
    return checked, None
