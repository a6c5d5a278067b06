"""已收件: the application number, large enough to read out across the counter, and the proof of receipt.

The window asks the citizen to rate the service on its pad (一次一评) as soon as this screen opens,
and shows the rating once it is given.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Static

from counterdesk.domain.errors import CounterdeskError
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.bignumber import BigNumber
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import leave

RATING_POLL_SECONDS = 0.5
"""How often the screen looks for the pad's rating (it must show within 2 s)."""


class SuccessScreen(WizardScreen):
    """The number, P/S for the 收件凭证, Enter for the next citizen."""

    STEP = "done"
    TITLE_TEXT = "已收件"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("p", "receipt(True)", "打印凭证", key_display="P"),
        Binding("s", "receipt(False)", "保存凭证", key_display="S"),
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

    @work(thread=True, exclusive=True, group="success-rating")
    def ask_for_rating(self) -> None:
        """Ask the window's pad for a rating, then look for it every half second (a short query in a
        worker each time, so the screen never waits on the database)."""
        from counterdesk.services.ratings import request_rating

        ctx = self.ctx
        try:
            rating = ctx.call(request_rating, actor=self.actor, application_id=self.draft.application_id)
        except CounterdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="warning", markup=False)
            return
        self.app.call_from_thread(self._asked, rating.id, rating.score)

    def _asked(self, rating_id: int, score: int | None) -> None:
        self.rating_id = rating_id
        if score is not None:
            self.rated(score)
        else:
            self._looking = self.set_interval(RATING_POLL_SECONDS, self.look_for_rating)

    @work(thread=True, exclusive=True, group="success-rating")
    def look_for_rating(self) -> None:
        from counterdesk.services.ratings import score_of

        if self.rating_id is None:
            return
        score = self.ctx.call(score_of, self.rating_id)
        if score is not None:
            self.app.call_from_thread(self.rated, score)

    def rated(self, score: int) -> None:
        from counterdesk.domain.visits import BAD_SCORES, SCORES

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

    @work(thread=True, exclusive=True, group="success-receipt")
    def receipt(self, print_it: bool) -> None:
        from counterdesk.documents.pdf.receipt import render_receipt
        from counterdesk.services.papers import deliver, receipt_file_name, receipt_for
        from counterdesk.tui.papers import warn_of_blanks

        ctx = self.ctx
        try:
            with ctx.session() as session:
                data = receipt_for(session, catalog=self.catalog, actor=self.actor,
                                   application_id=self.draft.application_id)
            delivered = deliver(ctx.settings, render_receipt(data), receipt_file_name(data), print_it=print_it)
        except CounterdeskError as error:
            self.app.call_from_thread(self.notify, error.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, delivered.message, title="收件凭证", timeout=8, markup=False)
        warn_of_blanks(self, delivered.warning)

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
