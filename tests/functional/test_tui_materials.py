"""材料提交 at the counter: scans from the inbox, reuse, pre-check and the one-time notice."""

from __future__ import annotations

import os

from pypdf import PdfReader
from sqlmodel import select
from textual.widgets import DataTable, OptionList

from counterdesk.store.models import Attachment
from counterdesk.tui.dialogs.confirm import ConfirmDialog
from counterdesk.tui.dialogs.pick import PickDialog
from counterdesk.tui.dialogs.reason import ReasonDialog
from counterdesk.tui.screens.materials import MaterialsScreen
from tests.conftest import write_pdf
from tests.factories import applicant_form, draft_application, resident_id, submitted_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, open_step, pilot_test, plain, settle


def _draft(app, **form) -> int:
    with app.ctx.session() as session:
        return draft_application(session, CLERK, app.ctx.catalog, form=applicant_form(**form) if form else None).id


def _attachments(app, application_id: int) -> list[Attachment]:
    with app.ctx.session() as session:
        return list(session.exec(select(Attachment).where(Attachment.application_id == application_id)
                                 .order_by(Attachment.id)))


def _inbox_labels(app) -> list[str]:
    options = app.screen.query_one("#inbox", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pilot_test
async def test_clerk_attaches_the_highlighted_scan_and_it_moves_to_attached(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    write_pdf(inbox / "申报表.pdf", pages=2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        assert "申报表.pdf  2 页" in _inbox_labels(app)[0]
        await pilot.press("a")
        await settle(pilot)
        stored = _attachments(app, draft_id)
        assert [(a.material_code, a.original_name, a.source) for a in stored] == [("M01", "申报表.pdf", "inbox")]
        assert not (inbox / "申报表.pdf").exists() and (inbox / "attached" / "申报表.pdf").is_file()
        table = app.screen.query_one("#materials", DataTable)
        assert str(table.get_row("M01")[4]) == "已提交"
        assert table.cursor_row == 1, "the cursor moves on to the next material still missing"


@pilot_test
async def test_a_refused_file_is_listed_with_its_reason_and_cannot_be_attached(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    fake = app.ctx.settings.scans_dir / "假的.pdf"
    fake.write_text("this is not a PDF")
    os.utime(fake, (fake.stat().st_mtime - 10,) * 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        options = app.screen.query_one("#inbox", OptionList)
        assert options.get_option_at_index(0).disabled
        assert "不能使用" in _inbox_labels(app)[0]
        await pilot.press("a")
        await settle(pilot)
        assert _attachments(app, draft_id) == []


@pilot_test
async def test_the_inbox_shows_a_new_scan_without_a_key_being_pressed(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    old = write_pdf(inbox / "旧.pdf")
    os.utime(old, (old.stat().st_mtime - 60,) * 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "materials", _draft(app))
        app.screen.query_one("#inbox").focus()
        write_pdf(inbox / "今天.pdf", pages=3)
        await app.screen.workers.wait_for_complete()
        while len(_inbox_labels(app)) < 2:  # the screen's own timer reads the folder again
            await pilot.pause(0.1)
        labels = _inbox_labels(app)
        assert labels[0].startswith("新 今天.pdf  3 页") and labels[1].startswith("旧.pdf")
        assert app.screen.query_one("#inbox", OptionList).highlighted == 1, "the clerk's place is kept"


@pilot_test
async def test_a_failed_pre_check_keeps_its_reason_and_a_pass_clears_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    write_pdf(app.ctx.settings.scans_dir / "申报表.pdf")
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("up", "x")
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#reason").value = "缺少本人签字"
        await pilot.press("enter")
        await settle(pilot)
        assert [(a.precheck, a.precheck_reason) for a in _attachments(app, draft_id)] == [("failed", "缺少本人签字")]
        assert "缺少本人签字" in plain(app.screen.query_one("#material-detail"))
        await pilot.press("y")
        await settle(pilot)
        assert [(a.precheck, a.precheck_reason) for a in _attachments(app, draft_id)] == [("passed", None)]


@pilot_test
async def test_an_earlier_file_of_the_same_citizen_is_offered_for_reuse(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = resident_id()
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            submitted_application(session, CLERK, catalog, app.ctx.settings, form=applicant_form(id_number=number))
        draft_id = _draft(app, id_number=number)
        await open_step(app, pilot, "materials", draft_id)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert [(a.material_code, a.source) for a in _attachments(app, draft_id)] == [("M01", "reuse")]


@pilot_test
async def test_n_saves_the_one_time_notice_and_enter_still_goes_on_to_pickup(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "materials", _draft(app))
        assert "尚缺 6 项" in plain(app.screen.query_one("#materials-status"))
        await pilot.press("n")
        await settle(pilot)
        notices = list((tmp_path / "data" / "output").glob("一次性告知单-*.pdf"))
        assert len(notices) == 1
        text = "".join(page.extract_text() for page in PdfReader(notices[0]).pages)
        assert "失业登记证" in text and "张*" in text
        assert isinstance(app.screen, MaterialsScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.STEP == "pickup"


async def _scanner_drops(app, pilot, path, **kwargs):
    """The scanner writes a file and the inbox listing is read again (as its timer would)."""
    write_pdf(path, **kwargs)
    app.screen.refresh_inbox()
    await settle(pilot)


@pilot_test
async def test_a_scan_arriving_while_the_clerk_works_the_table_is_the_one_a_attaches(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    old = write_pdf(inbox / "上一位群众.pdf")
    os.utime(old, (old.stat().st_mtime - 60,) * 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        await _scanner_drops(app, pilot, inbox / "申报表.pdf")
        options = app.screen.query_one("#inbox", OptionList)
        assert options.get_option_at_index(options.highlighted).id == str(inbox / "申报表.pdf")
        await pilot.press("a")
        await settle(pilot)
        assert [a.original_name for a in _attachments(app, draft_id)] == ["申报表.pdf"]


@pilot_test
async def test_a_file_the_clerk_chose_keeps_the_highlight_and_a_asks_when_a_newer_scan_arrived(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    for age, name in ((60, "身份证.pdf"), (120, "户口簿.pdf")):
        scan = write_pdf(inbox / name)
        os.utime(scan, (scan.stat().st_mtime - age,) * 2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        app.screen.query_one("#inbox").focus()
        await pilot.press("down")
        await _scanner_drops(app, pilot, inbox / "新扫描.pdf")
        options = app.screen.query_one("#inbox", OptionList)
        assert options.get_option_at_index(options.highlighted).id == str(inbox / "户口簿.pdf")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        body = plain(app.screen.query_one("#confirm-body"))
        assert "新扫描.pdf" in body and "户口簿.pdf" in body
        await pilot.press("n")
        await settle(pilot)
        assert _attachments(app, draft_id) == []
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog), "the newer scan has been seen now"
        assert [a.original_name for a in _attachments(app, draft_id)] == ["户口簿.pdf"]


@pilot_test
async def test_d_gives_a_removed_scan_back_to_the_inbox(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    write_pdf(inbox / "申报表.pdf", pages=2)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app)
        await open_step(app, pilot, "materials", draft_id)
        await pilot.press("a")
        await settle(pilot)
        assert not (inbox / "申报表.pdf").exists()
        await pilot.press("up", "d")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert _attachments(app, draft_id) == []
        assert (inbox / "申报表.pdf").is_file() and not (inbox / "attached" / "申报表.pdf").exists()
        app.screen.refresh_inbox()
        await settle(pilot)
        assert _inbox_labels(app)[0].startswith("申报表.pdf")


@pilot_test
async def test_home_and_end_move_the_materials_cursor(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "materials", _draft(app))
        table = app.screen.query_one("#materials", DataTable)
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 > 0
        await pilot.press("home")
        assert table.cursor_row == 0


@pilot_test
async def test_the_materials_screen_shows_where_the_inbox_is_and_creates_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    inbox = app.ctx.settings.scans_dir
    inbox.rmdir()
    async with app.run_test(size=(120, 36)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "materials", _draft(app))
        assert inbox.is_dir() and (inbox.stat().st_mode & 0o777) == 0o700
        assert plain(app.screen.query_one("#inbox-title")).startswith("扫描收件箱 scans/（已新建）")
        assert str(inbox) in _inbox_labels(app)[0], "the empty inbox says in full where to scan to"
