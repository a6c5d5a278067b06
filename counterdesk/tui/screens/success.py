"""已收件: the application number, large enough to read out across the counter, and the proof of receipt.

The window asks the citizen to rate the service on its pad (一次一评) as soon as this screen opens,
and shows the rating once it is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Static

from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.bignumber import BigNumber
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import leave

if TYPE_CHECKING:
    from counterdesk.services.papers import Delivered

RATING_POLL_SECONDS = 0.5
"""How often the screen looks for the pad's rating (it must show within 2 s)."""


class SuccessScreen(WizardScreen):
    """The number, P/S for the 收件凭证, Enter for the next citizen."""

    STEP = "done"
    TITLE_TEXT = "已收件"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("p,P", "receipt(True)", "打印凭证", key_display="P"),
        Binding("s,S", "receipt(False)", "保存凭证", key_display="S"),
        Binding("w,W", "commitment", "承诺书", key_display="W"),
        Binding("enter,n", "next_citizen", "下一位群众", priority=True),
        Binding("f10", "home", "回首页", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        number = self.draft.number or ""
        matter = self.catalog.matters.get(self.draft.matter_code)
        yield from self.compose_header()
        with Vertical(id="success", classes="wizard-body"):
            yield Static(Text("✓ 材料已收件，待办理地受理", style="bold green"), id="success-title")
            yield Static("办件编号", classes="success-label")
            with Center():
                yield BigNumber(number, id="success-number")
            with Center():
                yield Static(Text(number, style="bold"), id="success-plain")
            yield Static(Text(matter.name if matter else "", justify="center"), id="success-matter")
            yield Static(Text("请群众在评价器上对本次服务进行评价……", justify="center", style="dim"),
                         id="success-rating")
            yield Static(_hints(), id="success-hints")
        yield KeyBar()

    def on_mount(self) -> None:
        self.rating_id: int | None = None
        """The rating asked of the window's pad for this application."""
        self._looking: Timer | None = None
        self.ask_for_rating()

    def ask_for_rating(self) -> None:
        """Ask the window's pad for a rating, then look for it every half second (a short query in a
        worker each time, so the screen never waits on the database)."""
        from counterdesk.services.ratings import request_rating

        def ask() -> tuple[int | None, int | None]:
            rating = self.ctx.call(request_rating, actor=self.actor, application_id=self.draft.application_id)
            return rating.id, rating.score

        self.run_service(ask, self._asked, severity="warning", group="success-rating", exclusive=True)

    def _asked(self, rating: tuple[int | None, int | None]) -> None:
        self.rating_id, score = rating
        if score is not None:
            self.rated(score)
        else:
            self._looking = self.set_interval(RATING_POLL_SECONDS, self.look_for_rating)

    def look_for_rating(self) -> None:
        from counterdesk.services.ratings import score_of

        rating_id = self.rating_id
        if rating_id is not None:
            # Not exclusive: each look would cancel the one before, and a slow database never answer.
            self.run_service(lambda: self.ctx.call(score_of, rating_id), self.rated, group="success-look")

    def rated(self, score: int | None) -> None:
        from counterdesk.domain.visits import BAD_SCORES, SCORES

        if score is None:
            return
        if self._looking is not None:
            self._looking.stop()

        text = Text(justify="center")
        text.append("群众评价：")
        text.append(SCORES[score], style="bold red" if score in BAD_SCORES else "bold green")
        if score in BAD_SCORES:
            text.append("（已进入差评台账，请及时回访）")
        self.query_one("#success-rating", Static).update(text)

    def action_receipt(self, print_it: bool) -> None:
        self.notify("正在生成收件凭证……", timeout=2, markup=False)
        self.receipt(print_it)

    def receipt(self, print_it: bool) -> None:
        from counterdesk.documents.pdf.receipt import render_receipt
        from counterdesk.services.papers import deliver, receipt_file_name, receipt_for
        from counterdesk.tui.papers import warn_of_blanks

        def make() -> Delivered:
            with self.ctx.session() as session:
                data = receipt_for(session, catalog=self.catalog, actor=self.actor,
                                   application_id=self.draft.application_id)
            return deliver(self.ctx.settings, render_receipt(data), receipt_file_name(data), print_it=print_it)

        def made(delivered: Delivered) -> None:
            self.notify(delivered.message, title="收件凭证", timeout=8, markup=False)
            warn_of_blanks(self, delivered.warning)

        self.run_service(make, made, group="success-receipt", exclusive=True)

    def action_commitment(self) -> None:
        from counterdesk.tui.papers import print_commitment

        print_commitment(self, self.draft.application_id)

    def action_next_citizen(self) -> None:
        leave(self.app)

    def action_home(self) -> None:
        leave(self.app)


def _hints() -> Text:
    text = Text(justify="center")
    for key, label in (("P", "打印收件凭证"), ("S", "保存收件凭证"), ("回车", "下一位群众")):
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {label}    ")
    return text
