"""The hand-over screens driven by keys: 寄递 at the window, 签收 in the back office, 出件."""

from __future__ import annotations

import errno
import json

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from counterdesk.services import transfer, workflow
from counterdesk.services.hall import set_hall
from counterdesk.services.staff import Actor
from counterdesk.store.models import Application, StatusEvent, TransferBatch
from counterdesk.tui.dialogs.confirm import ConfirmDialog
from counterdesk.tui.screens.dispatch import DispatchScreen
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.release import ReleaseScreen
from counterdesk.tui.screens.signfor import SignForScreen
from tests.factories import advance_through, applicant_form, resident_id, submitted_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, plain, settle

SUPERVISOR = Actor("sup01", "王科长", "supervisor", 1)
FURONG, CHANGSHA_HALL, PINGJIANG_HALL = "430102", "43010201", "43062601"
SIZE = (100, 30)
AGENT_ID = resident_id(seq=77)


def submit_some(app, count: int, **draft_args) -> list[str]:
    """Applications window 3 received, as the counter makes them (for 平江 unless told otherwise)."""
    with app.ctx.session() as session:
        return [submitted_application(session, CLERK, app.ctx.catalog, app.ctx.settings, **draft_args).number
                for _ in range(count)]


def stored(app, number: str) -> tuple[str, str | None, dict | None]:
    """The application's status, its batch, and the detail of its last event."""
    with app.ctx.session() as session:
        application = session.exec(select(Application).where(Application.number == number)).one()
        last = session.exec(select(StatusEvent).where(StatusEvent.application_id == application.id)
                            .order_by(StatusEvent.id.desc())).first()
        return application.status, application.transfer_batch, json.loads(last.detail) if last.detail else None


def shown_text(screen, selector: str) -> str:
    return plain(screen.query_one(selector))


def table_rows(screen) -> list[list[str]]:
    """What the screen's table shows, cell by cell."""
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def saved_pdfs(app) -> list:
    folder = app.ctx.settings.output_dir
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


async def open_from_home(app, pilot, key: str, actor: Actor = CLERK):
    await logged_in(app, pilot, actor)
    await pilot.press(key)
    await settle(pilot)
    return app.screen


async def paste(pilot, text: str) -> None:
    """Type into the focused field in one go, as an ID-card reader, a scanner or a paste would."""
    pilot.app.focused.insert_text_at_cursor(text)
    await pilot.pause()


async def confirm(app, pilot, answer: str = "y") -> None:
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press(answer)
    await settle(pilot)


# ---- 寄递 ------------------------------------------------------------------------------------------


def changsha_app(tmp_path, catalog):
    """The 长沙芙蓉 hall (43010201), which receives for 平江 among others."""
    app = desk_app(tmp_path, catalog, hall_county=FURONG)
    with app.ctx.session() as session:
        set_hall(session, actor_id="sup01", name="长沙市芙蓉区政务服务中心", county_code=FURONG, catalog=catalog)
    return app


@pytest.fixture
def window_in_changsha(tmp_path, catalog):
    """The 长沙芙蓉 hall receives for 平江: its received applications must travel."""
    return changsha_app(tmp_path, catalog)


@pilot_test
async def test_clerk_dispatches_the_pingjiang_applications_with_a_waybill(window_in_changsha):
    app = window_in_changsha
    numbers = submit_some(app, 2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j")
        assert isinstance(screen, DispatchScreen)
        assert [row[:3] for row in table_rows(screen)] == [["平江县", "430626", "2"]]
        await pilot.press(*"SF1234567890", "enter")
        await confirm(app, pilot)
        assert isinstance(app.screen, DispatchScreen)
        for number in numbers:
            status, batch, detail = stored(app, number)
            assert (status, detail) == ("in_transit", {"batch": batch, "waybill": "SF1234567890"})
        message = shown_text(screen, "#dispatch-message")
        assert f"已编为流转批次 {batch}，共 2 件" in message
        [sheet] = saved_pdfs(app)
        assert sheet.name == f"材料流转单-{batch}.pdf" and sheet.read_bytes().startswith(b"%PDF")
        assert str(sheet) in message.replace("\n", "")
        assert screen.rows == [] and "没有待寄递" in shown_text(screen, ".handover-empty")
        assert screen.query_one("#dispatch-waybill").value == ""


@pilot_test
async def test_a_malformed_waybill_is_named_under_the_field_and_kept(window_in_changsha):
    app = window_in_changsha
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j")
        await pilot.press(*"运单1", "enter")
        await settle(pilot)
        assert app.screen is screen, "no confirmation for a waybill that cannot be right"
        assert "快递运单号应为 4 至 40 位" in shown_text(screen, "#dispatch-waybill-msg")
        assert screen.query_one("#dispatch-waybill").value == "运单1"
        assert stored(app, number)[0] == "received"


@pilot_test
async def test_no_keeps_everything_as_it_was(window_in_changsha):
    app = window_in_changsha
    [number] = submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j")
        await pilot.press("enter")
        await confirm(app, pilot, "n")
        assert stored(app, number)[0] == "received" and len(screen.rows) == 1 and saved_pdfs(app) == []


@pilot_test
async def test_a_batch_sent_meanwhile_by_another_window_is_refused_in_chinese(window_in_changsha):
    app = window_in_changsha
    submit_some(app, 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j")
        with app.ctx.session() as session:
            transfer.dispatch(session, actor=SUPERVISOR, catalog=app.ctx.catalog, to_county="430626")
        await pilot.press("enter")
        await confirm(app, pilot)
        assert "没有待寄往平江县的已收件办件" in shown_text(screen, "#dispatch-message")
        assert screen.query_one("#dispatch-message").has_class("error")
        assert screen.rows == [], "the list is read again"
        with app.ctx.session() as session:
            assert len(session.exec(select(TransferBatch)).all()) == 1


@pilot_test
async def test_a_full_disk_keeps_the_dispatch_and_the_sheet_is_saved_again(window_in_changsha, monkeypatch):
    from counterdesk.documents import output

    app = window_in_changsha
    [number] = submit_some(app, 1)

    def disk_full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j")
        monkeypatch.setattr(output.os, "fsync", disk_full)
        await pilot.press("enter")
        await confirm(app, pilot)
        status, batch, _ = stored(app, number)
        assert status == "in_transit"
        message = shown_text(screen, "#dispatch-message")
        assert f"已编为流转批次 {batch}" in message and "磁盘空间已满" in message and "Ctrl+R" in message
        assert saved_pdfs(app) == []
        monkeypatch.undo()
        await pilot.press("ctrl+r")
        await settle(pilot)
        [sheet] = saved_pdfs(app)
        assert f"材料流转单已保存：{sheet}" in shown_text(screen, "#dispatch-message").replace("\n", "")


@pilot_test
async def test_a_hall_with_nothing_to_send_says_so_and_enter_does_nothing(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    submit_some(app, 1)  # 平江's own application: handed to the back office, never sent
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "j", SUPERVISOR)
        assert screen.rows == [] and "没有待寄递的已收件办件" in shown_text(screen, ".handover-empty")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# ---- 签收 ------------------------------------------------------------------------------------------


@pytest.fixture
def back_office(tmp_path, catalog, monkeypatch):
    """长沙芙蓉 received two applications for 平江 and sent them; 平江's back office shares the database."""
    app = changsha_app(tmp_path, catalog)
    numbers = submit_some(app, 2)
    with app.ctx.session() as session:
        sent = transfer.dispatch(session, actor=CLERK, catalog=catalog, to_county="430626", waybill="EMS0001")
        monkeypatch.setenv("COUNTERDESK_HALL", PINGJIANG_HALL)
        set_hall(session, actor_id="sup01", name="平江县政务服务中心", county_code="430626", catalog=catalog,
                 hall_code=PINGJIANG_HALL)
    return app, sent.batch, numbers


@pilot_test
async def test_back_office_signs_for_the_batch_under_the_cursor(back_office):
    app, batch, numbers = back_office
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "s")
        assert isinstance(screen, SignForScreen)
        assert [(b.batch, b.from_hall, b.count) for b in screen.rows] == [(batch, CHANGSHA_HALL, 2)]
        chosen = shown_text(screen, "#signfor-chosen")
        assert "长沙市芙蓉区政务服务中心（43010201）" in chosen and "EMS0001" in chosen
        await pilot.press("enter")
        await confirm(app, pilot)
        assert [stored(app, n)[0] for n in numbers] == ["signed_for", "signed_for"]
        assert stored(app, numbers[0])[2] == {"batch": batch}
        with app.ctx.session() as session:
            row = session.get(TransferBatch, batch)
            assert (row.signed_by, row.signed_hall) == (CLERK.id, PINGJIANG_HALL)
        assert f"已签收流转批次 {batch}，共 2 件" in shown_text(screen, "#signfor-message")
        assert screen.rows == [] and "没有待签收" in shown_text(screen, ".handover-empty")


@pilot_test
async def test_a_batch_signed_meanwhile_is_refused_and_the_list_refreshes(back_office):
    app, batch, _ = back_office
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "s")
        with app.ctx.session() as session:
            transfer.sign_for(session, actor=SUPERVISOR, batch=batch)
        await pilot.press("enter")
        await confirm(app, pilot)
        message = screen.query_one("#signfor-message")
        assert f"流转批次 {batch} 已于" in plain(message) and message.has_class("error")
        assert screen.rows == []
        with app.ctx.session() as session:
            assert session.get(TransferBatch, batch).signed_by == SUPERVISOR.id


@pilot_test
async def test_a_busy_database_is_said_in_chinese_and_nothing_is_signed(back_office, monkeypatch):
    """A machine fault in any screen's service call is a sentence, not the guard's 意外错误."""
    from sqlalchemy.exc import OperationalError

    app, _, numbers = back_office

    def locked(*args, **kwargs):
        raise OperationalError("UPDATE application", {}, Exception("database is locked"))

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "s")
        monkeypatch.setattr(transfer, "sign_for", locked)
        await pilot.press("enter")
        await confirm(app, pilot)
        message = screen.query_one("#signfor-message")
        assert "数据库正被其他窗口长时间占用" in plain(message) and message.has_class("error")
        assert app.unexpected_errors == [] and app.screen is screen and not screen.busy
    assert stored(app, numbers[0])[0] == "in_transit"


@pilot_test
async def test_no_at_the_question_signs_nothing(back_office):
    app, _, numbers = back_office
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_home(app, pilot, "s")
        await pilot.press("enter")
        await confirm(app, pilot, "n")
        assert stored(app, numbers[0])[0] == "in_transit" and len(screen.rows) == 1


# ---- 出件 ------------------------------------------------------------------------------------------


def make_ready(app, *, form: dict | None = None) -> tuple[str, str]:
    """A 平江 application decided here and its result at the window (待领取); its number and the applicant's ID."""
    form = form or applicant_form()
    [number] = submit_some(app, 1, form=form)
    with app.ctx.session() as session:
        advance_through(session, SUPERVISOR, number, "accepted", "completed")
        workflow.advance(session, actor=CLERK, number_or_id=number, to_status="ready")
    return number, form["id_number"]


async def read_number(app, pilot, typed: str, *, keys: bool = False) -> ReleaseScreen:
    """Open 出件 from home and read a number, typed key by key or in one go."""
    screen = await open_from_home(app, pilot, "t")
    assert isinstance(screen, ReleaseScreen)
    if keys:
        await pilot.press(*typed)
    else:
        await paste(pilot, typed)
    await pilot.press("enter")
    await settle(pilot)
    return screen


@pilot_test
async def test_the_applicant_collects_at_the_window_with_a_number_typed_loosely(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number, own_id = make_ready(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number.replace("-", " ").lower(), keys=True)
        found = shown_text(screen, "#release-found")
        assert number in found and "待领取" in found
        assert app.focused is screen.query_one("#release-collector")
        await paste(pilot, own_id)
        await pilot.press("enter")
        await confirm(app, pilot)
        status, _, detail = stored(app, number)
        assert (status, detail["manner"]) == ("released", "applicant")
        [slip] = saved_pdfs(app)
        assert slip.name.startswith(f"领取签收单-{number}-") and slip.read_bytes().startswith(b"%PDF")
        message = shown_text(screen, "#release-message").replace("\n", "")
        assert f"办件 {number} 已出件（本人领取）" in message and str(slip) in message
        assert "已出件" in shown_text(screen, "#release-found")
        assert screen.query_one("#release-collector").value == "", "the collector's ID does not stay on screen"
        assert app.focused is screen.query_one("#release-number"), "the next number can be typed at once"


@pilot_test
async def test_someone_elses_id_is_refused_under_the_field_and_kept(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number, _ = make_ready(app)
    stranger = resident_id(seq=500)
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number)
        await paste(pilot, stranger)
        await pilot.press("enter")
        await confirm(app, pilot)
        assert "领取人证件号码与申请人及登记的经办人均不符" in shown_text(screen, "#release-field-msg")
        assert screen.query_one("#release-collector").value == stranger
        assert stored(app, number)[0] == "ready" and saved_pdfs(app) == []


@pilot_test
async def test_an_agent_is_refused_without_the_power_of_attorney_then_collects_with_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    form = applicant_form(agent_id_type="resident_id", agent_id_number=AGENT_ID, agent_name="李代办",
                          agent_phone="13912345678")
    number, _ = make_ready(app, form=form)
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number)
        assert "经办人 李*" in shown_text(screen, "#release-found")
        await paste(pilot, AGENT_ID)
        await pilot.press("enter")
        await confirm(app, pilot)
        assert "授权委托书" in shown_text(screen, "#release-field-msg")
        assert stored(app, number)[0] == "ready"
        await pilot.press("f4", "ctrl+s")
        await confirm(app, pilot)
        status, _, detail = stored(app, number)
        assert (status, detail["manner"], detail["power_of_attorney"]) == ("released", "agent", True)


@pilot_test
async def test_a_courier_release_needs_a_well_formed_waybill(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number, _ = make_ready(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number)
        await pilot.press("f3")
        assert app.focused is screen.query_one("#release-waybill")
        await pilot.press(*"SF 77", "enter")
        await settle(pilot)
        assert app.screen is screen and "快递运单号应为" in shown_text(screen, "#release-field-msg")
        assert screen.query_one("#release-waybill").value == "SF 77"
        await pilot.press("ctrl+u")
        await paste(pilot, "SF7788990011")
        await pilot.press("enter")
        await confirm(app, pilot)
        status, _, detail = stored(app, number)
        assert (status, detail) == ("released", {"manner": "courier", "waybill": "SF7788990011"})
        assert "快递寄送" in shown_text(screen, "#release-message")


@pilot_test
async def test_an_application_not_ready_is_shown_with_its_status_and_cannot_go_out(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    with app.ctx.session() as session:
        workflow.advance(session, actor=SUPERVISOR, number_or_id=number, to_status="accepted")
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number)
        found = shown_text(screen, "#release-found")
        assert "当前为“已受理”，只有“待领取”的办件才能出件" in found
        assert not screen.query_one("#row-collector").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen and stored(app, number)[0] == "accepted"


@pilot_test
async def test_a_result_released_meanwhile_is_refused_by_the_service(tmp_path, catalog):
    from counterdesk.services.release import release

    app = desk_app(tmp_path, catalog)
    number, own_id = make_ready(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, number)
        with app.ctx.session() as session:
            release(session, actor=CLERK, catalog=catalog, number=number, courier=True, waybill="EMS0002")
        await paste(pilot, own_id)
        await pilot.press("enter")
        await confirm(app, pilot)
        message = screen.query_one("#release-message")
        assert "当前为“已出件”" in plain(message) and message.has_class("error")
        assert saved_pdfs(app) == []


@pilot_test
async def test_a_mistyped_number_is_named_as_a_slip(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number, _ = make_ready(app)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    async with app.run_test(size=SIZE) as pilot:
        screen = await read_number(app, pilot, wrong)
        assert "校验位不符" in shown_text(screen, "#release-found")
        assert screen.found is None and screen.query_one("#release-number").value == wrong
