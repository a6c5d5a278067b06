"""The wizard's route: which screen shows which step, and how a draft is resumed.

Every step saves through the services before moving on, so a screen can always be rebuilt from
the database: going back or resuming after a crash shows exactly what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

PORTAL_STEPS = ("智能引导", "办事指南", "确认信息", "材料提交", "完成")
"""The portal's step indicator (1 智能引导 2 办事指南 3 确认信息 4 材料提交 5 完成)."""

ROUTE = {
    "matter": ("counterdesk.tui.screens.matter", "MatterScreen", None),
    "location": ("counterdesk.tui.screens.location", "LocationScreen", None),
    "guidance": ("counterdesk.tui.screens.guidance", "GuidanceScreen", 0),
    "guide": ("counterdesk.tui.screens.guide", "GuideScreen", 1),
    "applicant": ("counterdesk.tui.screens.applicant", "ApplicantScreen", 2),
    "materials": ("counterdesk.tui.screens.materials", "MaterialsScreen", 3),
    "pickup": ("counterdesk.tui.screens.pickup", "PickupScreen", 3),
    "review": ("counterdesk.tui.screens.review", "ReviewScreen", 3),
    "done": ("counterdesk.tui.screens.success", "SuccessScreen", 4),
}
"""step → (module, screen class, index in PORTAL_STEPS)."""


@dataclass
class Draft:
    """What the wizard screens share about the application in hand."""

    matter_code: str | None = None
    county_code: str | None = None
    application_id: int | None = None
    answers: dict[str, str] = field(default_factory=dict)
    number: str | None = None
    """The application number, once submitted."""


def screen_for(step: str, draft: Draft):
    module, name, _ = ROUTE[step]
    return getattr(import_module(module), name)(draft)


def go(app, step: str, draft: Draft) -> None:
    """Show ``step``: replaces the current wizard screen, or opens the wizard over home.

    The draft's matter is read first: one whose file was edited or removed since start-up is
    refused here, with the reason on screen, rather than failing inside the next screen.
    """
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.tui.screens.wizard_base import WizardScreen

    if draft.matter_code:
        try:
            app.ctx.catalog.matter(draft.matter_code)
        except CounterdeskError as error:
            app.notify(error.message, severity="error", markup=False)
            return
    screen = screen_for(step, draft)
    if isinstance(app.screen, WizardScreen):
        app.switch_screen(screen)
    else:
        app.push_screen(screen)


def leave(app) -> None:
    """Back to home; the draft stays in the database for later."""
    from counterdesk.tui.screens.wizard_base import WizardScreen

    while isinstance(app.screen, WizardScreen):
        app.pop_screen()


def start_new(app) -> None:
    """A new citizen: find the matter first."""
    go(app, "matter", Draft())


def resume(app, application_id: int) -> None:
    """Open a stored draft at the step it was left at."""
    from counterdesk.services.applications import answers_of, get

    ctx = app.ctx
    with ctx.session() as session:
        application = get(session, actor=ctx.actor, application_id=application_id)
        answers = answers_of(session, application_id)
    draft = Draft(application.matter_code, application.county_code, application.id, answers, application.number)
    step = application.step if application.step in ROUTE else "guidance"
    go(app, step, draft)
