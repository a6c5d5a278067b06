"""The supervisor's screens driven by keys: the day's queue, a move with its reason, detail, lookup."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input, SelectionList

from counterdesk.domain.clock import today
from counterdesk.domain.workdays import add_working_days
from counterdesk.services.staff import Actor
from counterdesk.services.supplements import latest
from counterdesk.store.models import Application, AuditEntry, StatusEvent
from counterdesk.tui.dialogs.move import SUPPLEMENT_REASON, MoveDialog
from counterdesk.tui.screens.detail import DetailScreen
from counterdesk.tui.screens.lookup import LookupScreen
from counterdesk.tui.screens.queue import QueueScreen
from counterdesk.tui.widgets.keybar import KeyBar
from counterdesk.tui.widgets.moves import MovesBar
from tests.factories import applicant_form, submitted_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, plain

SUPERVISOR = Actor("sup01", "王科长", "supervisor", 1)
SIZE = (150, 40)


async def settle(pilot) -> None:
    """Let every worker finish and its result reach the screen.

    Unlike waiting on all workers at once, a read that a newer one replaced (exclusive workers,
    typing in a filter) does not count as a failure here.
    """
    import asyncio

    from textual.worker import WorkerState

    await pilot.pause()
    while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in pilot.app.workers):
        await asyncio.sleep(0.01)
    await pilot.pause()


def submit_some(app, count: int, name: str = "张三丰") -> list[str]:
    """Applications window 3 submitted today, as the counter makes them."""
    with app.ctx.session() as session:
        return [submitted_application(session, CLERK, app.ctx.catalog, app.ctx.settings,
                                      form=applicant_form(name=name)).number for _ in range(count)]


def stored(app, number: str) -> tuple[str, str | None]:
    """The application's status and the reason of its last move."""
    with app.ctx.session() as session:
        application = session.exec(select(Application).where(Application.number == number)).one()
        last = session.exec(select(StatusEvent).where(StatusEvent.application_id == application.id)
                            .order_by(StatusEvent.id.desc())).first()
        return application.status, last.reason


async def open_queue(app, pilot) -> QueueScreen:
    await logged_in(app, pilot, SUPERVISOR)
    await pilot.press("q")
    await settle(pilot)
    assert isinstance(app.screen, QueueScreen)
    return app.screen


def move_keys(screen) -> list[str]:
    """The moves the bar above the keys offers for the row under the cursor; exactly those keys work."""
    shown = plain(screen.query_one(MovesBar)).strip().removeprefix("办件操作：")
    labels = [] if shown.startswith(("未选中", "当前状态下")) else [item.split(" ", 1)[1] for item in shown.split("  ")]
    working = [active.binding.description for active in screen.active_bindings.values()
               if active.binding.action.startswith("move(") and active.enabled]
    assert labels == working
    return labels


def table_numbers(screen) -> list[str]:
    table = screen.query_one("#queue-table", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


@pilot_test
async def test_supervisor_accepts_the_application_under_the_cursor(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    numbers = submit_some(app, 2)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        assert table_numbers(queue) == numbers
        assert "已收件 2" in plain(queue.query_one("#queue-counts"))
        assert move_keys(queue) == ["受理", "补正", "不予受理", "撤回"]
        await pilot.press("down")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, MoveDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert stored(app, numbers[1]) == ("accepted", None)
        assert "已受理 1" in plain(queue.query_one("#queue-counts"))
        assert move_keys(queue) == ["办理中", "办结", "补正", "撤回"], "the cursor stays on the application just moved"
        await pilot.press("up")
        assert move_keys(queue) == ["受理", "补正", "不予受理", "撤回"]


@pilot_test
async def test_supplement_request_ticks_the_missing_material(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    first_material = catalog.matter("ZC-JYKN-001").materials[0]
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MoveDialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "请勾选需补正的材料" in plain(dialog.query_one("#move-message"))
        assert app.screen is dialog
        await pilot.press("space")
        assert dialog.query_one(SelectionList).selected == [first_material.code]
        dialog.query_one("#move-days", Input).focus()
        await pilot.press("3", "ctrl+s")
        await settle(pilot)
        assert stored(app, number) == ("supplement_requested", SUPPLEMENT_REASON)
    with app.ctx.session() as session:
        application = session.exec(select(Application).where(Application.number == number)).one()
        notice = latest(session, application.id)
    assert notice.materials == [first_material.code] and notice.reason == SUPPLEMENT_REASON
    assert notice.deadline == add_working_days(today(), 3, catalog.calendar)


@pilot_test
async def test_rejection_is_not_made_without_its_grounds(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MoveDialog)
        await pilot.press(*"不符合认定条件", "enter")
        await settle(pilot)
        assert stored(app, number) == ("rejected", "不符合认定条件")


@pilot_test
async def test_escape_in_the_dialog_changes_nothing(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert stored(app, number) == ("received", None)


@pilot_test
async def test_a_move_made_meanwhile_at_another_desk_is_reported_not_overwritten(tmp_path, catalog):
    from counterdesk.services import workflow

    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        with app.ctx.session() as session:
            workflow.advance(session, actor=SUPERVISOR, number_or_id=number, to_status="accepted")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"材料不全", "enter")
        await settle(pilot)
        assert stored(app, number) == ("accepted", None)
        assert any("已被他人修改" in str(n.message) for n in app._notifications)


@pilot_test
async def test_queue_refreshes_by_itself_when_another_window_submits(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    first = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(app, pilot, SUPERVISOR)
        queue = QueueScreen(refresh_seconds=0.2)
        await app.push_screen(queue)
        await settle(pilot)
        assert table_numbers(queue) == first
        second = submit_some(app, 1, name="李四")
        await pilot.pause(0.5)
        await settle(pilot)
        assert table_numbers(queue) == first + second


@pilot_test
async def test_a_poll_that_finds_nothing_new_lays_nothing_out(tmp_path, catalog, monkeypatch):
    """The queue reads itself again every few seconds all day: an unchanged page asks no widget for
    a layout of the screen (a layout of the queue screen costs tens of milliseconds)."""
    from textual.widget import Widget

    app = desk_app(tmp_path, catalog)
    submit_some(app, 2)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        asked: list[str] = []
        refresh = Widget.refresh

        def spy(widget, *regions, layout=False, **kwargs):
            if layout and widget.screen is queue:
                asked.append(widget.id or type(widget).__name__)
            return refresh(widget, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(Widget, "refresh", spy)
        for _ in range(3):
            queue.reload()
            await settle(pilot)
        assert asked == []
        submit_some(app, 1, name="李四")
        queue.reload()
        await settle(pilot)
        assert "queue-counts" in asked and len(table_numbers(queue)) == 3


@pilot_test
async def test_filters_pages_and_search(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    numbers = submit_some(app, 2) + submit_some(app, 1, name="李四")
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(app, pilot, SUPERVISOR)
        queue = QueueScreen(page_size=2)
        await app.push_screen(queue)
        await settle(pilot)
        assert table_numbers(queue) == numbers[:2]
        await pilot.press("n")
        await settle(pilot)
        assert table_numbers(queue) == numbers[2:]
        assert "第 2/2 页" in plain(queue.query_one("#queue-pager"))
        await pilot.press("slash", *"李*")
        await settle(pilot)
        assert table_numbers(queue) == numbers[2:]
        assert app.focused is queue.query_one("#q-search", Input)


@pilot_test
async def test_enter_opens_the_detail_in_full_and_the_view_is_audited(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        people = plain(app.screen.query_one("#detail-people"))
        assert "张三丰" in people
        assert plain(app.screen.query_one("#detail-attachments")).count("扫描上传") >= 6
        assert "已收件" in plain(app.screen.query_one("#detail-history"))
        with app.ctx.session() as session:
            audited = session.exec(select(AuditEntry).where(AuditEntry.action == "view_full")).all()
        assert [(a.staff_id, a.target) for a in audited] == [("sup01", number)]
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert stored(app, number) == ("accepted", None)
        assert "已受理" in plain(app.screen.query_one("#detail-summary"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


@pilot_test
async def test_clerk_looks_up_progress_and_a_typo_is_named(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        await logged_in(app, pilot, CLERK)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        typo = number[:-1] + ("1" if number[-1] != "1" else "2")
        await pilot.press(*typo, "enter")
        await settle(pilot)
        assert "校验位" in plain(app.screen.query_one("#lookup-message"))
        await pilot.press("ctrl+f")
        app.screen.query_one("#lookup-query", Input).value = number
        await pilot.press("enter")
        await settle(pilot)
        results = plain(app.screen.query_one("#lookup-results"))
        assert number in results and "已收件" in results and "张**" in results and "张三丰" not in results


@pilot_test
async def test_a_move_and_a_key_can_also_be_clicked(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(app, pilot)
        bar = plain(queue.query_one(MovesBar))
        assert bar.startswith("办件操作：A 受理")
        await pilot.click(MovesBar, offset=(14, 0))  # padding 1 + 办件操作： (10 cells) + "A " → 受理
        await pilot.pause()
        assert isinstance(app.screen, MoveDialog) and "受理" in plain(app.screen.query_one("#move-what"))
        await pilot.press("escape")
        await pilot.pause()
        keys = plain(queue.query_one(KeyBar))
        assert keys.startswith("esc 返回")
        await pilot.click(KeyBar, offset=(1 + len("esc "), 0))
        await pilot.pause()
        assert not isinstance(app.screen, QueueScreen)


@pilot_test
async def test_clerk_looking_up_a_name_or_a_short_number_is_told_what_to_type(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot, CLERK)
        await pilot.press("l")
        await settle(pilot)
        field = app.screen.query_one("#lookup-query", Input)
        for typed, said in (("张三丰", "不能按姓名查找"), ("12345", "应为18位，当前为5位")):
            field.value = typed
            await pilot.press("enter")
            await settle(pilot)
            message = plain(app.screen.query_one("#lookup-message"))
            assert said in message and "没有该证件号码的申请人办件" not in message
        field.value = number.replace("-", "—")
        await pilot.press("enter")
        await settle(pilot)
        assert number in plain(app.screen.query_one("#lookup-results"))
