"""确认提交 (step 8): the whole draft on one screen, a key to jump back to each part, and submit.

The applicant is shown in full: the draft is this window's own work. Submit is refused, with
the reasons, while anything ``missing_for_submit`` names is still missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from counterdesk.domain.applicant import SEXES
from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.idnumbers import ID_TYPES
from counterdesk.domain.pickup import PICKUP_METHODS
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.timeline import precheck_text

if TYPE_CHECKING:
    from counterdesk.services.review import Review


class ReviewScreen(WizardScreen):
    """Everything about the draft, then S to submit."""

    STEP = "review"
    TITLE_TEXT = "确认提交"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("s,S", "submit", "提交申请", key_display="S"),
        Binding("g,G", "edit('guidance')", "改情形", key_display="G"),
        Binding("i,I", "edit('applicant')", "改申请人", key_display="I"),
        Binding("m,M", "edit('materials')", "改材料", key_display="M"),
        Binding("k,K", "edit('pickup')", "改取件", key_display="K"),
        Binding("w,W", "commitment", "承诺书", key_display="W"),
        Binding("escape", "edit('pickup')", "返回取件方式"),
        Binding("ctrl+left", "edit('pickup')", show=False, priority=True),
        Binding("f8", "edit('pickup')", show=False, priority=True),
        Binding("f10", "home", "回首页", priority=True),
    ]

    def __init__(self, draft) -> None:
        super().__init__(draft)
        self.review: Review | None = None
        """The ``services.review.Review`` on screen."""
        self._submitting = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with VerticalScroll(id="review", classes="wizard-body"):
            yield Static(id="review-missing", markup=False)
            yield Static(id="review-matter", classes="review-part", markup=False)
            yield Static(id="review-applicant", classes="review-part", markup=False)
            yield Static(id="review-materials", classes="review-part", markup=False)
            yield Static(id="review-pickup", classes="review-part", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review").focus()
        self.load()

    def load(self) -> None:
        from counterdesk.services.applications import set_step

        def read() -> Review:
            with self.ctx.session() as session:
                set_step(session, actor=self.actor, application_id=self.draft.application_id, step="review")
            return self.read_review()

        self.run_service(read, self.show_review, group="review-load", exclusive=True)

    def read_review(self) -> Review:
        from counterdesk.services.review import review_of

        with self.ctx.session() as session:
            return review_of(session, actor=self.actor, catalog=self.catalog, application_id=self.draft.application_id)

    def show_review(self, review: Review) -> None:
        self.review = review
        self.query_one("#review-missing", Static).update(_missing(review.missing))
        self.query_one("#review-missing").set_class(bool(review.missing), "blocked")
        self.query_one("#review-matter", Static).update(_matter(review))
        self.query_one("#review-applicant", Static).update(_applicant(review))
        self.query_one("#review-materials", Static).update(_materials(review))
        self.query_one("#review-pickup", Static).update(_pickup(review))

    def action_edit(self, step: str) -> None:
        self.go(step)

    def action_commitment(self) -> None:
        from counterdesk.tui.papers import print_commitment

        print_commitment(self, self.draft.application_id)

    def action_submit(self) -> None:
        if self.review is None or self._submitting:
            return
        self._submitting = True
        self.submit()

    def submit(self) -> None:
        from counterdesk.services.applications import submit

        def refused(error: CounterdeskError) -> None:
            """Say why, and show the review as it now stands (what is missing is listed first)."""
            self._submitting = False
            self.notify(error.message, title="不能提交", severity="error", timeout=8, markup=False)
            self.run_service(self.read_review, self.reviewed_again, group="review-load", exclusive=True)

        self.run_service(lambda: self.ctx.call(submit, actor=self.actor, catalog=self.catalog,
                                               application_id=self.draft.application_id),
                         self.submitted, refused=refused, group="review-submit")

    def reviewed_again(self, review: Review) -> None:
        self.show_review(review)
        self.query_one("#review").scroll_home()

    def submitted(self, number: str) -> None:
        self.draft.number = number
        self.go("done")


def _part(title: str, key: str) -> Text:
    text = Text()
    text.append(f" {key} ", style="bold reverse")
    text.append(f" {title}", style="bold")
    text.append(f"  按 {key} 修改\n", style="dim")
    return text


def _grid(rows: list[tuple[str, str | Text]]) -> Table:
    """Label │ value lines; values are applicants' text and are shown literally."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    for label, value in rows:
        grid.add_row(label, value if isinstance(value, Text) else Text(value or "—"))
    return grid


def _with_title(title: Text, body) -> Table:
    outer = Table.grid()
    outer.add_row(title)
    outer.add_row(body)
    return outer


def _missing(missing: list[str]) -> Text:
    if not missing:
        return Text("✓ 信息完整，按 S 提交申请。", style="bold green")
    text = Text("还不能提交，尚缺：", style="bold red")
    for problem in missing:
        text.append(f"\n  • {problem}", style="red")
    return text


def _matter(review) -> Table:
    rows = [("事项名称", review.matter.name), ("办理地点", review.place)]
    rows += [(f"情形 {i}", Text(f"{q}  ").append(a, style="bold")) for i, (q, a) in enumerate(review.situation, 1)]
    return _with_title(_part("事项与办事情形", "G"), _grid(rows))


def _applicant(review) -> Table:
    a, app = review.applicant, review.application
    rows: list[tuple[str, str | Text]]
    if a is None:
        rows = [("申请人", Text("尚未确认", style="red"))]
    elif a.kind == "enterprise":
        rows = [("企业名称", a.name), ("统一社会信用代码", a.id_number), ("法定代表人", a.legal_representative),
                ("联系电话", a.mobile), ("电子邮箱", a.email), ("经营地址", a.residence_address)]
    else:
        born = f"{a.birth_date:%Y-%m-%d}" if a.birth_date else ""
        rows = [("姓名", a.name), ("证件类型", ID_TYPES.get(a.id_type, a.id_type)), ("证件号码", a.id_number),
                ("性别", SEXES.get(a.sex or "", "")), ("出生日期", born), ("手机号码", a.mobile), ("电子邮箱", a.email),
                ("户籍地址", a.household_address), ("居住地址", a.residence_address)]
    if app.agent_name:
        rows += [("经办人", f"{app.agent_name}（{ID_TYPES.get(app.agent_id_type or '', '')} {app.agent_id_number}）"),
                 ("经办人电话", app.agent_phone)]
    rows += [("叫号单号", app.ticket_no), ("备注", app.remark)]
    return _with_title(_part("申请人", "I"), _grid(rows))


def _materials(review) -> Table:
    rows: list[tuple[str, str | Text]] = []
    for row in review.rows:
        m = row.material
        line = Text(m.name, style="bold")
        line.append("（必填）" if m.required else "（选填）", style="dim")
        if not row.attachments and row.promise is not None and row.promise.kind == "tolerated":
            line.append(f"  容缺：收件之日起 {row.promise.days} 个工作日内补交（W 打印承诺书）", style="bold yellow")
        elif not row.attachments and row.promise is not None:
            line.append("  告知承诺：以签字承诺代替，事后核查（W 打印承诺书）", style="bold yellow")
        elif not row.attachments:
            line.append("  未提交", style="bold red" if m.required else "yellow")
        for attachment in row.attachments:
            line.append("\n  ▸ ")
            line.append(attachment.original_name)
            line.append(f"  {review.pages.get(attachment.sha256, 0)} 页  ", style="dim")
            line.append_text(precheck_text(attachment.precheck))
            if attachment.precheck_reason:
                line.append(f"：{attachment.precheck_reason}", style="red")
        rows.append((str(row.index), line))
    return _with_title(_part("申请材料", "M"), _grid(rows))


def _pickup(review) -> Table:
    pickup = review.pickup
    rows: list[tuple[str, str | Text]]
    if pickup is None:
        rows = [("取件方式", Text("尚未选择", style="red"))]
    elif pickup.method == "courier":
        rows = [("取件方式", PICKUP_METHODS["courier"]), ("收件人", pickup.recipient), ("收件人电话", pickup.phone),
                ("收件地址", pickup.address)]
    else:
        rows = [("取件方式", PICKUP_METHODS["onsite"])]
    return _with_title(_part("取件方式", "K"), _grid(rows))
