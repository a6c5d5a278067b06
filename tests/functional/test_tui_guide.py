"""办事指南 at the counter: the six materials of the guide's example, and the 明白卡 in one key."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from textual.widgets import Input

from counterdesk.services.applications import drafts_of_window
from counterdesk.tui.dialogs.email import EmailDialog
from counterdesk.tui.screens.guidance import GuidanceScreen
from counterdesk.tui.screens.guide import GuideScreen
from counterdesk.tui.screens.home import HomeScreen
from tests.functional.tui_helpers import Mailbox, desk_app, logged_in, pilot_test, plain, settle, start_at

LAID_OFF = {"category": "laid_off", "flexible": "yes", "bank": "yes"}
SIX = ["湖南省就业困难人员灵活就业社会保险补贴对象申报表", "当年缴纳养老保险的缴费凭证", "身份证、户口簿",
       "与单位解除劳动关系的证明书", "邮政储蓄银行活期存折", "失业登记证"]


async def _guide(app, pilot, answers=LAID_OFF) -> int:
    await logged_in(app, pilot)
    application_id = await start_at(app, pilot, "guide", answers=answers)
    assert isinstance(app.screen, GuideScreen)
    return application_id


def _status(app) -> str:
    return plain(app.screen.query_one("#guide-status"))


@pilot_test
async def test_guide_lists_the_six_materials_the_situation_and_the_facts(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        text = plain(app.screen.query_one("#guide-body"))
        assert "申请材料（共 6 项）" in text
        for name in SIX:
            assert name in text
        for fact in ("湖南省岳阳市平江县", "15 个工作日（法定 20 个工作日）", "12333", "县级人力资源和社会保障局",
                     "就业促进法", "社会保险补贴能享受多长时间", "已开立"):
            assert fact in text


@pilot_test
async def test_s_saves_the_card_as_a_pdf_naming_the_matter_and_says_where(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        await pilot.press("s")
        await settle(pilot)
        [saved] = (tmp_path / "data" / "output").glob("明白卡-*.pdf")
        assert str(saved) in _status(app).replace("\n", "")
        text = "".join(page.extract_text() for page in PdfReader(saved).pages)
        assert "我要申请认定为就业困难人员" in text and "失业登记证" in text


@pytest.mark.parametrize(("key", "kind", "shows"), [("p", "明白卡", "失业登记证"), ("g", "通用明白卡", "适用：")])
@pilot_test
async def test_p_and_g_without_a_printer_save_the_card_and_say_so(tmp_path, catalog, monkeypatch, key, kind, shows):
    """P prints the card of these answers; G the generic card for the rack, every material with its situation."""
    monkeypatch.setattr("counterdesk.documents.printing.shutil.which", lambda name: None)
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        await pilot.press(key)
        await settle(pilot)
        assert "本机未安装打印服务" in _status(app)
        [saved] = (tmp_path / "data" / "output").glob(f"{kind}-*.pdf")
        text = "".join(page.extract_text() for page in PdfReader(saved).pages).replace("\n", "")
        assert shows in text and ("通用版" in text) == (key == "g") and ("残疾人证" in text) == (key == "g")


@pilot_test
async def test_a_passbook_not_yet_opened_is_listed_as_tolerated(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(120, 36)) as pilot:
        await _guide(app, pilot, answers={**LAID_OFF, "bank": "no"})
        text = plain(app.screen.query_one("#guide-body"))
        row = next(line for line in text.splitlines() if "邮政储蓄银行活期存折" in line and "复印件" in line)
        assert "容缺（受理后补交）" in row and "必填" not in row


@pilot_test
async def test_e_without_smtp_says_mail_is_not_configured(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
        assert "未配置发信服务器" in _status(app)


@pilot_test
async def test_e_asks_the_address_checks_it_and_mails_the_card(tmp_path, catalog):
    with Mailbox() as mailbox:
        app = desk_app(tmp_path, catalog, smtp=mailbox.smtp())
        async with app.run_test(size=(80, 24)) as pilot:
            await _guide(app, pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, EmailDialog)
            await pilot.press(*"zhangsan.example.com")
            assert "@" in plain(app.screen.query_one("#email-message"))
            await pilot.press("enter")
            assert isinstance(app.screen, EmailDialog)
            app.screen.query_one("#email-address", Input).value = "zhangsan@example.com"
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, GuideScreen)
            assert "明白卡已发送到 zhangsan@example.com" in _status(app)
    [message] = mailbox.messages
    assert message["To"] == "zhangsan@example.com"
    assert message["Subject"] == "明白卡：我要申请认定为就业困难人员"


@pilot_test
async def test_f10_leaves_with_the_card_and_the_draft_waits_at_the_guide(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        application_id = await _guide(app, pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        [draft] = app.ctx.call(drafts_of_window, actor=app.ctx.actor)
        assert (draft.id, draft.step) == (application_id, "guide")


@pilot_test
async def test_enter_goes_on_to_the_applicant_and_escape_back_to_the_questions(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        await pilot.press("ctrl+right")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ApplicantScreen"


@pilot_test
async def test_the_command_palette_finds_the_card_actions_by_their_chinese_names(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _guide(app, pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"保存明白卡")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
        assert len(list((tmp_path / "data" / "output").glob("明白卡-*.pdf"))) == 1


MARRIAGE = "GR-JHDJ-001"
FIRST_MARRIAGE = {"previous_marriage": "none", "soldier": "no", "update_hukou": "no"}


@pilot_test
async def test_marriage_is_in_person_so_enter_records_a_consultation_instead_of_an_application(tmp_path, catalog):
    from sqlmodel import select

    from counterdesk.services.visits import visits_of_day
    from counterdesk.store.models import Application

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await start_at(app, pilot, "guide", matter=MARRIAGE, answers=FIRST_MARRIAGE)
        text = plain(app.screen.query_one("#guide-body"))
        assert "到办理地现场办理" in text and "平江县民政局婚姻登记处" in text
        assert "登记为咨询" in _status(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        with app.ctx.session() as session:
            [visit] = visits_of_day(session)
            assert session.exec(select(Application)).all() == []
        assert (visit.outcome, visit.matter_code, visit.window) == ("consult", MARRIAGE, 3)


@pilot_test
async def test_the_card_of_an_in_person_matter_names_the_office_to_go_to(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await start_at(app, pilot, "guide", matter=MARRIAGE, answers=FIRST_MARRIAGE)
        await pilot.press("s")
        await settle(pilot)
        [saved] = (tmp_path / "data" / "output").glob("明白卡-*.pdf")
        text = "".join(page.extract_text() for page in PdfReader(saved).pages).replace("\n", "")
        assert "到办理地现场办理" in text and "平江县民政局婚姻登记处" in text
