"""容缺 and 告知承诺 at the counter: a key on the material row marks it, the row says so, the 承诺书 prints."""

from __future__ import annotations

from pypdf import PdfReader
from sqlmodel import select
from textual.widgets import DataTable

from counterdesk.domain.clock import today
from counterdesk.domain.promise import tolerance_deadline
from counterdesk.store.models import MaterialPromise
from counterdesk.tui.dialogs.pick import PickDialog
from counterdesk.tui.screens.materials import MaterialsScreen
from tests.factories import applicant_form, draft_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, open_step, pilot_test, plain, settle

NO_PASSBOOK = {"category": "laid_off", "flexible": "yes", "bank": "no"}


def _draft(app, answers) -> int:
    with app.ctx.session() as session:
        return draft_application(session, CLERK, app.ctx.catalog, answers=answers, form=applicant_form()).id


def _marks(app, draft_id: int) -> list[tuple[str, str, int | None]]:
    with app.ctx.session() as session:
        return [(m.material_code, m.kind, m.days) for m in session.exec(
            select(MaterialPromise).where(MaterialPromise.application_id == draft_id))]


async def _to_row(app, pilot, code: str) -> None:
    table = app.screen.query_one("#materials", DataTable)
    table.move_cursor(row=table.get_row_index(code))
    await pilot.pause()


@pilot_test
async def test_r_marks_the_unopened_passbook_as_tolerated_and_w_prints_the_commitment(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, NO_PASSBOOK)
        await open_step(app, pilot, "materials", draft_id)
        await _to_row(app, pilot, "M05")
        assert "R 容缺受理" in plain(app.screen.query_one("#material-detail"))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "enter")  # the default, 10 days, is highlighted: one down is 15
        await settle(pilot)
        assert isinstance(app.screen, MaterialsScreen)
        assert _marks(app, draft_id) == [("M05", "tolerated", 15)]
        table = app.screen.query_one("#materials", DataTable)
        assert str(table.get_row("M05")[4]) == "容缺" and str(table.get_row("M05")[5]) == "补交15日"
        assert "邮政储蓄银行活期存折" not in plain(app.screen.query_one("#materials-status"))
        await pilot.press("w")
        await settle(pilot)
        [paper] = list((tmp_path / "data" / "output").glob("容缺受理承诺书-*.pdf"))
        text = "".join(page.extract_text() for page in PdfReader(paper).pages)
        due = tolerance_deadline(today(), 15, catalog.calendar)
        assert "邮政储蓄银行活期存折" in text and f"{due.year}年{due.month}月{due.day}日" in text
        await pilot.press("r")
        await settle(pilot)
        assert _marks(app, draft_id) == [] and str(table.get_row("M05")[4]) == "未提交"


@pilot_test
async def test_r_on_a_material_that_may_not_wait_says_so_and_marks_nothing(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, {**NO_PASSBOOK, "bank": "yes"})
        await open_step(app, pilot, "materials", draft_id)
        await _to_row(app, pilot, "M05")
        await pilot.press("r", "c")
        await settle(pilot)
        assert isinstance(app.screen, MaterialsScreen) and _marks(app, draft_id) == []
        said = [n.message for n in app._notifications]
        assert any("不能容缺受理" in m for m in said) and any("不适用告知承诺制" in m for m in said)


@pilot_test
async def test_c_replaces_the_family_proof_by_a_commitment_and_the_review_shows_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, {"category": "zero_employment", "flexible": "no"})
        await open_step(app, pilot, "materials", draft_id)
        await _to_row(app, pilot, "M08")
        await pilot.press("c")
        await settle(pilot)
        assert _marks(app, draft_id) == [("M08", "commitment", None)]
        assert str(app.screen.query_one("#materials", DataTable).get_row("M08")[4]) == "承诺"
        await open_step(app, pilot, "review", draft_id)
        shown = plain(app.screen.query_one("#review-materials"))
        assert "告知承诺：以签字承诺代替" in shown
        assert "城镇零就业家庭证明" not in plain(app.screen.query_one("#review-missing"))


# -- on the supervisor's screens -------------------------------------------------------------------------


def _tolerated_application(app, name: str, *, overdue: bool = False) -> str:
    """Submitted at window 3 without the unopened passbook, marked 容缺; its deadline passed when ``overdue``."""
    from datetime import timedelta

    from sqlmodel import update

    from counterdesk.services import applications, attachments, promises
    from counterdesk.store.models import Application
    from tests.conftest import write_pdf

    ctx = app.ctx
    with ctx.session() as session:
        draft = draft_application(session, CLERK, ctx.catalog, answers=NO_PASSBOOK, form=applicant_form(name=name))
        for row in attachments.material_rows(session, ctx.catalog, draft):
            if row.material.code != "M05":
                scan = write_pdf(ctx.settings.scans_dir / f"{row.material.code}-{draft.id}.pdf", row.material.name)
                attachments.attach_from_inbox(session, actor=CLERK, settings=ctx.settings, catalog=ctx.catalog,
                                              application_id=draft.id, material_code=row.material.code, path=scan)
        applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="onsite")
        promises.mark(session, actor=CLERK, catalog=ctx.catalog, application_id=draft.id, material_code="M05")
        number = applications.submit(session, actor=CLERK, catalog=ctx.catalog, application_id=draft.id)
        if overdue:
            session.exec(update(MaterialPromise).where(MaterialPromise.application_id == draft.id)
                         .values(due_on=today() - timedelta(days=1)))
            session.commit()
        assert session.exec(select(Application.number).where(Application.id == draft.id)).one() == number
        return number


@pilot_test
async def test_the_queue_marks_owed_and_overdue_under_the_days_left_and_d_lists_each(tmp_path, catalog):
    from tests.functional.test_tui_queue import open_queue, submit_some
    from tests.functional.test_tui_queue import settle as queue_settle

    def table_numbers(queue) -> list[str]:
        # At 80 columns a number takes two lines: the rows' keys are the numbers.
        return [str(key.value) for key in queue.query_one("#queue-table", DataTable).rows]

    app = desk_app(tmp_path, catalog)
    owing = _tolerated_application(app, "欧阳娜娜")
    late = _tolerated_application(app, "李四", overdue=True)
    [plain_one] = submit_some(app, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(app, pilot)
        table = queue.query_one("#queue-table", DataTable)
        left = {number: table.get_row(number)[-1] for number in (owing, late, plain_one)}
        assert left[owing].plain.split("\n")[-1] == "容缺待补" and "yellow" in str(left[owing].spans[-1].style)
        assert left[late].plain.split("\n")[-1] == "容缺逾期" and "red" in str(left[late].spans[-1].style)
        assert "容缺" not in left[plain_one].plain
        for _ in range(5):
            await pilot.press("d")
            await queue_settle(pilot)
        assert "容缺待补（各日）" in plain(queue.query_one("#queue-counts"))
        assert sorted(table_numbers(queue)) == sorted([owing, late]) and table_numbers(queue)[0] == late
        assert "容缺补交期限" in plain(queue.query_one("#queue-pager"))
        await pilot.press("d")
        await queue_settle(pilot)
        assert "容缺逾期（各日）" in plain(queue.query_one("#queue-counts")) and table_numbers(queue) == [late]
        await pilot.press("d")
        await queue_settle(pilot)
        assert "（各日）" not in plain(queue.query_one("#queue-counts")) and len(table_numbers(queue)) == 3


@pilot_test
async def test_the_detail_names_what_is_owed_and_completion_is_refused_until_it_arrives(tmp_path, catalog):
    from counterdesk.services import workflow
    from counterdesk.store.models import Application
    from counterdesk.tui.dialogs.move import MoveDialog
    from counterdesk.tui.screens.detail import DetailScreen
    from tests.factories import settle_items
    from tests.functional.test_tui_queue import SUPERVISOR

    app = desk_app(tmp_path, catalog)
    late = _tolerated_application(app, "李四", overdue=True)
    gone = _tolerated_application(app, "王五")
    with app.ctx.session() as session:
        workflow.advance(session, actor=SUPERVISOR, number_or_id=late, to_status="accepted", catalog=catalog)
        settle_items(session, SUPERVISOR, late)
        workflow.advance(session, actor=CLERK, number_or_id=gone, to_status="withdrawn", reason="群众申请撤回")
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot, SUPERVISOR)
        app.push_screen(DetailScreen(late))
        await settle(pilot)
        detail = app.screen
        assert "已受理 容缺逾期" in plain(detail.query_one("#detail-summary"))
        promised = plain(detail.query_one("#detail-promises"))
        assert "邮政储蓄银行活期存折（M05）  容缺 · 补交期限" in promised and "容缺逾期" in promised
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, MoveDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        said = [n.message for n in app._notifications]
        assert any("邮政储蓄银行活期存折" in m and "不能办结" in m for m in said), said
        with app.ctx.session() as session:
            assert session.exec(select(Application.status).where(Application.number == late)).one() == "accepted"
        app.pop_screen()
        app.push_screen(DetailScreen(gone))
        await settle(pilot)
        summary = plain(app.screen.query_one("#detail-summary"))
        assert "已撤回" in summary and "容缺" not in summary
        assert "容缺 · 补交期限" in plain(app.screen.query_one("#detail-promises"))
        assert "已失效" in plain(app.screen.query_one("#detail-promises"))


@pilot_test
async def test_the_citizen_brings_the_owed_passbook_and_f6_in_the_lookup_attaches_the_newest_scan(tmp_path, catalog):
    import os

    from counterdesk.services.promises import owed_by
    from counterdesk.store.models import Application, Attachment
    from counterdesk.tui.screens.lookup import LookupScreen
    from tests.conftest import write_pdf

    app = desk_app(tmp_path, catalog)
    owing = _tolerated_application(app, "欧阳娜娜")
    other = _tolerated_application(app, "李四")
    inbox = app.ctx.settings.scans_dir
    older = write_pdf(inbox / "旧的扫描.pdf", "other paper")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    write_pdf(inbox / "存折.pdf", "邮政储蓄银行活期存折")
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        app.push_screen(LookupScreen(text=owing))
        await settle(pilot)
        lookup = app.screen
        assert "容缺待补" in plain(lookup.query_one("#lookup-results"))
        assert "补交容缺" in plain(lookup.query_one("KeyBar"))
        await pilot.press("f6")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickDialog) and picker.title_text == "补交 邮政储蓄银行活期存折（M05）：选择扫描件（新→旧）"
        assert [c.plain.split("  ")[0] for c in picker.choices] == ["存折.pdf", "旧的扫描.pdf"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is lookup
        assert any("已补交：存折.pdf（M05）" in n.message for n in app._notifications)
        assert "容缺待补" not in plain(lookup.query_one("#lookup-results"))
        # The other application still owes its passbook; F6 there lists the scan left in the inbox.
        await pilot.press("ctrl+f", *other, "enter")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert [c.plain.split("  ")[0] for c in app.screen.choices] == ["旧的扫描.pdf"]
        await pilot.press("escape")
        await settle(pilot)
    with app.ctx.session() as session:
        owing_id = session.exec(select(Application.id).where(Application.number == owing)).one()
        assert not owed_by(session, owing_id).codes
        names = session.exec(select(Attachment.original_name).where(Attachment.application_id == owing_id,
                                                                    Attachment.material_code == "M05")).all()
        assert names == ["存折.pdf"]
    assert not (inbox / "存折.pdf").exists() and older.exists()


@pilot_test
async def test_f6_is_offered_only_for_an_application_that_owes_something(tmp_path, catalog):
    from counterdesk.tui.screens.lookup import LookupScreen
    from tests.functional.test_tui_queue import submit_some

    app = desk_app(tmp_path, catalog)
    [number] = submit_some(app, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        app.push_screen(LookupScreen(text=number))
        await settle(pilot)
        assert "补交容缺" not in plain(app.screen.query_one("KeyBar"))
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
