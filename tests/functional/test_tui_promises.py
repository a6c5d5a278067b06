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
