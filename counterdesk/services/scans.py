"""The attachment store's housekeeping: which stored files something still refers to, and the rest.

A stored file is kept while any attachment or e-license (电子证照) names its hash; everything
else is an orphan that ``counterdesk scans gc`` may delete (a dry run unless asked). Only a
supervisor may run it, every run is audited, and it runs under the store's exclusive lock with a
grace period, so a file stored by an import or an attach whose transaction is not yet committed
is never taken for an orphan.
"""

from __future__ import annotations

import json

from sqlmodel import Session, col, select

from counterdesk.config import Settings
from counterdesk.domain.errors import Forbidden
from counterdesk.services import audit
from counterdesk.services.attachments import store_of
from counterdesk.services.staff import Actor
from counterdesk.store.models import Attachment, ELicense

GRACE_SECONDS = 3600
"""Files stored within the last hour are spared, for writers on other machines sharing the folder."""
LOCK_WAIT_SECONDS = 10.0
"""How long gc waits for imports and attaches in progress to commit before it gives up."""


def referenced_hashes(session: Session) -> set[str]:
    """Every SHA-256 an attachment or an e-license refers to."""
    attached = session.exec(select(Attachment.sha256).distinct()).all()
    licensed = session.exec(select(ELicense.sha256).where(col(ELicense.sha256).is_not(None)).distinct()).all()
    return set(attached) | {sha256 for sha256 in licensed if sha256 is not None}


def collect_garbage(session: Session, settings: Settings, *, actor: Actor, apply: bool = False,
                    wait: float = LOCK_WAIT_SECONDS, grace: float = GRACE_SECONDS) -> list[str]:
    """The stored files nothing refers to, sorted; deleted only with ``apply``. Supervisors only."""
    if not actor.is_supervisor:
        raise Forbidden("只有值班长可以清理附件库。", code="role")
    store = store_of(settings)
    with store.exclusive(wait=wait):
        # Read the references only now that no writer is between storing a file and committing it.
        session.rollback()
        orphans = store.gc(referenced_hashes(session), dry_run=not apply, grace=grace)
        audit.record(session, "scans_gc", staff_id=actor.id, target="apply" if apply else "dry-run",
                     detail=json.dumps({"orphans": len(orphans), "deleted": len(orphans) if apply else 0}))
        session.commit()
    return orphans
