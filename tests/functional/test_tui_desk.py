"""The desk around the wizard: first set-up on a new database, login, the idle lock."""

from __future__ import annotations

import dataclasses
import time

from sqlmodel import select
from textual.widgets import Input, Select

from counterdesk.services.hall import get_hall
from counterdesk.services.staff import has_staff
from counterdesk.store.engine import open_database
from counterdesk.store.models import Staff
from counterdesk.tui.app import CounterdeskApp
from counterdesk.tui.context import DeskContext
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.lock import LockScreen
from counterdesk.tui.screens.login import LoginScreen
from counterdesk.tui.screens.setup import SetupScreen
from tests.conftest import PASSWORD
from tests.functional.tui_helpers import desk_app, desk_settings, logged_in, pilot_test, plain, settle


async def _type(pilot, field: Input, text: str) -> None:
    field.focus()
    await pilot.press(*text)


@pilot_test
async def test_new_database_asks_for_the_hall_and_its_first_supervisor(tmp_path, catalog):
    settings = desk_settings(tmp_path)
    engine = open_database(settings.db_url)
    app = CounterdeskApp(settings, ctx=DeskContext(settings, engine=engine, catalog=catalog))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SetupScreen)
        screen.query_one("#city", Select).value = "430600"
        await settle(pilot)
        screen.query_one("#county", Select).value = "430626"
        for field, text in (("#staff-id", "sup01"), ("#staff-name", "王科长"), ("#window", "1"),
                            ("#password", PASSWORD), ("#password2", PASSWORD)):
            await _type(pilot, screen.query_one(field, Input), text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.actor.id == "sup01" and app.ctx.actor.is_supervisor
    with app.ctx.session() as session:
        assert has_staff(session)
        assert get_hall(session).county_code == "430626"


def first_start(tmp_path, catalog) -> CounterdeskApp:
    """The app on a new, empty database: it opens on the first set-up."""
    settings = desk_settings(tmp_path)
    return CounterdeskApp(settings, ctx=DeskContext(settings, engine=open_database(settings.db_url), catalog=catalog))


async def pingjiang_chosen(app, pilot) -> SetupScreen:
    """The set-up with 岳阳市 平江县 chosen as the hall's place."""
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, SetupScreen)
    screen.query_one("#city", Select).value = "430600"
    await settle(pilot)
    screen.query_one("#county", Select).value = "430626"
    await settle(pilot)
    return screen


@pilot_test
async def test_setup_refuses_two_different_passwords_and_keeps_what_was_typed(tmp_path, catalog):
    app = first_start(tmp_path, catalog)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await pingjiang_chosen(app, pilot)
        await _type(pilot, screen.query_one("#staff-id", Input), "sup01")
        await _type(pilot, screen.query_one("#password", Input), PASSWORD)
        await _type(pilot, screen.query_one("#password2", Input), "something-else")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "两次输入的密码不一致" in plain(screen.query_one("#setup-message"))
        assert screen.query_one("#staff-id", Input).value == "sup01"
    with app.ctx.session() as session:
        assert session.exec(select(Staff)).all() == []


@pilot_test
async def test_clerk_logs_in_after_a_wrong_password_is_named(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await _type(pilot, screen.query_one("#staff-id", Input), "c03")
        await _type(pilot, screen.query_one("#password", Input), "wrong-password")
        await pilot.press("enter")
        await settle(pilot)
        assert "工号或密码不正确" in plain(screen.query_one("#login-message"))
        assert screen.query_one("#password", Input).value == ""
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "3 号窗口 · 李娜" in plain(app.screen.query_one("#header"))


@pilot_test
async def test_enter_pressed_while_the_database_opens_logs_in_once_it_is_open(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        engine, app.ctx.engine = app.ctx.engine, None  # as while the start-up worker is still loading
        await _type(pilot, screen.query_one("#staff-id", Input), "c03")
        await _type(pilot, screen.query_one("#password", Input), PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        assert "完成后自动登录" in plain(screen.query_one("#login-message"))
        assert isinstance(app.screen, LoginScreen)
        app.ctx.engine = engine
        screen.ready()
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_idle_counter_locks_and_only_the_clerks_password_unlocks_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    app.ctx.settings = dataclasses.replace(app.ctx.settings, idle_lock_seconds=60)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        app.last_input = time.monotonic() - 61
        app.lock_if_idle()
        await settle(pilot)
        lock = app.screen
        assert isinstance(lock, LockScreen)
        await pilot.press("escape")
        assert app.screen is lock
        await pilot.press(*"not-it", "enter")
        await settle(pilot)
        assert app.screen is lock and "工号或密码不正确" in plain(lock.query_one("#lock-message"))
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_setup_offers_the_county_s_first_hall_code_and_refuses_a_wrong_one_keeping_the_form(tmp_path, catalog):
    app = first_start(tmp_path, catalog)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await pingjiang_chosen(app, pilot)
        code = screen.query_one("#hall-code", Input)
        assert code.value == "43062601"
        code.value = ""
        await _type(pilot, code, "43010202")  # a 长沙 code for a 平江 hall
        for field, text in (("#staff-id", "sup01"), ("#staff-name", "王科长"), ("#password", PASSWORD),
                            ("#password2", PASSWORD)):
            await _type(pilot, screen.query_one(field, Input), text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen) and "430626" in plain(screen.query_one("#setup-message"))
        assert screen.query_one("#staff-id", Input).value == "sup01"
        with app.ctx.session() as session:
            assert not has_staff(session)
        code.value = ""
        await _type(pilot, code, "43062602")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    with app.ctx.session() as session:
        assert get_hall(session).code == "43062602"
