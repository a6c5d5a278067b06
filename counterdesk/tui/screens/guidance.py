"""智能引导 (smart guidance): the situation questions, one below the other, answered by number keys.

An answer may bring a follow-up question in or take it away (and with it the answers that hung
on it); each change is stored at once, so the draft can be left and resumed at any moment.
"""

from __future__ import annotations

import threading

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from counterdesk.domain import guidance
from counterdesk.domain.matter import Question
from counterdesk.tui.commands import ScreenKeys
from counterdesk.tui.screens.wizard_base import WizardScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.wizard import PlacedDraft

WIDE = 110
"""From this width on, the materials that apply are listed beside the questions."""


class QuestionOptions(OptionList):
    """A question's options; ↑ on the first and ↓ on the last move to the neighbouring question."""

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self._neighbour(-1)
        else:
            super().action_cursor_up()

    def action_cursor_down(self) -> None:
        if self.highlighted is None or self.highlighted >= self.option_count - 1:
            self._neighbour(1)
        else:
            super().action_cursor_down()

    def _neighbour(self, step: int) -> None:
        lists = list(self.screen.query(QuestionOptions))
        index = lists.index(self) + step
        if 0 <= index < len(lists):
            lists[index].focus()
            lists[index].highlighted = 0 if step > 0 else lists[index].option_count - 1


class QuestionBlock(Vertical):
    """One situation question: its text, then its options numbered 1, 2, 3 …"""

    def __init__(self, question: Question, number: int, chosen: str | None) -> None:
        super().__init__(id=f"question-{question.id}", classes="question")
        self.question = question
        """The catalog's question."""
        self._first = (number, chosen)

    def compose(self) -> ComposeResult:
        yield Static(classes="question-text")
        yield QuestionOptions(classes="question-options")

    def on_mount(self) -> None:
        self.show(*self._first)

    def show(self, number: int, chosen: str | None) -> None:
        """Number the question and mark the chosen option (● chosen, ○ not)."""
        text = Text(f"{number}. ", style="bold")
        text.append(self.question.text, style="bold")
        text.append("  已回答" if chosen else "  待回答", style="green" if chosen else "yellow")
        self.query_one(".question-text", Static).update(text)
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        prompts = []
        for n, option in enumerate(self.question.options, 1):
            mine = option.id == chosen
            prompt = Text(f"{n} ", style="bold")
            prompt.append("● " if mine else "○ ", style="bold green" if mine else "dim")
            prompt.append(option.text, style="bold" if mine else "")
            prompts.append(Option(prompt, id=option.id))
        options.set_options(prompts)
        ids = [o.id for o in self.question.options]
        options.highlighted = ids.index(chosen) if chosen in ids else (highlighted or 0)


class GuidanceScreen(WizardScreen):
    """Answer the situation questions; Enter on the last answer (or F9) goes to the guide."""

    STEP = "guidance"
    TITLE_TEXT = "智能引导"
    COMMANDS = {ScreenKeys}
    BINDINGS = [
        Binding("1", "choose(1)", "选择选项", key_display="1-9"),
        *(Binding(str(n), f"choose({n})", show=False) for n in range(2, 10)),
        Binding("f9", "next", "继续：办事指南", priority=True),
        Binding("ctrl+right", "next", show=False),
        Binding("enter", "next", show=False),
        Binding("escape", "back", "返回选地点"),
    ]

    def __init__(self, draft: PlacedDraft) -> None:
        super().__init__(draft)
        self.answers: dict[str, str] = dict(draft.answers)
        """The answers that count, as last chosen."""
        self._save_lock = threading.Lock()

    @property
    def matter(self):
        return self.catalog.matter(self.draft.matter_code)

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical(id="guidance-box"):
            yield Static(id="guidance-title")
            with Horizontal(id="guidance-body"):
                yield VerticalScroll(id="guidance-questions")
                with VerticalScroll(id="guidance-side"):
                    yield Static("适用材料", classes="section-title")
                    yield Static(id="guidance-materials")
            yield Static(id="guidance-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(self.matter.name, style="bold")
        title.append(f" · {self.catalog.place_name(self.draft.county_code)}", style="dim")
        title.append("  请按群众的实际情况回答，数字键选择", style="dim")
        self.query_one("#guidance-title", Static).update(title)
        self.answers = guidance.clean_answers(self.matter, self.answers)
        if not self.matter.questions:
            self.query_one("#guidance-questions").mount(
                Static("本事项无需回答办事情形问题，回车进入办事指南。", classes="question"))
        self.sync()
        self.call_after_refresh(self.focus_pending)
        self.remember_step()

    def on_resize(self) -> None:
        self.query_one("#guidance-side").display = self.size.width >= WIDE

    def remember_step(self) -> None:
        """A resumed draft opens here again."""
        from counterdesk.services.applications import set_step

        self.run_service(lambda: self.ctx.call(set_step, actor=self.actor, application_id=self.draft.application_id,
                                               step="guidance"), group="step")

    # -- questions on screen ---------------------------------------------------------------

    def blocks(self) -> list[QuestionBlock]:
        """The question blocks on screen, in order."""
        return list(self.query(QuestionBlock))

    def sync(self) -> None:
        """Show exactly the questions that apply now, numbered, with the answers marked."""
        wanted = guidance.applicable_questions(self.matter, self.answers)
        wanted_ids = {question.id for question in wanted}
        container = self.query_one("#guidance-questions", VerticalScroll)
        existing: dict[str, QuestionBlock] = {}
        for on_screen in self.blocks():
            if on_screen.question.id in wanted_ids:
                existing[on_screen.question.id] = on_screen
            else:
                on_screen.remove()
        previous: QuestionBlock | None = None
        for number, question in enumerate(wanted, 1):
            chosen = self.answers.get(question.id)
            block = existing.get(question.id)
            if block is None:
                block = QuestionBlock(question, number, chosen)
                if previous is None:
                    container.mount(block, before=0 if existing else None)
                else:
                    container.mount(block, after=previous)
            else:
                block.show(number, chosen)
            previous = block
        self.show_summary()

    def show_summary(self) -> None:
        matter = self.matter
        questions = guidance.applicable_questions(matter, self.answers)
        pending = guidance.pending_questions(matter, self.answers)
        materials = guidance.applicable_materials(matter, self.answers)
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"已回答 {len(questions) - len(pending)}/{len(questions)}")
        text.append(" · ")
        text.append(f"适用材料 {len(materials)} 项", style="bold")
        if pending:
            text.append(f" · 还需回答：{pending[0].text}", style="yellow")
        else:
            text.append(" · 已全部回答，回车或 F9 进入办事指南", style="green")
        self.query_one("#guidance-summary", Static).update(text)
        listing = Table.grid(padding=(0, 1))
        listing.add_column(justify="right", style="bold", no_wrap=True)
        listing.add_column(ratio=1, overflow="fold")
        for n, material in enumerate(materials, 1):
            listing.add_row(f"{n}.", Text.assemble(material.name, (f"（{material.kind_label}）", "dim")))
        self.query_one("#guidance-materials", Static).update(listing)

    def focus_pending(self, after: str | None = None) -> None:
        """Focus the next unanswered question (after ``after`` if there is one), else stay on ``after``."""
        order = [q.id for q in guidance.applicable_questions(self.matter, self.answers)]
        pending = [q.id for q in guidance.pending_questions(self.matter, self.answers)]
        if after in order:
            pending = [qid for qid in pending if order.index(qid) > order.index(after)] or pending
        target = pending[0] if pending else after or (order[0] if order else None)
        for block in self.blocks():
            if block.question.id == target:
                block.query_one(OptionList).focus()
                block.scroll_visible()
                return

    # -- answering -------------------------------------------------------------------------

    def focused_block(self) -> QuestionBlock | None:
        for block in self.blocks():
            if block.has_focus_within:
                return block
        return None

    def action_choose(self, number: int) -> None:
        block = self.focused_block()
        if block is None:
            pending = guidance.pending_questions(self.matter, self.answers)
            block = next((b for b in self.blocks() if pending and b.question.id == pending[0].id), None)
        if block is None:
            return
        if number > len(block.question.options):
            self.notify(f"这个问题只有 {len(block.question.options)} 个选项。", severity="warning")
            return
        self.answer(block.question.id, block.question.options[number - 1].id)

    @on(OptionList.OptionSelected, ".question-options")
    def option_selected(self, event: OptionList.OptionSelected) -> None:
        block = next(a for a in event.option_list.ancestors if isinstance(a, QuestionBlock))
        if self.answers.get(block.question.id) == event.option.id:
            self.action_next()
        elif event.option.id is not None:
            self.answer(block.question.id, event.option.id)

    def answer(self, question_id: str, option_id: str) -> None:
        """Record an answer, show the follow-ups it brings, store it, then on to the next question."""
        answers = dict(self.answers)
        answers[question_id] = option_id
        self.answers = guidance.clean_answers(self.matter, answers)
        self.draft.answers = dict(self.answers)
        self.sync()
        self.save()
        self.call_after_refresh(self.focus_pending, question_id)

    def save(self) -> None:
        """Store the answers as they are when the write starts (later changes follow in order)."""
        from counterdesk.services.applications import save_answers

        def store() -> None:
            with self._save_lock:
                self.ctx.call(save_answers, actor=self.actor, catalog=self.catalog,
                              application_id=self.draft.application_id, answers=dict(self.answers))

        self.run_service(store, group="save")

    # -- moving on -------------------------------------------------------------------------

    def action_next(self) -> None:
        pending = guidance.pending_questions(self.matter, self.answers)
        if pending:
            self.notify(f"请先回答：{pending[0].text}", severity="warning")
            self.focus_pending()
            return
        self.go("guide")

    def action_back(self) -> None:
        self.go("location")
