"""How the desk looks around the wizard at 80×24 and 120×36: login, home, the supervisor's queue and detail.

Update after a deliberate change of layout with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest

from counterdesk.services.staff import Actor
from tests.factories import submitted_application
from tests.functional.tui_helpers import CLERK, FROZEN, desk_app, freeze_clock, logged_in, settle, still_cursors

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
WIDEST = pytest.param((160, 50), id="160x50")
SUPERVISOR = Actor("sup01", "王科长", "supervisor", 1)


@pytest.fixture
def app(tmp_path, catalog, monkeypatch):
    freeze_clock(monkeypatch)
    monkeypatch.setattr("counterdesk.services.applications.now", lambda: FROZEN)
    monkeypatch.setattr("counterdesk.services.submit.now", lambda: FROZEN)
    return desk_app(tmp_path, catalog)


@pytest.mark.parametrize("size", SIZES)
def test_login_screen(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await settle(pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_supervisor_home_with_nothing_pending(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot, SUPERVISOR)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [*SIZES, WIDEST])
def test_queue_screen_with_three_submitted_applications(snap_compare, app, size):
    from counterdesk.tui.screens.queue import QueueScreen

    async def run_before(pilot) -> None:
        with app.ctx.session() as session:
            for name in ("张三", "李四", "欧阳娜娜"):
                from tests.factories import applicant_form

                submitted_application(session, CLERK, app.ctx.catalog, app.ctx.settings,
                                      form=applicant_form(name=name))
        await logged_in(app, pilot, SUPERVISOR)
        app.push_screen(QueueScreen(day=FROZEN.date(), refresh_seconds=3600))
        await settle(pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_detail_of_a_courier_application_with_a_long_address(snap_compare, app, size):
    from counterdesk.services import applications
    from counterdesk.tui.screens.detail import DetailScreen
    from tests.factories import applicant_form, attach_all, draft_application, resident_id

    async def run_before(pilot) -> None:
        catalog, settings = app.ctx.catalog, app.ctx.settings
        with app.ctx.session() as session:
            household = "湖南省岳阳市平江县汉昌镇建设路八号天岳新村小区第十七栋第三单元二楼东侧靠近农贸市场的那一户"
            draft = draft_application(session, CLERK, catalog,
                                      form=applicant_form(id_number=resident_id(17), household_address=household))
            attach_all(session, CLERK, catalog, settings, draft)
            applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="courier",
                                    recipient="张三", phone="13812347777",
                                    address="湖南省长沙市岳麓区麓山南路九百三十二号中南大学新校区学生公寓十二栋四楼四一二室")
            number = applications.submit(session, actor=CLERK, catalog=catalog, application_id=draft.id)
        await logged_in(app, pilot, SUPERVISOR)
        app.push_screen(DetailScreen(number))
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_checks_screen_with_an_overdue_commitment_and_a_refused_outcome(snap_compare, app, size, monkeypatch):
    from datetime import timedelta

    from sqlmodel import update

    from counterdesk.store.models import Application
    from tests.functional.test_tui_checks import committed

    monkeypatch.setattr("counterdesk.services.promises.now", lambda: FROZEN)
    monkeypatch.setattr("counterdesk.services.promises.today", lambda: FROZEN.date())

    async def run_before(pilot) -> None:
        late = committed(app, "欧阳娜娜")
        committed(app, "李四")
        with app.ctx.session() as session:
            session.exec(update(Application).where(Application.number == late)
                         .values(submitted_at=FROZEN - timedelta(days=40)))
            session.commit()
        await logged_in(app, pilot, SUPERVISOR)
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        still_cursors(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
