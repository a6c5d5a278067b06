"""The provincial guide's example at the counter, from login to receipt, by keyboard alone.

A clerk at a hall in 长沙市芙蓉区 serves a citizen of 平江县: 我要申请认定为就业困难人员, six
materials scanned into the inbox, the result sent by courier.
"""

from __future__ import annotations

import re

from sqlmodel import select
from textual.widgets import Input, OptionList

from counterdesk.domain.clock import today
from counterdesk.store.models import Applicant, Application, Attachment, Pickup
from counterdesk.tui.screens.applicant import ApplicantScreen
from counterdesk.tui.screens.guidance import GuidanceScreen
from counterdesk.tui.screens.guide import GuideScreen
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.location import LocationScreen
from counterdesk.tui.screens.materials import MaterialsScreen
from counterdesk.tui.screens.pickup import PickupScreen
from counterdesk.tui.screens.review import ReviewScreen
from counterdesk.tui.screens.success import SuccessScreen
from tests.conftest import PASSWORD, write_pdf
from tests.factories import resident_id
from tests.functional.tui_helpers import desk_app, pilot_test, plain, settle

FURONG = "430102"
SCANS = ["申报表", "缴费凭证", "身份证户口簿", "解除劳动关系证明", "存折", "失业登记证"]


async def _until(pilot, screen_type, *, keys: tuple[str, ...] = ()) -> None:
    """Press ``keys`` then wait for ``screen_type`` to be on screen."""
    if keys:
        await pilot.press(*keys)
    for _ in range(50):
        await settle(pilot)
        if isinstance(pilot.app.screen, screen_type):
            return
    raise AssertionError(f"expected {screen_type.__name__}, still on {pilot.app.screen!r}")


def _highlighted(screen, selector: str) -> str:
    options = screen.query_one(selector, OptionList)
    return str(options.get_option_at_index(options.highlighted).prompt)


async def _down_to(pilot, selector: str, name: str) -> None:
    for _ in range(40):
        if _highlighted(pilot.app.screen, selector) == name:
            return
        await pilot.press("down")
    raise AssertionError(f"{name} not found in {selector}")


@pilot_test
async def test_clerk_completes_the_guides_example_by_keyboard_and_hands_over_the_number(tmp_path, catalog):
    app = desk_app(tmp_path, catalog, hall_county=FURONG)
    for i, name in enumerate(SCANS):
        write_pdf(app.ctx.settings.scans_dir / f"{i + 1:02d}-{name}.pdf", name, pages=1 + i % 2)
    id_number = resident_id(15)
    async with app.run_test(size=(100, 30)) as pilot:
        # 登录
        await settle(pilot)
        await pilot.press(*"c03", "enter", *PASSWORD, "enter")
        await _until(pilot, HomeScreen)

        # 找事项 → 选地点（岳阳市 → 平江县）
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"jykn")
        await _until(pilot, LocationScreen, keys=("enter",))
        await pilot.press("tab")
        await _down_to(pilot, "#location-cities", "岳阳市")
        await pilot.press("enter")
        await _down_to(pilot, "#location-counties", "平江县")

        # 智能引导：失业人员 · 灵活就业 · 已开立存折 → 办事指南 → 确认信息
        await _until(pilot, GuidanceScreen, keys=("enter",))
        await pilot.press("1", "1", "1")
        await _until(pilot, GuideScreen, keys=("enter",))
        await _until(pilot, ApplicantScreen, keys=("enter",))

        # 确认信息: the ID number first, then the fields in order with Enter
        await pilot.press(*id_number, "enter", *"张三", "enter", *"13812347777", "enter",
                          *"zhangsan@example.com", "enter", *"湖南省岳阳市平江县城关镇天岳大道1号", "enter",
                          *"湖南省岳阳市平江县汉昌镇建设路8号", "enter")
        await pilot.press(*"本人办理", "tab", *"a017")
        await _until(pilot, MaterialsScreen, keys=("enter",))

        # 材料提交: six scans, one key each; the cursor moves on by itself
        for _ in SCANS:
            await pilot.press("a")
            await settle(pilot)
        assert "材料已齐全" in plain(app.screen.query_one("#materials-status"))

        # 取件方式: courier, prefilled from the applicant
        await _until(pilot, PickupScreen, keys=("enter",))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen.query_one("#f-address", Input).value == "湖南省岳阳市平江县汉昌镇建设路8号"
        await _until(pilot, ReviewScreen, keys=("f9",))
        assert "信息完整" in plain(app.screen.query_one("#review-missing"))

        # 提交
        await _until(pilot, SuccessScreen, keys=("s",))
        shown = plain(app.screen.query_one("#success-plain")).strip()

        with app.ctx.session() as session:
            application = session.exec(select(Application)).one()
            attachments = session.exec(select(Attachment).where(Attachment.application_id == application.id)).all()
            pickup = session.get(Pickup, application.id)
            applicant = session.get(Applicant, application.applicant_id)
        assert (application.status, application.county_code, application.matter_code) == (
            "received", "430626", "ZC-JYKN-001")
        assert re.fullmatch(rf"430626-{today():%Y%m%d}-43010201-00001-[0-9X]", application.number)
        assert shown == application.number
        assert sorted(a.material_code for a in attachments) == ["M01", "M02", "M03", "M04", "M05", "M06"]
        assert {a.original_name for a in attachments} == {f"{i + 1:02d}-{n}.pdf" for i, n in enumerate(SCANS)}
        assert (pickup.method, pickup.recipient, pickup.phone, pickup.address) == (
            "courier", "张三", "13812347777", "湖南省岳阳市平江县汉昌镇建设路8号")
        assert (applicant.id_number, applicant.name, applicant.sex) == (id_number, "张三", "M")
        assert (application.remark, application.ticket_no) == ("本人办理", "A017")
        assert not any(p.is_file() for p in app.ctx.settings.scans_dir.iterdir())

        # 下一位群众
        await _until(pilot, HomeScreen, keys=("enter",))
