"""Who may see and touch which application (roles enforced here, not only in screens)."""

from __future__ import annotations

from sqlmodel import Session

from counterdesk.domain.errors import Forbidden, NotFound
from counterdesk.domain.workflow import Status
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application


def same_window(actor: Actor, application: Application) -> bool:
    """A clerk's own work: taken at their window, or by them."""
    return application.clerk_id == actor.id or (
        actor.window is not None and application.window == actor.window
    )


def may_see_full(actor: Actor, application: Application) -> bool:
    """Unmasked personal data: supervisors, and the window that took the application."""
    return actor.is_supervisor or same_window(actor, application)


def load(session: Session, actor: Actor, application_id: int, *, for_update: bool = False) -> Application:
    """The application, if the actor may work on it: a clerk only touches their window's."""
    application = session.get(Application, application_id, with_for_update=for_update or None)
    if application is None:
        raise NotFound("找不到该办件。", code="application_unknown")
    if not actor.is_supervisor and not same_window(actor, application):
        raise Forbidden("这是其他窗口的办件，您无权操作。", code="other_window")
    return application


def load_draft(session: Session, actor: Actor, application_id: int) -> Application:
    """A draft of the actor's window; anything already submitted is no longer editable here."""
    application = load(session, actor, application_id)
    if application.status != Status.DRAFT:
        raise Forbidden("该办件已提交，不能再修改。", code="not_draft")
    return application
