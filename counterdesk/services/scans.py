"""The attachment store's housekeeping: which stored files something still refers to, and the rest.

A stored file is kept while any attachment or e-license (电子证照) names its hash; everything
else is an orphan that ``counterdesk scans gc`` may delete (a dry run unless asked).
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from counterdesk.config import Settings
from counterdesk.services.attachments import store_of
from counterdesk.store.models import Attachment, ELicense


def referenced_hashes(session: Session) -> set[str]:
    """Every SHA-256 an attachment or an e-license refers to."""
    attached = session.exec(select(Attachment.sha256).distinct()).all()
    licensed = session.exec(select(ELicense.sha256).where(col(ELicense.sha256).is_not(None)).distinct()).all()
    return set(attached) | set(licensed)


def collect_garbage(session: Session, settings: Settings, *, apply: bool = False) -> list[str]:
    """The stored files nothing refers to, sorted; deleted only with ``apply``."""
    return store_of(settings).gc(referenced_hashes(session), dry_run=not apply)
