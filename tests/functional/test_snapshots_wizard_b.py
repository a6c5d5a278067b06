"""How the second half of the wizard looks at 80×24 and 120×36 (确认信息, 材料提交, 确认提交, 办理成功).

Update after a deliberate change of layout with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import os

import pytest
from textual.widgets import TextArea

from counterdesk.services import applications, attachments
from counterdesk.tui.screens.applicant import ApplicantScreen
from tests.conftest import write_pdf
from tests.factories import EXAMPLE_ANSWERS, applicant_form, attach_all, draft_application
from tests.functional.tui_helpers import (
    CLERK,
    FROZEN,
    desk_app,
    freeze_clock,
    logged_in,
    open_step,
    settle,
    start_at,
    still_cursors,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]
ZHANG = "430626198506150018"
"""张三's resident ID, fixed so the pictures do not change with test order."""


@pytest.fixture
def app(tmp_path, catalog, monkeypatch):
    freeze_clock(monkeypatch)
    monkeypatch.setattr("counterdesk.services.applications.now", lambda: FROZEN)
    monkeypatch.setattr("counterdesk.services.submit.now", lambda: FROZEN)
    return desk_app(tmp_path, catalog)


def _still(app) -> None:
    still_cursors(app)
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


def _scan(app, name: str, minutes_ago: int, pages: int = 1) -> None:
    """A scan dropped at a fixed time, so the inbox shows the same clock every run."""
    path = write_pdf(app.ctx.settings.scans_dir / name, name, pages=pages)
    moment = FROZEN.timestamp() - 60 * minutes_ago
    os.utime(path, (moment, moment))


def _draft(app, *, scanned: bool, courier: bool = False) -> int:
    with app.ctx.session() as session:
        draft = draft_application(session, CLERK, app.ctx.catalog, form=applicant_form(id_number=ZHANG))
        if scanned:
            attach_all(session, CLERK, app.ctx.catalog, app.ctx.settings, draft)
        if courier:
            applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="courier",
                                    recipient="张三", phone="13812347777", address="湖南省岳阳市平江县汉昌镇建设路8号")
    return draft.id


@pytest.mark.parametrize("size", SIZES)
def test_applicant_form_with_a_mobile_number_too_short(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await start_at(app, pilot, "applicant", answers=EXAMPLE_ANSWERS)
        screen = app.screen
        assert isinstance(screen, ApplicantScreen)
        for key, text in (("id_number", ZHANG), ("name", "张三"), ("mobile", "1381234")):
            screen.query_one(f"#f-{key}").insert_text_at_cursor(text)
            await settle(pilot)
        screen.query_one("#f-mobile").focus()
        _still(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_materials_with_a_refused_scan_and_a_failed_pre_check(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        draft_id = _draft(app, scanned=False)
        ctx = app.ctx
        _scan(app, "申报表.pdf", 30)
        with ctx.session() as session:
            attached = attachments.attach_from_inbox(session, actor=CLERK, settings=ctx.settings, catalog=ctx.catalog,
                                                     application_id=draft_id, material_code="M01",
                                                     path=ctx.settings.scans_dir / "申报表.pdf")
            attachments.precheck(session, actor=CLERK, attachment_id=attached.id, passed=False,
                                 reason="缺少申请人本人签字")
        _scan(app, "缴费凭证.pdf", 20, pages=2)
        _scan(app, "身份证户口簿.pdf", 10)
        refused = ctx.settings.scans_dir / "说明.pdf"
        refused.write_text("not a scan")
        os.utime(refused, (FROZEN.timestamp() - 300,) * 2)
        await open_step(app, pilot, "materials", draft_id)
        _still(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_review_of_a_courier_draft_still_missing_a_material(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        draft_id = _draft(app, scanned=True, courier=True)
        with app.ctx.session() as session:
            missing = next(a for a in attachments.material_rows(session, app.ctx.catalog,
                                                                applications.get(session, actor=CLERK,
                                                                                 application_id=draft_id))
                           if a.material.code == "M06").attachments[0]
            attachments.detach(session, actor=CLERK, attachment_id=missing.id)
        await open_step(app, pilot, "review", draft_id)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_success_shows_the_number_large(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        draft_id = _draft(app, scanned=True, courier=True)
        await open_step(app, pilot, "review", draft_id)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
