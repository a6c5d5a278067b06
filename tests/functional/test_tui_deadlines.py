"""The supervisor watches the clock: home says what falls due, the queue colours and filters it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select
from textual.widgets import OptionList

from counterdesk.services import ratings, workflow
from counterdesk.store.models import Application, RatingCase
from counterdesk.tui.dialogs.pick import PickDialog
from counterdesk.tui.screens.detail import DetailScreen
from counterdesk.tui.screens.home import HomeScreen
from tests.functional.test_tui_queue import SIZE, SUPERVISOR, open_queue, settle, submit_some, table_numbers
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, plain


def accept(app, numbers):
    with app.ctx.session() as session:
        for number in numbers:
            workflow.advance(session, actor=SUPERVISOR, number_or_id=number, to_status="accepted",
                             catalog=app.ctx.catalog)
        return session.exec(select(Application.due_date).where(Application.number == numbers[0])).one()


@pilot_test
async def test_overdue_applications_are_red_filtered_and_counted_on_home(tmp_path, catalog, monkeypatch):
    app = desk_app(tmp_path, catalog)
    numbers = submit_some(app, 2)
    due = accept(app, numbers[:1])
    late = due + timedelta(days=1)
    monkeypatch.setattr("counterdesk.services.deadlines.today", lambda: late)
    monkeypatch.setattr("counterdesk.services.queue.today", lambda: late)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        assert table_numbers(queue) == numbers
        await pilot.press("d")
        await settle(pilot)
        assert table_numbers(queue) == numbers[:1]
        assert "逾期（各日）" in plain(queue.query_one("#queue-counts"))
        cell = queue.query_one("#queue-table").get_row(numbers[0])[-1]
        assert cell.plain == "逾期" and "red" in str(cell.style)
        await pilot.press("d")
        await settle(pilot)
        assert table_numbers(queue) == []
        await pilot.press("escape")
        await settle(pilot)
        assert "今日到期 0 件 / 已逾期 1 件" in plain(app.screen.query_one("#home-deadlines"))


@pilot_test
async def test_d_goes_on_to_the_batches_in_transit_and_those_late_in_being_signed_for(tmp_path, catalog):
    from counterdesk.domain.clock import now
    from counterdesk.services import transfer
    from counterdesk.services.hall import set_hall
    from counterdesk.store.models import TransferBatch

    app = desk_app(tmp_path, catalog)
    with app.ctx.session() as session:
        set_hall(session, actor_id=SUPERVISOR.id, name="长沙市芙蓉区政务服务中心", county_code="430102",
                 catalog=catalog, hall_code="43010201")
    numbers = submit_some(app, 2)
    with app.ctx.session() as session:
        sent = transfer.dispatch(session, actor=SUPERVISOR, catalog=catalog, to_county="430626", waybill="SF0001")
        batch = session.get(TransferBatch, sent.batch)
        batch.created_at = now() - timedelta(days=10)
        session.add(batch)
        session.commit()
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        for label in ("逾期", "预警", "在途", "超时未签收"):
            await pilot.press("d")
            await settle(pilot)
            assert f"{label}（各日）" in plain(queue.query_one("#queue-counts"))
        assert sorted(table_numbers(queue)) == sorted(numbers)
        for label in ("容缺待补", "容缺逾期"):
            await pilot.press("d")
            await settle(pilot)
            assert f"{label}（各日）" in plain(queue.query_one("#queue-counts")) and table_numbers(queue) == []
        await pilot.press("d")
        await settle(pilot)
        assert "（各日）" not in plain(queue.query_one("#queue-counts"))


def picked(app) -> str:
    """The lines of the pick dialog on screen."""
    return "\n".join(str(option.prompt) for option in app.screen.query_one("#pick", OptionList).options)


def bad_rating_for(app, number: str) -> date:
    """The citizen rates the application 非常不满意 on the pad; the due date of the case it opens."""
    with app.ctx.session() as session:
        application = session.exec(select(Application).where(Application.number == number)).one()
        request = ratings.request_rating(session, actor=CLERK, application_id=application.id)
        ratings.rate(session, rating_id=request.id, score=1, reasons=("attitude",), calendar=app.ctx.catalog.calendar)
        return session.exec(select(RatingCase.due_on)).one()


@pilot_test
async def test_bad_rating_cases_past_their_due_date_show_on_the_supervisor_s_home_and_open(tmp_path, catalog,
                                                                                          monkeypatch):
    app = desk_app(tmp_path, catalog)
    (number,) = submit_some(app, 1)
    due = bad_rating_for(app, number)
    monkeypatch.setattr("counterdesk.services.ratings.today", lambda: due)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(app, pilot, SUPERVISOR)
        await settle(pilot)
        assert "差评整改逾期 0 件" in plain(app.screen.query_one("#home-cases"))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog) and "没有逾期" in picked(app)
        monkeypatch.setattr("counterdesk.services.ratings.today", lambda: due + timedelta(days=1))
        await pilot.press("escape")
        await settle(pilot)
        assert "差评整改逾期 1 件" in plain(app.screen.query_one("#home-cases"))
        await pilot.press("c")
        await settle(pilot)
        listed = picked(app)
        assert number in listed and "待回访" in listed and "工作人员服务态度差" in listed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.number_or_id == number


@pilot_test
async def test_a_clerk_s_home_says_nothing_of_bad_rating_cases(tmp_path, catalog, monkeypatch):
    app = desk_app(tmp_path, catalog)
    (number,) = submit_some(app, 1)
    due = bad_rating_for(app, number)
    monkeypatch.setattr("counterdesk.services.ratings.today", lambda: due + timedelta(days=1))
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(app, pilot)
        await settle(pilot)
        assert plain(app.screen.query_one("#home-cases")).strip() == ""
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
