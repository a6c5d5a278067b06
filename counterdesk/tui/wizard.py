"""The wizard's route: which screen shows which step, and how a draft is resumed.

Every step saves through the services before moving on, so a screen can always be rebuilt from
the database: going back or resuming after a crash shows exactly what was stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from counterdesk.tui.app import CounterdeskApp

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


PLACING_STEPS = ("matter", "location")
"""The steps before the draft is placed: the matter and the county are being chosen."""


@dataclass
class Draft:
    """The application in hand while the matter and the county are chosen (找事项, 选择办理地点).

    The first time through nothing is stored yet; coming back from a later step, the stored draft's
    id comes along, so that placing it again moves it rather than starting a second one.
    """

    matter_code: str | None = None
    county_code: str | None = None
    application_id: int | None = None
    answers: dict[str, str] = field(default_factory=dict)
    number: str | None = None
    """The application number, once submitted."""

    def placed(self) -> PlacedDraft:
        """The same draft once it is stored with its matter and county (a programming error otherwise)."""
        if self.matter_code is None or self.county_code is None or self.application_id is None:
            raise ValueError("the draft has not been placed: matter, county and id are all needed")
        return PlacedDraft(self.matter_code, self.county_code, self.application_id, self.answers, self.number)


@dataclass
class PlacedDraft:
    """A draft stored with its matter and county: what every step from 智能引导 on works on."""

    matter_code: str
    county_code: str
    application_id: int
    answers: dict[str, str] = field(default_factory=dict)
    """The guidance answers as last chosen."""
    number: str | None = None
    """The application number, once submitted."""

    def unplaced(self) -> Draft:
        """The same draft, for going back to choose its matter or county again."""
        return Draft(self.matter_code, self.county_code, self.application_id, self.answers, self.number)


def screen_for(step: str, draft: Draft | PlacedDraft) -> Screen[None]:
    """The screen of ``step`` over ``draft``: before placing it takes a ``Draft``, after a ``PlacedDraft``."""
    module, name, _ = ROUTE[step]
    if step in PLACING_STEPS:
        draft = draft.unplaced() if isinstance(draft, PlacedDraft) else draft
    else:
        draft = draft.placed() if isinstance(draft, Draft) else draft
    screen: Screen[None] = getattr(import_module(module), name)(draft)
    return screen


def go(app: CounterdeskApp, step: str, draft: Draft | PlacedDraft) -> None:
    """Show ``step``: replaces the current wizard screen, or opens the wizard over home.

    The draft's matter is read first: one whose file was edited or removed since start-up is
    refused here, with the reason on screen, rather than failing inside the next screen.
    """
    from counterdesk.domain.errors import CounterdeskError
    from counterdesk.tui.screens.wizard_base import WizardBase

    catalog = app.ctx.catalog
    if draft.matter_code and catalog is not None:
        try:
            catalog.matter(draft.matter_code)
        except CounterdeskError as error:
            app.notify(error.message, severity="error", markup=False)
            return
    screen = screen_for(step, draft)
    if isinstance(app.screen, WizardBase):
        app.switch_screen(screen)
    else:
        app.push_screen(screen)


def leave(app: CounterdeskApp) -> None:
    """Back to home; the draft stays in the database for later."""
    from counterdesk.tui.screens.wizard_base import WizardBase

    while isinstance(app.screen, WizardBase):
        app.pop_screen()


def start_new(app: CounterdeskApp) -> None:
    """A new citizen: find the matter first."""
    go(app, "matter", Draft())


def resume(app: CounterdeskApp, application_id: int) -> None:
    """Open a stored draft at the step it was left at."""
    from counterdesk.services.applications import answers_of, get

    ctx = app.ctx
    if ctx.actor is None:
        return
    with ctx.session() as session:
        application = get(session, actor=ctx.actor, application_id=application_id)
        answers = answers_of(session, application_id)
    draft = PlacedDraft(application.matter_code, application.county_code, application_id, answers,
                        application.number)
    step = application.step if application.step in ROUTE else "guidance"
    go(app, step, draft)
