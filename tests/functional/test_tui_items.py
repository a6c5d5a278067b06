"""包含事项 on the supervisor's detail screen at 80×24: shown with department, status and date, set with X."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Input, OptionList, Static

from counterdesk.services import workflow
from counterdesk.store.models import Application, ApplicationItem
from counterdesk.tui.dialogs.item import ItemDialog
from counterdesk.tui.screens.detail import DetailScreen
from tests.functional.test_tui_queue import SUPERVISOR, settle, submit_some
from tests.functional.tui_helpers import desk_app, logged_in, pilot_test, plain

SIZE = (80, 24)


def accepted_one(app) -> str:
    [number] = submit_some(app, 1)
    with app.ctx.session() as session:
        workflow.advance(session, actor=SUPERVISOR, number_or_id=number, to_status="accepted", catalog=app.ctx.catalog)
    return number


def stored_items(app, number: str) -> list[tuple[str, str | None]]:
    with app.ctx.session() as session:
        app_id = session.exec(select(Application.id).where(Application.number == number)).one()
        rows = session.exec(select(ApplicationItem).where(ApplicationItem.application_id == app_id)
                            .order_by(ApplicationItem.number)).all()
        return [(r.status, r.note) for r in rows]


def status_of(app, number: str) -> str:
    with app.ctx.session() as session:
        return session.exec(select(Application.status).where(Application.number == number)).one()


async def open_detail(app, pilot, number: str) -> DetailScreen:
    await logged_in(app, pilot, SUPERVISOR)
    app.push_screen(DetailScreen(number))
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    return app.screen


@pilot_test
async def test_supervisor_sets_an_item_in_the_dialog_and_the_detail_shows_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = accepted_one(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot, number)
        shown = plain(detail.query_one("#detail-items", Static))
        assert "就业困难人员认定" in shown and "县级人力资源和社会保障局" in shown and shown.count("待办") == 2
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ItemDialog)
        await pilot.press("down", "enter")
        assert dialog.query_one("#item-status", OptionList).has_focus
        await pilot.press("down", "down", "enter")
        assert dialog.query_one("#item-note", Input).has_focus
        await pilot.press(*"申请人不符合补贴条件")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        assert stored_items(app, number) == [("pending", None), ("done", "申请人不符合补贴条件")]
        shown = plain(detail.query_one("#detail-items", Static))
        assert "已办结" in shown and shown.count("待办") == 1
        assert "事项 2“灵活就业社会保险补贴申领”：待办 → 已办结" in plain(detail.query_one("#detail-history", Static))
        assert any("已改为“已办结”" in str(n.message) for n in app._notifications)


@pilot_test
async def test_a_refusal_is_shown_in_the_dialog_with_the_note_kept(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = accepted_one(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, number)
        await pilot.press("x")
        await pilot.pause()
        dialog = app.screen
        await pilot.press("enter", "enter")
        await pilot.press(*"已受理")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "已是“待办”" in plain(dialog.query_one("#item-message", Static))
        assert dialog.query_one("#item-note", Input).value == "已受理"
        await pilot.press("escape")
        await settle(pilot)
        assert stored_items(app, number) == [("pending", None), ("pending", None)]


@pilot_test
async def test_completion_with_items_open_is_refused_in_chinese(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = accepted_one(app)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot, number)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail and status_of(app, number) == "accepted"
        assert any("还有 2 项包含事项未办结" in str(n.message) for n in app._notifications)


@pilot_test
async def test_before_acceptance_the_items_are_listed_and_x_is_not_offered(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot, number)
        assert plain(detail.query_one("#detail-items", Static)).count("待办") == 2
        assert detail.check_action("items", ()) is False
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is detail
