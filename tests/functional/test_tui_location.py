"""选择办理地点 at the counter: 岳阳 → 平江, only where the matter is handled, the hall's county first."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from counterdesk.services.applications import get
from counterdesk.tui.screens.guidance import GuidanceScreen
from counterdesk.tui.screens.location import LocationScreen
from counterdesk.tui.screens.matter import MatterScreen
from counterdesk.tui.wizard import Draft, go
from tests.functional.tui_helpers import CLERK, EXAMPLE_MATTER, PINGJIANG, desk_app, logged_in, pilot_test, settle

FURONG = "430102"
"""长沙市芙蓉区: a hall far from 平江."""


async def _location_of(app, pilot, matter: str = EXAMPLE_MATTER) -> LocationScreen:
    await logged_in(app, pilot)
    go(app, "location", Draft(matter_code=matter))
    await settle(pilot)
    assert isinstance(app.screen, LocationScreen)
    return app.screen


def _highlighted(screen: LocationScreen, column: str) -> str:
    options = screen.query_one(f"#location-{column}", OptionList)
    return str(options.get_option_at_index(options.highlighted).prompt)


def _names(screen: LocationScreen, column: str) -> list[str]:
    return [str(option.prompt) for option in screen.query_one(f"#location-{column}", OptionList).options]


def _stored(app, application_id: int):
    with app.ctx.session() as session:
        return get(session, actor=CLERK, application_id=application_id)


@pilot_test
async def test_the_halls_own_county_is_preselected_and_enter_starts_the_draft_there(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot)
        assert (_highlighted(screen, "cities"), _highlighted(screen, "counties")) == ("岳阳市", "平江县")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        draft = app.screen.draft
        assert draft.county_code == PINGJIANG and draft.application_id is not None
        stored = _stored(app, draft.application_id)
        assert (stored.status, stored.matter_code, stored.county_code, stored.window) == (
            "draft", EXAMPLE_MATTER, PINGJIANG, 3)


@pilot_test
async def test_clerk_picks_yueyang_then_pingjiang_by_keyboard_from_a_changsha_hall(tmp_path, catalog):
    app = desk_app(tmp_path, catalog, hall_county=FURONG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot)
        assert _highlighted(screen, "counties") == "芙蓉区"
        await pilot.press("tab")
        assert app.focused is screen.query_one("#location-cities", OptionList)
        for _ in range(len(catalog.cities)):
            if _highlighted(screen, "cities") == "岳阳市":
                break
            await pilot.press("down")
        await pilot.press("enter")
        assert app.focused is screen.query_one("#location-counties", OptionList)
        example = catalog.matter(EXAMPLE_MATTER)
        yueyang = catalog.city("430600").places
        assert _names(screen, "counties") == [p.name for p in yueyang if example.handled_in(p.code)]
        for _ in range(len(_names(screen, "counties"))):
            if _highlighted(screen, "counties") == "平江县":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        assert _stored(app, app.screen.draft.application_id).county_code == PINGJIANG


@pilot_test
async def test_typing_pinyin_initials_filters_both_columns(tmp_path, catalog):
    app = desk_app(tmp_path, catalog, hall_county=FURONG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot)
        await pilot.press(*"pjx")
        await settle(pilot)
        assert (_names(screen, "cities"), _names(screen, "counties")) == (["岳阳市"], ["平江县"])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.draft.county_code == PINGJIANG


@pilot_test
async def test_typing_the_city_in_full_pinyin_lists_all_its_counties(tmp_path, catalog):
    app = desk_app(tmp_path, catalog, hall_county=FURONG)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot)
        await pilot.press(*"yueyang")
        await settle(pilot)
        assert _names(screen, "cities")[0] == "岳阳市"
        assert "平江县" in _names(screen, "counties")


@pilot_test
async def test_only_counties_where_the_matter_is_handled_are_listed(tmp_path, catalog):
    local = next(m for m in catalog.matters.values() if m.counties is not None and PINGJIANG not in m.counties)
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _location_of(app, pilot, local.code)
        listed = [county.code for _, counties in screen.places for county in counties]
        assert sorted(listed) == sorted(local.counties)
        assert [city.name for city, _ in screen.places] == _names(screen, "cities")
        assert "本大厅所在县区不办理此事项" in str(screen.query_one("#location-hint").render())


@pilot_test
async def test_escape_goes_back_to_the_matter_search(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"jykn", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)
        assert app.screen.query_one("#matter-search", Input).value == "jykn"


@pilot_test
async def test_a_county_matter_lists_the_functional_area_but_not_the_city_s_own_level(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot)
        names = _names(screen, "counties")
        assert "屈原管理区" in names and "岳阳市本级" not in names
        assert names.index("平江县") < names.index("屈原管理区") < names.index("汨罗市")


@pilot_test
async def test_clerk_takes_a_resale_for_the_city_s_own_level_registry(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _location_of(app, pilot, "GR-ESFZY-001")
        assert _names(screen, "counties")[:2] == ["岳阳市本级", "岳阳楼区"]
        assert _highlighted(screen, "counties") == "平江县"
        await pilot.press(*"yueyangshibenji")
        await settle(pilot)
        assert (_names(screen, "cities"), _names(screen, "counties")) == (["岳阳市"], ["岳阳市本级"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GuidanceScreen)
        assert _stored(app, app.screen.draft.application_id).county_code == "430600"
