"""取件方式, 确认提交 and 办理成功: courier details checked live, submit refused until complete."""

from __future__ import annotations

import re

from textual.widgets import Input

from counterdesk.domain.clock import today
from counterdesk.services import applications
from counterdesk.store.models import Application, Pickup
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.review import ReviewScreen
from counterdesk.tui.screens.success import SuccessScreen
from tests.factories import applicant_form, attach_all, draft_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, open_step, pilot_test, plain, settle


def _draft(app, *, complete: bool, name: str = "张三") -> int:
    with app.ctx.session() as session:
        application = draft_application(session, CLERK, app.ctx.catalog, form=applicant_form(name=name))
        if complete:
            attach_all(session, CLERK, app.ctx.catalog, app.ctx.settings, application)
            applications.set_pickup(session, actor=CLERK, application_id=application.id, method="onsite")
    return application.id


def _stored(app, application_id: int) -> tuple[Application, Pickup | None]:
    with app.ctx.session() as session:
        return session.get(Application, application_id), session.get(Pickup, application_id)


@pilot_test
async def test_courier_fields_start_from_the_applicant_and_a_bad_phone_is_named_beside_it(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, complete=False)
        await open_step(app, pilot, "pickup", draft_id)
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#courier-block").display
        assert screen.query_one("#f-recipient", Input).value == "张三"
        phone = screen.query_one("#f-phone", Input)
        phone.value = "1381234"
        await settle(pilot)
        assert "11位" in plain(screen.query_one("#msg-phone"))
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen is screen and app.focused is phone
        phone.value = "13900002222"
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        _, pickup = _stored(app, draft_id)
        assert (pickup.method, pickup.recipient, pickup.phone) == ("courier", "张三", "13900002222")


@pilot_test
async def test_submit_is_refused_with_the_missing_materials_listed(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, complete=False)
        await open_step(app, pilot, "review", draft_id)
        assert "缺少必填材料：失业登记证" in plain(app.screen.query_one("#review-missing"))
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        application, _ = _stored(app, draft_id)
        assert application.status == "draft" and application.number is None


@pilot_test
async def test_review_shows_the_applicant_in_full_and_m_goes_back_to_materials(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, complete=True)
        await open_step(app, pilot, "review", draft_id)
        applicant = plain(app.screen.query_one("#review-applicant"))
        assert "张三" in applicant and "13812347777" in applicant
        assert "信息完整" in plain(app.screen.query_one("#review-missing"))
        assert "现场取件" in plain(app.screen.query_one("#review-pickup"))
        await pilot.press("m")
        await settle(pilot)
        assert app.screen.STEP == "materials"


@pilot_test
async def test_success_shows_the_number_saves_the_receipt_and_enter_serves_the_next_citizen(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, complete=True)
        await open_step(app, pilot, "review", draft_id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SuccessScreen)
        application, _ = _stored(app, draft_id)
        assert application.status == "received"
        assert re.fullmatch(rf"430626-{today():%Y%m%d}-43062601-00001-[0-9X]", application.number)
        assert app.screen.query_one("#success-number").value == application.number
        assert plain(app.screen.query_one("#success-plain")).strip() == application.number
        await pilot.press("S")  # the key bar shows S: with Caps Lock or Shift it works too
        await settle(pilot)
        assert (tmp_path / "data" / "output" / f"收件凭证-{application.number}.pdf").is_file()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_a_receipt_with_a_character_no_font_has_is_saved_and_the_clerk_is_warned(tmp_path, catalog):
    blank = "\U0002B740"
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        draft_id = _draft(app, complete=True, name=f"{blank}三")
        await open_step(app, pilot, "review", draft_id)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SuccessScreen)
        await pilot.press("s")
        await settle(pilot)
        number = _stored(app, draft_id)[0].number
        assert (tmp_path / "data" / "output" / f"收件凭证-{number}.pdf").is_file()
        [warning] = [n for n in app._notifications if n.severity == "warning"]
        assert blank in warning.message and "U+2B740" in warning.message and "空白" in warning.message
        assert any(f"收件凭证-{number}.pdf" in n.message for n in app._notifications if n.severity == "information")


@pilot_test
async def test_markup_typed_by_a_citizen_is_shown_literally_on_review(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(120, 36)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            application = draft_application(session, CLERK, app.ctx.catalog, form=applicant_form(
                remark="[bold red]加急[/] [link=http://x]点我[/link]",
                residence_address="平江县[reverse]天岳大道[/reverse]1号"))
        await open_step(app, pilot, "review", application.id)
        shown = "\n".join(plain(widget) for widget in app.screen.query("Static"))
        assert "[bold red]加急[/] [link=http://x]点我[/link]" in shown
        assert "平江县[reverse]天岳大道[/reverse]1号" in shown
