"""智能引导 at the counter: number keys answer, follow-up questions come and go, every answer is stored."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import OptionList

from counterdesk.catalog import Catalog
from counterdesk.services.applications import get
from counterdesk.tui.screens.guidance import GuidanceScreen, QuestionBlock
from counterdesk.tui.screens.guide import GuideScreen
from counterdesk.tui.screens.location import LocationScreen
from tests.functional.tui_helpers import (
    desk_app,
    logged_in,
    pilot_test,
    plain,
    settle,
    start_at,
    stored_answers,
)


def _questions(app) -> list[str]:
    return [block.question.id for block in app.screen.query(QuestionBlock)]


def _focused_question(app) -> str | None:
    block = next((a for a in app.focused.ancestors if isinstance(a, QuestionBlock)), None) if app.focused else None
    return block.question.id if block else None


async def _guidance(app, pilot, answers: dict[str, str] | None = None) -> int:
    await logged_in(app, pilot)
    application_id = await start_at(app, pilot, "guidance", answers=answers)
    assert isinstance(app.screen, GuidanceScreen)
    return application_id


@pilot_test
async def test_number_keys_answer_and_the_bank_question_appears_and_disappears(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        application_id = await _guidance(app, pilot)
        assert _questions(app) == ["category", "flexible"]
        assert _focused_question(app) == "category"
        await pilot.press("1")
        await settle(pilot)
        assert _focused_question(app) == "flexible"
        await pilot.press("1")
        await settle(pilot)
        assert _questions(app) == ["category", "flexible", "bank"]
        assert _focused_question(app) == "bank"
        await pilot.press("2")
        await settle(pilot)
        assert stored_answers(app, application_id) == {"category": "laid_off", "flexible": "yes", "bank": "no"}
        await pilot.press("up", "up")
        assert _focused_question(app) == "flexible"
        await pilot.press("2")
        await settle(pilot)
        assert _questions(app) == ["category", "flexible"]
        assert stored_answers(app, application_id) == {"category": "laid_off", "flexible": "no"}


@pilot_test
async def test_the_summary_counts_the_materials_for_the_answers_so_far(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guidance(app, pilot)
        await pilot.press("3")
        await settle(pilot)
        summary = plain(app.screen.query_one("#guidance-summary"))
        # 残疾人证 comes in; the subsidy's pension proof and passbook wait for the next answer.
        assert "适用材料 5 项" in summary and "还需回答" in summary
        await pilot.press("up", "up", "up", "1")
        await settle(pilot)
        assert app.screen.answers == {"category": "laid_off"}
        assert "适用材料 4 项" in plain(app.screen.query_one("#guidance-summary"))


@pilot_test
async def test_wide_screens_list_the_materials_beside_the_questions(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(120, 36)) as pilot:
        await _guidance(app, pilot, {"category": "disabled"})
        side = app.screen.query_one("#guidance-side")
        assert side.display
        assert "残疾人证" in plain(app.screen.query_one("#guidance-materials"))
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert not side.display


@pilot_test
async def test_continuing_with_a_question_open_names_it_and_stays(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guidance(app, pilot, {"category": "laid_off"})
        await pilot.press("ctrl+right")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        assert _focused_question(app) == "flexible"
        assert "还需回答：申请人目前是否以灵活就业方式" in plain(app.screen.query_one("#guidance-summary"))


@pilot_test
async def test_enter_on_the_last_answer_goes_to_the_guide(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        application_id = await _guidance(app, pilot)
        await pilot.press("1", "2")
        await settle(pilot)
        assert "已全部回答" in plain(app.screen.query_one("#guidance-summary"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
        assert app.screen.draft.answers == {"category": "laid_off", "flexible": "no"}
        with app.ctx.session() as session:
            assert get(session, actor=app.ctx.actor, application_id=application_id).step == "guide"


@pilot_test
async def test_a_resumed_draft_shows_its_stored_answers_and_escape_goes_back_to_the_location(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        application_id = await _guidance(app, pilot, {"category": "laid_off", "flexible": "yes"})
        assert _questions(app) == ["category", "flexible", "bank"]
        assert _focused_question(app) == "bank"
        options = app.screen.query_one("#question-flexible").query_one(OptionList).options
        assert [str(option.prompt) for option in options] == ["1 ● 是，已以灵活就业人员身份缴纳养老保险", "2 ○ 否，仅申请认定"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LocationScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.draft.application_id == application_id
        assert _questions(app) == ["category", "flexible", "bank"]


@pilot_test
async def test_a_matter_without_situation_questions_goes_on_with_enter(tmp_path, catalog):
    example = catalog.matter("ZC-JYKN-001")
    plain_matter = replace(example, questions=(), materials=tuple(m for m in example.materials if not m.when))
    matters = [plain_matter if code == example.code else catalog.matter(code) for code in catalog.matters]
    simple = Catalog.of(catalog.directory, catalog.province, catalog.cities, matters)
    app = desk_app(tmp_path, simple)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guidance(app, pilot)
        assert _questions(app) == []
        assert "已回答 0/0 · 适用材料 4 项" in plain(app.screen.query_one("#guidance-summary"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
