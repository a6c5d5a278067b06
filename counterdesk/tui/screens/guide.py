"""办事指南 (the guide): everything about the matter for the citizen's situation, and the 明白卡.

Many citizens leave here with the card and come back with their papers later, so printing and
saving the card are one key each and the draft simply stays (F10 goes home).

A matter that must be handled in person at the 办理地 (marriage, photo and fingerprints, a car
inspection) ends here: the guide names the office, and Enter records a 咨询 visit instead of going
on to take an application.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from counterdesk.domain import guidance
from counterdesk.domain.errors import CounterdeskError
from counterdesk.domain.text import REQUIRED_HEADING
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import PlacedDraft


def _numbered(lines) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, style="bold")
    table.add_column(ratio=1, overflow="fold")
    for n, line in enumerate(lines, 1):
        table.add_row(f"{n}.", line)
    return table


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def time_limit_text(matter) -> str:
    """承诺时限 and, when known, 法定时限."""
    promised = "即办（当场办结）" if matter.time_limit_days <= 0 else f"{matter.time_limit_days} 个工作日"
    if matter.legal_time_limit_days is not None:
        promised += f"（法定 {matter.legal_time_limit_days} 个工作日）"
    return promised


class GuideScreen(WizardScreen):
    """The guide for these answers; P/S/E print, save or mail the 明白卡, G prints the generic card for
    the rack (every material with the situations that need it), Enter goes on."""

    STEP = "guide"
    TITLE_TEXT = "办事指南"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("p,P", "card('print')", "打印明白卡", key_display="P"),
        Binding("s,S", "card('save')", "保存明白卡", key_display="S"),
        Binding("e,E", "email", "邮件发送", key_display="E"),
        Binding("g,G", "card('generic')", "通用明白卡", key_display="G"),
        Binding("enter", "next", "继续：确认信息", priority=True),
        Binding("enter", "consult", "登记咨询并结束", priority=True),
        Binding("escape", "back", "返回智能引导"),
    ]

    def __init__(self, draft: PlacedDraft) -> None:
        super().__init__(draft)
        self._busy = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="guide-box"):
            with VerticalScroll(id="guide-scroll"):
                yield Static(id="guide-body")
            yield Static(id="guide-status")
        yield KeyBar()

    @property
    def in_person(self) -> bool:
        """Whether the matter must be handled in person at the 办理地 (no application here)."""
        return not self.catalog.matter(self.draft.matter_code).received_here

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "consult"):
            return (action == "consult") == self.in_person
        return True

    def on_mount(self) -> None:
        self.query_one("#guide-body", Static).update(self.body())
        if self.in_person:
            self.say("本事项须到办理地现场办理，窗口不能代收：P 打印明白卡交给申请人　回车：登记为咨询并结束")
        else:
            self.say("明白卡：P 打印 · S 保存 PDF · E 发邮件 · G 打印通用版　回车：下一步 确认信息")
        self.query_one("#guide-scroll", VerticalScroll).focus()
        self.remember_step()

    def remember_step(self) -> None:
        """A resumed draft opens here again."""
        from counterdesk.services.applications import set_step

        self.run_service(lambda: self.ctx.call(set_step, actor=self.actor, application_id=self.draft.application_id,
                                               step="guide"), group="step")

    # -- the guide -------------------------------------------------------------------------

    def body(self) -> Group:
        """The whole guide as one scrollable renderable."""
        catalog = self.catalog
        matter = catalog.matter(self.draft.matter_code)
        county = catalog.county(self.draft.county_code)
        result = guidance.guide(matter, self.draft.answers)
        parts: list = [Text(matter.name, style="bold reverse"), Text(matter.summary)]

        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column(ratio=1, overflow="fold")
        facts.add_row("办理地点", f"湖南省{catalog.place_name(county.code)}")
        facts.add_row("服务类别", f"{matter.audience_label} · {matter.theme} · {matter.type}")
        facts.add_row("办理时限", time_limit_text(matter))
        facts.add_row("收费标准", matter.fee or "不收费")
        facts.add_row("咨询电话", matter.phone or "—")
        facts.add_row("办理模式", matter.mode_label)
        if not matter.received_here:
            facts.add_row("办理机构", Text(matter.office_in(county.authority), style="bold"))
        parts += [Text(""), facts]

        parts.append(_section("您的情形"))
        if result.questions:
            situation = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
            situation.add_column("问题", ratio=3, overflow="fold")
            situation.add_column("您的选择", ratio=2, overflow="fold")
            for question in result.questions:
                chosen = question.option(result.answers.get(question.id, ""))
                situation.add_row(question.text, chosen.text if chosen else Text("未回答", style="yellow"))
            parts.append(situation)
        else:
            parts.append(Text("本事项无需选择办事情形。"))

        parts.append(_section(f"申请材料（共 {len(result.materials)} 项）"))
        materials = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
        materials.add_column("序号", justify="right", no_wrap=True)
        materials.add_column("材料名称", ratio=1, overflow="fold")
        materials.add_column("原件/复印件", no_wrap=True)
        materials.add_column("份数", justify="right", no_wrap=True)
        materials.add_column(REQUIRED_HEADING, no_wrap=True)
        for n, material in enumerate(result.materials, 1):
            name = Text(material.name)
            if material.note:
                name.append(f"\n{material.note}", style="dim")
            materials.add_row(str(n), name, material.kind_label, str(material.copies),
                              guidance.requirement_label(matter, material, result.answers))
        parts.append(materials)

        for title, lines in (("办理流程", matter.process), ("受理条件", matter.conditions),
                             ("设定依据", matter.legal_basis)):
            if lines:
                parts += [_section(title), _numbered(lines)]
        if matter.items:
            parts.append(_section("包含事项"))
            items = Table(show_header=True, header_style="bold", expand=True)
            items.add_column("事项", ratio=3, overflow="fold")
            items.add_column("办理部门", ratio=2, overflow="fold")
            for item in matter.items:
                items.add_row(item.name, item.department)
            parts.append(items)
        if matter.faq:
            parts.append(_section("常见问题"))
            for faq in matter.faq:
                parts += [Text(f"问：{faq.q}", style="bold"), Text(f"答：{faq.a}")]
        return Group(*parts)

    def say(self, message: str, *, error: bool = False) -> None:
        """One line under the guide: what the last action did."""
        status = self.query_one("#guide-status", Static)
        status.update(Text(message, style="bold red" if error else ""))

    # -- the 明白卡 ------------------------------------------------------------------------

    def action_card(self, how: str) -> None:
        if self._busy:
            return
        self._busy = True
        self.say("正在生成明白卡……" if how == "save" else "正在打印明白卡……")
        self.make_card(how, None)

    def action_email(self) -> None:
        from counterdesk.tui.dialogs.email import EmailDialog

        if not self.ctx.settings.smtp.configured:
            self.say("未配置发信服务器（COUNTERDESK_SMTP_HOST、COUNTERDESK_SMTP_FROM），无法发送邮件；"
                     "可按 P 打印或 S 保存明白卡。", error=True)
            return

        def send(address: str | None) -> None:
            if address and not self._busy:
                self._busy = True
                self.say(f"正在发送明白卡到 {address}……")
                self.make_card("mail", address)

        self.app.push_screen(EmailDialog("发送明白卡到电子邮箱"), send)

    def make_card(self, how: str, address: str | None) -> None:
        """Build the card and print, save or mail it (to ``address``), off the UI thread (a PDF takes a moment)."""
        from counterdesk.documents.pdf.card import render_card
        from counterdesk.services.papers import card_file_name, card_for, deliver, mail_card
        from counterdesk.tui.papers import warn_of_blanks

        def make() -> tuple[str, str | None]:
            ctx = self.ctx
            # The generic card (G) is made without answers: every material with the situations that need it.
            answers = {} if how == "generic" else self.draft.answers
            card = ctx.call(card_for, catalog=self.catalog, hall=ctx.hall, matter_code=self.draft.matter_code,
                            county_code=self.draft.county_code, answers=answers)
            pdf = render_card(card)
            if address is not None:
                mail_card(ctx.settings, card, address, pdf=pdf)
                return f"明白卡已发送到 {address}。", pdf.warning
            message = deliver(ctx.settings, pdf, card_file_name(card), print_it=how != "save").message
            return ("明白卡" + message if how == "save" else message), pdf.warning

        def made(done: tuple[str, str | None]) -> None:
            message, warning = done
            self._card_done(message)
            warn_of_blanks(self, warning)

        self.run_service(make, made, refused=self._card_refused, group="card", exclusive=True)

    def _card_done(self, message: str, *, error: bool = False) -> None:
        self._busy = False
        self.say(message, error=error)

    def _card_refused(self, error: CounterdeskError) -> None:
        self._card_done(error.message, error=True)

    # -- moving on -------------------------------------------------------------------------

    def action_next(self) -> None:
        self.go("applicant")

    def action_consult(self) -> None:
        if not self._busy:
            self._busy = True
            self.record_consultation()

    def record_consultation(self) -> None:
        """End the draft as a 咨询 visit (the citizen goes to the 办理地 with the card)."""
        from counterdesk.services.visits import close_as_consultation

        self.run_service(lambda: self.ctx.call(close_as_consultation, actor=self.actor, catalog=self.catalog,
                                               application_id=self.draft.application_id),
                         self._consulted, refused=self._card_refused, group="step", exclusive=True)

    def _consulted(self, _: object) -> None:
        self.app.notify("已登记为咨询：申请人凭明白卡到办理机构现场办理。")
        self.action_home()

    def action_back(self) -> None:
        self.go("guidance")
