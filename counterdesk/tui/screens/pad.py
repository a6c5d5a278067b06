"""The pad's one screen: waiting, the five grades, the reasons of a 差评, thanks.

Keys 1–5 give 非常满意 … 非常不满意. For the two lowest the citizen ticks reasons (1–8), may type a
comment (Tab), and Enter sends; Esc goes back to the grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.visits import BAD_SCORES, COMMENT_MAX, REASONS, SCORES
from counterdesk.domain.windows import window_label
from counterdesk.tui.base import DeskAccess, ServiceCalls
from counterdesk.tui.widgets.bignumber import glyph

if TYPE_CHECKING:
    from counterdesk.services.ratings import PendingRating
    from counterdesk.tui.pad import PadApp

GRADES = list(SCORES.items())
"""Key n gives the n-th grade: 1 非常满意 (score 5) … 5 非常不满意 (score 1)."""
THANKS_SECONDS = 4.0


@dataclass(frozen=True)
class Reading:
    """What the pad read of its window: the rating waiting to be given, or None."""

    pending: PendingRating | None


class PadScreen(ServiceCalls, DeskAccess, Screen[None]):
    """What the citizen sees and presses."""

    if TYPE_CHECKING:
        app = getters.app(PadApp)

    BINDINGS = [
        *(Binding(str(n), f"key({n})", show=False) for n in range(1, 9)),
        Binding("enter", "send", "提交", priority=True),
        Binding("escape", "back", "返回"),
    ]

    def __init__(self, window: int) -> None:
        super().__init__()
        self.window = window
        self.pending: PendingRating | None = None
        """The rating on screen, or None while waiting."""
        self.state = "waiting"
        """``waiting``, ``grades``, ``reasons``, ``sending`` or ``thanks``."""
        self.score: int | None = None
        self.reasons: list[str] = []
        self._shown: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(f"好差评 · {window_label(self.window)}", justify="center"), id="pad-header")
        with Vertical(id="pad-body"):
            yield Static(id="pad-title")
            yield Static(id="pad-service")
            with Horizontal(id="pad-grades"):
                for key, (_, label) in enumerate(GRADES, 1):
                    yield Static(_grade(key, label), id=f"pad-grade-{key}", classes="grade")
            yield Static(id="pad-reasons")
            yield Input(placeholder=f"其他意见（可不填，最多 {COMMENT_MAX} 字）", id="pad-comment", max_length=COMMENT_MAX)
            yield Static(id="pad-hint")

    def on_mount(self) -> None:
        self.show("waiting")

    def backends_ready(self) -> None:
        self.look()
        self.set_interval(self.app.poll_seconds, self.look)

    # -- watching the window --------------------------------------------------------------

    def look(self) -> None:
        """One cheap query for the window's pending rating; the screen hears of it only when it changed.

        Not exclusive: a poll must not cancel the one before it, or a database slower than the poll
        would never answer.
        """
        self.run_service(self._read_pending, self._compare, group="pad-watch")

    def _read_pending(self) -> Reading | None:
        """The window's pending rating; None when the database could not be read (the next look asks again)."""
        from sqlalchemy.exc import SQLAlchemyError

        from counterdesk.services.ratings import pending_for_window

        try:
            return Reading(self.ctx.call(pending_for_window, self.window))
        except SQLAlchemyError:
            return None

    def _compare(self, reading: Reading | None) -> None:
        if reading is None:
            return
        pending = reading.pending
        if (pending.id if pending else None) != self._shown:
            self._shown = pending.id if pending else None
            self.arrived(pending)

    def arrived(self, pending: PendingRating | None) -> None:
        """A new service to rate, or none any more (rated elsewhere, or the request lapsed)."""
        if self.state in ("sending", "thanks") and pending is None:
            return
        self.pending, self.score, self.reasons = pending, None, []
        self.query_one("#pad-comment", Input).value = ""
        self.show("grades" if pending else "waiting")

    # -- what is on screen ----------------------------------------------------------------

    def show(self, state: str) -> None:
        self.state = state
        self.set_class(state in ("grades", "reasons"), "asking")
        self.set_class(state == "reasons", "choosing")
        title, hint = {
            "waiting": ("欢迎光临", "办理结束后，请在此对本次服务进行评价"),
            "grades": ("请您对本次服务进行评价", "请按数字键 1–5"),
            "reasons": (f"您选择了“{SCORES.get(self.score or 0, '')}”，请告诉我们哪里做得不好",
                        "按 1–8 选择原因（可多选）· Tab 填写意见 · 回车提交 · Esc 返回"),
            "sending": ("正在提交……", ""),
            "thanks": ("感谢您的评价！", "我们会认真对待您的每一条意见"),
        }[state]
        self.query_one("#pad-title", Static).update(Text(title, justify="center", style="bold"))
        self.query_one("#pad-hint", Static).update(Text(hint, justify="center"))
        self.query_one("#pad-service", Static).update(self._service())
        self.query_one("#pad-reasons", Static).update(self._reasons())
        if state != "reasons":
            self.set_focus(None)

    def _service(self) -> Text:
        pending = self.pending
        if pending is None or self.state in ("waiting", "thanks"):
            return Text("")
        catalog = self.ctx.catalog
        matter = catalog.matters.get(pending.matter_code) if pending.matter_code and catalog else None
        text = Text(justify="center")
        text.append(matter.name if matter else "窗口服务", style="bold")
        text.append(f"\n经办人 {pending.clerk_name}")
        if pending.number:
            text.append(f" · 办件 {pending.number}")
        return text

    def _reasons(self) -> Text:
        text = Text()
        for n, (code, label) in enumerate(REASONS.items(), 1):
            text.append(f" {'☑' if code in self.reasons else '☐'} {n} {label}\n",
                        style="bold" if code in self.reasons else "")
        return text

    # -- keys -----------------------------------------------------------------------------

    def action_key(self, number: int) -> None:
        if self.state == "grades" and number <= len(GRADES):
            self.score = GRADES[number - 1][0]
            if self.score in BAD_SCORES:
                self.show("reasons")
            else:
                self.send()
        elif self.state == "reasons" and number <= len(REASONS):
            code = list(REASONS)[number - 1]
            self.reasons.remove(code) if code in self.reasons else self.reasons.append(code)
            self.query_one("#pad-reasons", Static).update(self._reasons())

    def action_send(self) -> None:
        if self.state == "reasons":
            self.send()

    def action_back(self) -> None:
        if self.state == "reasons":
            self.score, self.reasons = None, []
            self.show("grades")

    @on(Input.Submitted, "#pad-comment")
    def comment_done(self) -> None:
        self.action_send()

    def send(self) -> None:
        if self.pending is None or self.score is None:
            return
        comment = self.query_one("#pad-comment", Input).value
        self.show("sending")
        self.store(self.pending.id, self.score, tuple(self.reasons), comment)

    def store(self, rating_id: int, score: int, reasons: tuple[str, ...], comment: str) -> None:
        from counterdesk.services.ratings import rate

        def refused(error: CounterdeskError) -> None:
            self.notify(error.message, severity="warning", markup=False)
            self.thanked()

        self.run_service(lambda: self.ctx.call(rate, rating_id=rating_id, score=score, reasons=reasons,
                                               comment=comment, channel="pad", calendar=self.catalog.calendar,
                                               case_days=self.ctx.settings.case_days),
                         lambda _: self.thanked(), refused=refused, group="pad-send", exclusive=True)

    def thanked(self) -> None:
        self.pending = None
        self.show("thanks")
        self.look()
        self.set_timer(THANKS_SECONDS, self.rest)

    def rest(self) -> None:
        if self.state == "thanks":
            self.show("waiting")


def _grade(key: int, label: str) -> Text:
    """One grade's box: its key in block digits over its name."""
    text = Text(justify="center")
    for row in glyph(str(key)):
        text.append(row + "\n", style="bold")
    text.append(label, style="bold")
    return text
