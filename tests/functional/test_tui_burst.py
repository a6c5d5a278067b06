"""Bursts of keys — a paste, or an ID-card reader / barcode scanner typing like a keyboard at 1 ms
per key — land in the fields in order: Tab and Enter inside a burst move focus right there.
"""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from tests.factories import resident_id
from tests.functional.test_tui_applicant_kinds import SIZES, new_draft
from tests.functional.tui_helpers import desk_app, logged_in, open_step, pilot_test, settle

_NAMES = {"\t": "tab", "\r": "enter"}


def burst(app, text: str) -> None:
    """Queue every key at once, as a wedge reader does: nothing is handled before all have arrived."""
    for char in text:
        name = _NAMES.get(char, char)
        app.post_message(events.Key(name, None if char in _NAMES else char))


async def typed(pilot) -> None:
    """Wait until every key of the burst has been applied, then for what they started."""
    await pilot.pause()
    await pilot.app.keys.idle.wait()
    await settle(pilot)


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_a_wedge_reader_fills_id_name_and_phone_in_one_burst(tmp_path, catalog, size):
    app = desk_app(tmp_path, catalog)
    number = resident_id(61)
    async with app.run_test(size=size) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        assert app.focused.id == "f-id_number"
        burst(app, f"{number}\t李四\t13900001111\r")
        await typed(pilot)
        value = lambda key: app.screen.query_one(f"#f-{key}", Input).value  # noqa: E731
        assert (value("id_number"), value("name"), value("mobile")) == (number, "李四", "13900001111")
        assert app.focused.id == "f-email"


@pilot_test
async def test_a_paste_with_tabs_fills_the_fields_it_crosses(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = resident_id(62)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        app.post_message(events.Paste(f"{number}\t王五\t13700002222"))
        await typed(pilot)
        value = lambda key: app.screen.query_one(f"#f-{key}", Input).value  # noqa: E731
        assert (value("id_number"), value("name"), value("mobile")) == (number, "王五", "13700002222")


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_first_set_up_typed_in_one_burst_keeps_every_field_apart(tmp_path, catalog, size):
    from counterdesk.store.engine import open_database
    from counterdesk.tui.app import CounterdeskApp
    from counterdesk.tui.context import DeskContext
    from counterdesk.tui.screens.setup import SetupScreen
    from tests.conftest import PASSWORD
    from tests.functional.tui_helpers import desk_settings

    settings = desk_settings(tmp_path)
    app = CounterdeskApp(settings, ctx=DeskContext(settings, engine=open_database(settings.db_url), catalog=catalog))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        screen.query_one("#staff-id", Input).focus()
        burst(app, f"sup01\t王科长\t1\t{PASSWORD}\t{PASSWORD}")
        await typed(pilot)
        value = lambda key: screen.query_one(f"#{key}", Input).value  # noqa: E731
        assert [value(k) for k in ("staff-id", "staff-name", "window", "password", "password2")] == [
            "sup01", "王科长", "1", PASSWORD, PASSWORD]


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_a_reader_burst_for_a_returning_applicant_reaches_the_form_not_the_warning(tmp_path, catalog, size):
    """The lookup of a returning applicant answers mid-burst: its prefill and its 已有办件 question wait
    until the reader's keys are in the fields, so Tab or Enter never answers the question (返回首页)
    and the phone typed is not lost under the stored one."""
    from counterdesk.tui.dialogs.confirm import ConfirmDialog
    from counterdesk.tui.screens.applicant import ApplicantScreen
    from tests.factories import applicant_form, submitted_application
    from tests.functional.tui_helpers import CLERK

    app = desk_app(tmp_path, catalog)
    number = resident_id(63)
    async with app.run_test(size=size) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            earlier = submitted_application(session, CLERK, catalog, app.ctx.settings,
                                            form=applicant_form(id_number=number, name="李四", mobile="13812347777"))
        await open_step(app, pilot, "applicant", new_draft(app))
        burst(app, f"{number}\t李四\t13900001111\r")
        await typed(pilot)
        assert isinstance(app.screen, ConfirmDialog), type(app.screen).__name__
        assert earlier.number in str(app.screen.query_one("#confirm-body").render())
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApplicantScreen)
        value = lambda key: screen.query_one(f"#f-{key}", Input).value  # noqa: E731
        assert (value("id_number"), value("name"), value("mobile")) == (number, "李四", "13900001111")
        assert value("household_address") == "湖南省岳阳市平江县城关镇天岳大道1号"
        assert app.focused.id == "f-email"
