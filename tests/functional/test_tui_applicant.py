"""确认信息 at the counter: the ID number first, live messages beside the fields, nothing typed lost."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.widgets import Input

from counterdesk.domain.idnumbers import build_resident_id
from counterdesk.services import applications
from counterdesk.store.models import Applicant, Application
from counterdesk.tui.dialogs.confirm import ConfirmDialog
from counterdesk.tui.screens.applicant import ApplicantScreen
from counterdesk.tui.screens.home import HomeScreen
from tests.factories import EXAMPLE_ANSWERS, EXAMPLE_MATTER, PINGJIANG, applicant_form, submitted_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, open_step, pilot_test, plain, settle

ZHANG = build_resident_id(PINGJIANG, date(1985, 6, 15), 1)
"""张三's resident ID: a man born 1985-06-15 in 平江县."""


def _new_draft(app) -> int:
    with app.ctx.session() as session:
        draft = applications.start_draft(session, actor=CLERK, catalog=app.ctx.catalog, matter_code=EXAMPLE_MATTER,
                                         county_code=PINGJIANG)
        applications.save_answers(session, actor=CLERK, catalog=app.ctx.catalog, application_id=draft.id,
                                  answers=EXAMPLE_ANSWERS)
    return draft.id


def _stored(app, application_id: int) -> Application:
    with app.ctx.session() as session:
        return session.get(Application, application_id)


async def _type(pilot, key: str, text: str, *, keys: bool = False) -> None:
    """Type into a field: key by key, or in one go as a card reader or a paste would."""
    field = pilot.app.screen.query_one(f"#f-{key}")
    field.focus()
    if keys:
        await pilot.press(*text)
    elif isinstance(field, Input):
        field.insert_text_at_cursor(text)
    else:
        field.insert(text)
    await settle(pilot)


def _message(app, key: str) -> str:
    return plain(app.screen.query_one(f"#msg-{key}"))


@pilot_test
async def test_a_wrong_check_digit_is_named_beside_the_id_number_and_blocks_continuing(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
        await _type(pilot, "id_number", wrong, keys=True)
        assert "校验位" in _message(app, "id_number")
        await _type(pilot, "name", "张三")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ApplicantScreen)
        assert app.focused.id == "f-id_number"
        assert "请填写手机号码" in _message(app, "mobile")
        assert _stored(app, draft_id).applicant_id is None
        assert applications.saved_form(_stored(app, draft_id))["id_number"] == wrong


@pilot_test
async def test_sex_and_birth_date_are_read_from_a_resident_id(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", _new_draft(app))
        assert not app.screen.query_one("#row-sex").display
        await _type(pilot, "id_number", ZHANG)
        assert "男，1985年06月15日" in plain(app.screen.query_one("#derived"))


@pilot_test
async def test_a_returning_applicant_is_prefilled_and_their_open_application_pointed_out(
        tmp_path, catalog, monkeypatch):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            earlier = submitted_application(session, CLERK, catalog, app.ctx.settings,
                                            form=applicant_form(id_number=ZHANG, name="张三"))
        await open_step(app, pilot, "applicant", _new_draft(app))
        await _type(pilot, "id_number", ZHANG)
        assert isinstance(app.screen, ConfirmDialog)
        assert earlier.number in plain(app.screen.query_one("#confirm-body"))
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApplicantScreen)
        assert screen.query_one("#f-name", Input).value == "张三"
        assert screen.query_one("#f-mobile", Input).value == "13812347777"
        assert screen.query_one("#f-household_address", Input).value == "湖南省岳阳市平江县城关镇天岳大道1号"


@pilot_test
async def test_going_back_from_the_open_application_warning_keeps_the_draft_for_later(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            submitted_application(session, CLERK, catalog, app.ctx.settings, form=applicant_form(id_number=ZHANG))
        draft_id = _new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        await _type(pilot, "id_number", ZHANG)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert applications.saved_form(_stored(app, draft_id))["id_number"] == ZHANG


@pilot_test
async def test_the_remark_counter_follows_typing_and_turns_red_past_250(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", _new_draft(app))
        await _type(pilot, "remark", "材料原件已核验")
        label = app.screen.query_one("#row-remark .field-label")
        assert str(label.content) == "备注 7/250"
        app.screen.query_one("#f-remark").text = "备" * 251
        await settle(pilot)
        assert str(label.content) == "备注 251/250" and label.has_class("over")
        assert "最多250个字" in _message(app, "remark")


@pilot_test
async def test_f2_turns_the_form_into_an_enterprise_applicant(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", _new_draft(app))
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert app.focused.id == "f-credit_code"
        assert screen.query_one("#row-legal_representative").display
        assert not screen.query_one("#row-id_number").display
        assert screen.row("name").label == "企业名称" and screen.row("mobile").label == "联系电话"


@pilot_test
async def test_a_valid_form_stores_the_applicant_with_the_agent_and_moves_to_materials(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        await _type(pilot, "id_number", ZHANG)
        for key, text in (("name", "张三"), ("mobile", "13812347777")):
            await _type(pilot, key, text)
        await pilot.press("f3")
        agent = build_resident_id("430602", date(1990, 1, 2), 7)
        for key, text in (("agent_id_number", agent), ("agent_name", "李四"), ("agent_phone", "13900001111"),
                          ("ticket_no", "a023")):
            await _type(pilot, key, text)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.STEP == "materials"
        stored = _stored(app, draft_id)
        assert (stored.agent_name, stored.ticket_no, stored.step) == ("李四", "A023", "materials")
        with app.ctx.session() as session:
            applicant = session.get(Applicant, stored.applicant_id)
        assert (applicant.name, applicant.sex, applicant.birth_date) == ("张三", "M", date(1985, 6, 15))


@pilot_test
async def test_what_was_typed_is_saved_on_leaving_and_back_on_resuming(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        await _type(pilot, "id_number", ZHANG)
        await _type(pilot, "name", "张<b>三")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert _stored(app, draft_id).step == "applicant"
        await open_step(app, pilot, "applicant", draft_id)
        assert app.screen.query_one("#f-name", Input).value == "张<b>三"
        assert app.screen.query_one("#f-id_number", Input).value == ZHANG


@pilot_test
async def test_a_second_application_beside_an_open_one_needs_a_supervisors_password_and_is_recorded(tmp_path,
                                                                                                   catalog):
    from sqlmodel import select

    from counterdesk.store.models import AuditEntry
    from counterdesk.tui.dialogs.authorize import AuthorizeDialog
    from tests.conftest import PASSWORD

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            first = submitted_application(session, CLERK, catalog, app.ctx.settings,
                                          form=applicant_form(id_number=ZHANG))
        draft_id = _new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        await _type(pilot, "id_number", ZHANG)
        assert isinstance(app.screen, ConfirmDialog) and first.number in plain(app.screen.query_one("#confirm-body"))
        await pilot.press("y")  # go on filling in: the old data is prefilled
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) and "值班长授权" in str(app.screen.query_one("#yes").label)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AuthorizeDialog)
        app.screen.query_one("#authorize-id").value = "c03"  # a clerk cannot authorise
        app.screen.query_one("#authorize-password").value = PASSWORD
        app.screen.query_one("#authorize-password").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ApplicantScreen) and _stored(app, draft_id).repeat_override_by is None
        assert any("不是值班长" in n.message for n in app._notifications)
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        app.screen.query_one("#authorize-id").value = "sup01"
        app.screen.query_one("#authorize-password").value = PASSWORD
        app.screen.query_one("#authorize-password").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.STEP == "materials"
        assert _stored(app, draft_id).repeat_override_by == "sup01"
        with app.ctx.session() as session:
            entry = session.exec(select(AuditEntry).where(AuditEntry.action == "repeat_override")).one()
        assert entry.staff_id == "sup01" and first.number in entry.detail


@pilot_test
async def test_a_long_address_typed_key_by_key_scrolls_its_field_and_a_long_message_gets_its_lines(
        tmp_path, catalog):
    """The form's fields keep their own horizontal scrolling and messages their height, although
    typing no longer lays the whole screen out again on every key."""
    address = "湖南省岳阳市平江县城关镇天岳大道八号天岳小区三栋二单元五零二室"
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", _new_draft(app))
        await _type(pilot, "household_address", address, keys=True)
        field = app.screen.query_one("#f-household_address", Input)
        assert field.value == address
        assert field.scroll_x > 0 and field.virtual_size.width > field.content_size.width
        assert field.cursor_screen_offset.x <= field.content_region.right  # as with a stock Input
        await _type(pilot, "id_number", "4306261985", keys=True)
        message = app.screen.query_one("#msg-id_number")
        assert "18位" in _message(app, "id_number")
        lines = Text(_message(app, "id_number").strip()).wrap(app.console, message.content_size.width)
        assert message.content_size.height == len(lines)
