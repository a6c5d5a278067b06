"""The supervisor watches the clock: home says what falls due, the queue colours and filters it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from counterdesk.services import workflow
from counterdesk.store.models import Application
from tests.functional.test_tui_queue import SIZE, SUPERVISOR, open_queue, settle, submit_some, table_numbers
from tests.functional.tui_helpers import desk_app, pilot_test, plain


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
        await pilot.press("d")
        await settle(pilot)
        assert "（各日）" not in plain(queue.query_one("#queue-counts"))
