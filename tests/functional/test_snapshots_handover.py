"""How the hand-over screens look at 80×24: 寄递 with a refused waybill, 签收 with one batch, 出件 of a ready result.

Update after a deliberate change of layout with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest

from counterdesk.services import transfer, workflow
from counterdesk.services.hall import set_hall
from counterdesk.services.staff import Actor
from tests.factories import advance_through, applicant_form, resident_id, submitted_application
from tests.functional.tui_helpers import CLERK, FROZEN, desk_app, freeze_clock, logged_in, settle, still_cursors

SIZE = (80, 24)
SUPERVISOR = Actor("sup01", "王科长", "supervisor", 1)


@pytest.fixture
def frozen(monkeypatch):
    freeze_clock(monkeypatch)
    for module in ("applications", "submit", "transfer"):
        monkeypatch.setattr(f"counterdesk.services.{module}.now", lambda: FROZEN)


def changsha(tmp_path, catalog):
    """The 长沙芙蓉 hall with applications received for 平江 (two) and 岳阳楼区 (one)."""
    app = desk_app(tmp_path, catalog, hall_county="430102")
    with app.ctx.session() as session:
        set_hall(session, actor_id="sup01", name="长沙市芙蓉区政务服务中心", county_code="430102", catalog=catalog)
        for county in ("430626", "430626", "430602"):
            submitted_application(session, CLERK, catalog, app.ctx.settings, county=county)
    return app


def test_dispatch_screen_naming_a_malformed_waybill(snap_compare, tmp_path, catalog, frozen):
    app = changsha(tmp_path, catalog)

    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press(*"运单1", "enter")
        await settle(pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_sign_for_screen_with_a_batch_from_changsha(snap_compare, tmp_path, catalog, frozen, monkeypatch):
    app = changsha(tmp_path, catalog)
    with app.ctx.session() as session:
        transfer.dispatch(session, actor=CLERK, catalog=catalog, to_county="430626", waybill="SF1234567890")
        monkeypatch.setenv("COUNTERDESK_HALL", "43062601")
        set_hall(session, actor_id="sup01", name="平江县政务服务中心", county_code="430626", catalog=catalog,
                 hall_code="43062601")

    async def run_before(pilot) -> None:
        await logged_in(app, pilot, SUPERVISOR)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_release_screen_with_a_ready_result_and_an_agent(snap_compare, tmp_path, catalog, frozen):
    app = desk_app(tmp_path, catalog)
    form = applicant_form(name="欧阳娜娜", agent_id_type="resident_id", agent_id_number=resident_id(seq=77),
                          agent_name="李代办", agent_phone="13912345678")
    with app.ctx.session() as session:
        number = submitted_application(session, CLERK, catalog, app.ctx.settings, form=form).number
        advance_through(session, SUPERVISOR, number, "accepted", "completed")
        workflow.advance(session, actor=CLERK, number_or_id=number, to_status="ready")

    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await pilot.press("t")
        await settle(pilot)
        app.focused.insert_text_at_cursor(number)
        await pilot.press("enter")
        await settle(pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
