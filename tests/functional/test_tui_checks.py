"""告知承诺核查 at the supervisor's desk: H on home lists the open checks, F2 / F3 record the outcome."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select, update
from textual.widgets import DataTable, Input

from counterdesk.domain.clock import now
from counterdesk.services import applications, attachments, promises, workflow
from counterdesk.store.models import Application, AuditEntry, MaterialPromise
from counterdesk.tui.dialogs.confirm import ConfirmDialog
from counterdesk.tui.screens.checks import ChecksScreen
from counterdesk.tui.screens.home import HomeScreen
from tests.conftest import write_pdf
from tests.factories import applicant_form, draft_application
from tests.functional.test_tui_queue import SUPERVISOR
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, plain, settle

ZERO_EMPLOYMENT = {"category": "zero_employment", "flexible": "no"}
FAMILY_PROOF = "M08"


def committed(app, name: str, *, received_days_ago: int = 0) -> str:
    """An application whose zero-employment proof a signed commitment replaced; its number."""
    ctx = app.ctx
    with ctx.session() as session:
        draft = draft_application(session, CLERK, ctx.catalog, answers=ZERO_EMPLOYMENT, form=applicant_form(name=name))
        for row in attachments.material_rows(session, ctx.catalog, draft):
            if row.material.code != FAMILY_PROOF:
                scan = write_pdf(ctx.settings.scans_dir / f"{row.material.code}-{draft.id}.pdf", row.material.name)
                attachments.attach_from_inbox(session, actor=CLERK, settings=ctx.settings, catalog=ctx.catalog,
                                              application_id=draft.id, material_code=row.material.code, path=scan)
        applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="onsite")
        promises.mark(session, actor=CLERK, catalog=ctx.catalog, application_id=draft.id, material_code=FAMILY_PROOF,
                      kind="commitment")
        number = applications.submit(session, actor=CLERK, catalog=ctx.catalog, application_id=draft.id)
        if received_days_ago:
            session.exec(update(Application).where(Application.id == draft.id)
                         .values(submitted_at=now() - timedelta(days=received_days_ago)))
            session.commit()
        return number


def stored_check(app, number: str) -> MaterialPromise:
    with app.ctx.session() as session:
        application = session.exec(select(Application).where(Application.number == number)).one()
        return session.exec(select(MaterialPromise).where(MaterialPromise.application_id == application.id)).one()


def rows(screen) -> list[list[str]]:
    table = screen.query_one("#checks-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_checks(app, pilot) -> ChecksScreen:
    await logged_in(app, pilot, SUPERVISOR)
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    assert isinstance(app.screen, ChecksScreen)
    return app.screen


@pilot_test
async def test_h_lists_the_open_checks_and_f2_records_one_true_with_its_note(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    late = committed(app, "欧阳娜娜", received_days_ago=40)
    fresh = committed(app, "李四")
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot, SUPERVISOR)
        await settle(pilot)
        assert "告知承诺待核查 2 件，逾期 1 件" in plain(app.screen.query_one("#home-checks"))
        assert "H  告知承诺核查" in plain(app.screen.query_one("#home-menu"))
        screen = await open_checks(app, pilot)
        listed = rows(screen)
        assert [r[1] for r in listed] == [late, fresh], "oldest first"
        assert [r[2] for r in listed] == ["欧***", "李*"] and all(r[3].startswith("城镇零就业家庭") for r in listed)
        assert "red" in str(screen.query_one("#checks-table", DataTable).get_row_at(0)[0].style)
        chosen = plain(screen.query_one("#checks-chosen"))
        assert late in chosen and "城镇零就业家庭证明（M08）" in chosen and "已逾期" in chosen
        assert stored_check(app, late).outcome is None
        await pilot.press("down")
        await pilot.press(*"社区核实属实")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert fresh in plain(app.screen.query_one("#confirm-body"))
        await pilot.press("y")
        await settle(pilot)
        done = stored_check(app, fresh)
        assert (done.outcome, done.outcome_note, done.checked_by) == ("true", "社区核实属实", "sup01")
        assert stored_check(app, late).outcome is None
        assert [r[1] for r in rows(screen)] == [late]
        assert f"已记录：办件 {fresh} 的告知承诺（城镇零就业家庭证明（M08））核查属实。" in plain(
            screen.query_one("#checks-message"))
        assert screen.query_one("#checks-note", Input).value == ""
        with app.ctx.session() as session:
            entry = session.exec(select(AuditEntry).where(AuditEntry.action == "commitment_check")).one()
        assert entry.staff_id == "sup01" and json.loads(entry.detail)["outcome"] == "true"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "告知承诺待核查 1 件，逾期 1 件" in plain(app.screen.query_one("#home-checks"))


@pilot_test
async def test_f3_wants_what_was_found_and_keeps_the_note_typed_when_the_record_is_refused(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    number = committed(app, "张三")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checks(app, pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ChecksScreen), "no question without what the check found"
        assert "核查不属实时须写明核查情况" in plain(screen.query_one("#checks-message"))
        assert stored_check(app, number).outcome is None
        await pilot.press(*"家庭成员一人已就业")
        # Meanwhile another supervisor records it from the command line.
        with app.ctx.session() as session:
            promises.record_check(session, actor=SUPERVISOR, check_id=stored_check(app, number).id, outcome="true",
                                  note=None)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "不能重复记录" in plain(screen.query_one("#checks-message"))
        assert screen.query_one("#checks-note", Input).value == "家庭成员一人已就业"
        assert stored_check(app, number).outcome == "true", "the first record stands"
        assert rows(screen) == [] and "没有待核查的告知承诺" in plain(screen.query_one(".handover-empty"))


@pilot_test
async def test_a_withdrawn_application_s_commitment_is_not_listed_and_n_changes_nothing(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    withdrawn = committed(app, "王五")
    kept = committed(app, "赵六")
    with app.ctx.session() as session:
        workflow.advance(session, actor=CLERK, number_or_id=withdrawn, to_status="withdrawn", reason="群众申请撤回")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_checks(app, pilot)
        assert [r[1] for r in rows(screen)] == [kept]
        await pilot.press(*"不实", "f3")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ChecksScreen) and stored_check(app, kept).outcome is None
        assert screen.query_one("#checks-note", Input).value == "不实"


@pilot_test
async def test_a_clerk_s_home_offers_no_checks(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    committed(app, "张三")
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "告知承诺" not in plain(app.screen.query_one("#home-menu"))
        assert plain(app.screen.query_one("#home-checks")).strip() == ""
