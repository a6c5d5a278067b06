"""How the first half of the wizard looks at 80×24 and 120×36 (找事项, 智能引导, 办事指南).

Update after a deliberate change of layout with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest

from tests.functional.tui_helpers import desk_app, freeze_clock, logged_in, settle, start_at, still_cursors

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.fixture
def app(tmp_path, catalog, monkeypatch):
    freeze_clock(monkeypatch)
    return desk_app(tmp_path, catalog)


@pytest.mark.parametrize("size", SIZES)
def test_matter_screen_while_the_clerk_types_jiuye(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"jiuye")
        still_cursors(app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_guidance_screen_with_the_first_question_answered(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await start_at(app, pilot, "guidance", answers={"category": "laid_off"})

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_guide_screen_of_the_guides_example(snap_compare, app, size):
    async def run_before(pilot) -> None:
        await logged_in(app, pilot)
        await start_at(app, pilot, "guide", answers={"category": "laid_off", "flexible": "yes", "bank": "yes"})

    assert snap_compare(app, terminal_size=size, run_before=run_before)
