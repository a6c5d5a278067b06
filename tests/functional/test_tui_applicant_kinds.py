"""确认信息 with every kind of identity document, and switching kinds half-way through typing."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from counterdesk.domain.idnumbers import ID_TYPES
from counterdesk.domain.iso7064 import mod11_2_check_char
from counterdesk.services import applications
from counterdesk.tui.screens.applicant import ApplicantScreen
from tests.factories import EXAMPLE_ANSWERS, EXAMPLE_MATTER, PINGJIANG, resident_id
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, open_step, pilot_test, plain, settle

VALID_NUMBERS = {
    "resident_id": resident_id(31),
    "passport": "E12345678",
    "hk_macao_permit": "H12345678",
    "taiwan_permit": "12345678",
    "foreign_permanent": "USA123456789012",
    "hmt_residence": "81000019900101001" + mod11_2_check_char("81000019900101001"),
}
"""A valid number of every 证件类型 the portal lists."""

SIZES = [(80, 24), (120, 36)]


def new_draft(app) -> int:
    with app.ctx.session() as session:
        draft = applications.start_draft(session, actor=CLERK, catalog=app.ctx.catalog, matter_code=EXAMPLE_MATTER,
                                         county_code=PINGJIANG)
        applications.save_answers(session, actor=CLERK, catalog=app.ctx.catalog, application_id=draft.id,
                                  answers=EXAMPLE_ANSWERS)
    return draft.id


def test_every_id_type_has_a_valid_sample_number():
    from counterdesk.domain.idnumbers import validate_id_number

    assert set(VALID_NUMBERS) == set(ID_TYPES)
    for id_type, number in VALID_NUMBERS.items():
        assert validate_id_number(id_type, number) == number


@pytest.mark.parametrize("id_type", sorted(ID_TYPES))
@pilot_test
async def test_clerk_types_a_valid_number_of_every_id_type_key_by_key(tmp_path, catalog, id_type):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        app.screen.query_one("#f-id_type").value = id_type
        await settle(pilot)
        app.screen.query_one("#f-id_number").focus()
        await pilot.press(*VALID_NUMBERS[id_type])
        await settle(pilot)
        assert isinstance(app.screen, ApplicantScreen)
        assert app.screen.query_one("#f-id_number", Input).value == VALID_NUMBERS[id_type]
        derived = plain(app.screen.query_one("#derived"))
        if id_type == "resident_id":
            assert "男，1985年06月15日" in derived
        else:
            assert not app.screen.query_one("#derived").display


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_f2_with_half_a_resident_id_typed_switches_to_an_enterprise(tmp_path, catalog, size):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=size) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        app.screen.query_one("#f-id_number").focus()
        await pilot.press(*resident_id(32)[:9])
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ApplicantScreen) and app.screen.kind == "enterprise"
        assert app.focused.id == "f-credit_code"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.kind == "personal"
        assert "由身份证号码自动得出" in plain(app.screen.query_one("#derived"))


def test_a_draft_shows_the_name_typed_before_the_applicant_was_confirmed(session, clerk, catalog):
    draft = applications.start_draft(session, actor=clerk, catalog=catalog, matter_code=EXAMPLE_MATTER,
                                     county_code=PINGJIANG)
    applications.save_form(session, actor=clerk, application_id=draft.id,
                           form={"kind": "personal", "id_number": "4306", "name": " 王小明 "})
    [summary] = applications.drafts_of_window(session, actor=clerk)
    assert summary.applicant_name == "王小明"


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_clerk_discards_a_draft_from_the_resume_list_after_confirming(tmp_path, catalog, size):
    from counterdesk.tui.dialogs.confirm import ConfirmDialog
    from counterdesk.tui.screens.home import HomeScreen

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=size) as pilot:
        await logged_in(app, pilot)
        kept, dropped = new_draft(app), new_draft(app)
        with app.ctx.session() as session:
            applications.save_form(session, actor=CLERK, application_id=dropped, form={"name": "坏草稿"})
        app.screen.load_drafts()
        await settle(pilot)
        await pilot.press("r")
        drafts = app.screen.query_one("#drafts")
        while drafts.get_option_at_index(drafts.highlighted).id != str(dropped):
            await pilot.press("down")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "坏草稿" in plain(app.screen.query_one("#confirm-body"))
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [d.id for d in app.ctx.call(applications.drafts_of_window, actor=CLERK)] == [kept]
        assert app.screen.query_one("#drafts").option_count == 1


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_word_jumps_and_esc_edit_the_name_and_f8_f9_move_between_steps(tmp_path, catalog, size):
    from counterdesk.tui.screens.guide import GuideScreen

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=size) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        screen = app.screen
        name = screen.query_one("#f-name", Input)
        name.focus()
        await pilot.press(*"Anna Maria", "ctrl+left", "X", "escape", "ctrl+right", "Y")
        await settle(pilot)
        assert app.screen is screen and app.focused is name
        assert name.value == "Anna XMariaY"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen and app.focused.id == "f-id_number"
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, GuideScreen)
