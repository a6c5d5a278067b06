"""The supervisor's queue and detail on every terminal the halls have, down to 80×24.

Each column heading, each filter and the search box must be on screen, and a row's number, time,
applicant and days left must be shown whole: nothing a supervisor needs is off to the right.
"""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widgets import DataTable, Input

from counterdesk.services import applications, workflow
from counterdesk.tui.screens.detail import DetailScreen
from tests.factories import applicant_form, attach_all, draft_application, submitted_application
from tests.functional.test_tui_queue import SUPERVISOR, open_queue, settle
from tests.functional.tui_helpers import CLERK, desk_app, pilot_test

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36"),
         pytest.param((160, 50), id="160x50")]
HEADINGS = ["办件编号", "状态", "事项", "区县", "窗口", "经办人", "提交时间", "申请人", "剩余"]
FILTERS = ["#q-date", "#q-status", "#q-window", "#q-clerk", "#q-matter", "#q-county", "#q-search"]
LONG_HOUSEHOLD = "甲乙丙丁戊己庚辛壬癸" * 7
"""70 characters found nowhere else on the detail screen, so they can be picked out of it in order."""
LONG_COURIER = "蝉蜂蝶蚁蛙蟹虾鲤鹅鸭" * 6


def fully_on_screen(widget) -> bool:
    """The widget is drawn, and drawn whole, inside the screen."""
    geometry = widget.screen.find_widget(widget)
    return (geometry.region.area > 0 and geometry.visible_region == geometry.region
            and widget.screen.region.contains_region(geometry.region))


def cell_shown(table: DataTable, row_index: int, column_key: str) -> str:
    """What the terminal shows of one cell, its lines stripped and joined, as the table draws it now."""
    x = 0
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        if column.key.value == column_key:
            break
        x += width
    y = table.header_height + sum(row.height for row in table.ordered_rows[:row_index])
    height = table.ordered_rows[row_index].height
    return "".join(table.render_line(y + line).crop(x, x + width).text.strip() for line in range(height))


def shown_numbers(table: DataTable) -> list[str]:
    """The applications in the table, top to bottom (rows are keyed by number)."""
    return [row.key.value for row in table.ordered_rows]


def paused_and_plain(app) -> list[str]:
    """Two applications of today: one paused for a supplement (暂停（余 n 天）), one just received."""
    with app.ctx.session() as session:
        made = [submitted_application(session, CLERK, app.ctx.catalog, app.ctx.settings,
                                      form=applicant_form(name=name)).number for name in ("欧阳娜娜", "李四")]
        for to_status, reason in (("accepted", None), ("supplement_requested", "身份证复印件不清晰")):
            workflow.advance(session, actor=SUPERVISOR, number_or_id=made[0], to_status=to_status,
                             reason=reason, catalog=app.ctx.catalog)
    return made


@pytest.mark.parametrize("size", SIZES)
@pilot_test
async def test_every_column_and_filter_of_the_queue_is_on_screen_and_cells_whole(tmp_path, catalog, size):
    app = desk_app(tmp_path, catalog)
    paused, received = paused_and_plain(app)
    async with app.run_test(size=size) as pilot:
        queue = await open_queue(app, pilot)
        for selector in FILTERS:
            assert fully_on_screen(queue.query_one(selector)), selector
        table = queue.query_one("#queue-table", DataTable)
        assert table.max_scroll_x == 0 and fully_on_screen(table)
        assert table.region.height >= table.header_height + 2 * max(row.height for row in table.ordered_rows)
        header = table.render_line(0).text
        assert all(heading in header for heading in HEADINGS), header
        row = shown_numbers(table).index(paused)
        assert cell_shown(table, row, "number") == paused
        assert cell_shown(table, row, "applicant") == "欧***"
        assert cell_shown(table, row, "left").startswith("暂停（余") and cell_shown(table, row, "left").endswith("天）")
        assert cell_shown(table, row, "status") == "补正中"
        assert re.fullmatch(r"\d\d-\d\d ?\d\d:\d\d", cell_shown(table, row, "received"))
        assert cell_shown(table, 1 - row, "number") == received


@pilot_test
async def test_slash_puts_the_cursor_in_a_search_box_that_can_be_seen_at_80x24(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    _paused, received = paused_and_plain(app)
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await open_queue(app, pilot)
        await pilot.press("slash")
        search = queue.query_one("#q-search", Input)
        assert app.focused is search and fully_on_screen(search)
        await pilot.press(*"李*")
        await settle(pilot)
        assert "李*" in search.render_line(0).text
        table = queue.query_one("#queue-table", DataTable)
        assert shown_numbers(table) == [received]


@pytest.mark.parametrize("size", [SIZES[0], SIZES[-1]])
@pilot_test
async def test_detail_wraps_a_long_address_instead_of_cutting_it(tmp_path, catalog, size):
    app = desk_app(tmp_path, catalog)
    with app.ctx.session() as session:
        draft = draft_application(session, CLERK, catalog, form=applicant_form(household_address=LONG_HOUSEHOLD))
        attach_all(session, CLERK, catalog, app.ctx.settings, draft)
        applications.set_pickup(session, actor=CLERK, application_id=draft.id, method="courier", recipient="张三",
                                phone="13812347777", address=LONG_COURIER)
        applications.submit(session, actor=CLERK, catalog=catalog, application_id=draft.id)
    async with app.run_test(size=size) as pilot:
        await open_queue(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        people = app.screen.query_one("#detail-people")
        drawn = "".join(strip.text for strip in people.render_lines(Region(0, 0, *people.size)))
        assert "".join(ch for ch in drawn if ch in LONG_HOUSEHOLD) == LONG_HOUSEHOLD
        assert "".join(ch for ch in drawn if ch in LONG_COURIER) == LONG_COURIER
        assert "…" not in drawn
