"""找事项 at the counter: the clerk types a few letters and the citizen's matter is there."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList

from counterdesk.tui.dialogs.region import BrowseRegion, RegionDialog
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.location import LocationScreen
from counterdesk.tui.screens.matter import MatterScreen
from tests.functional.tui_helpers import EXAMPLE_MATTER, PINGJIANG, desk_app, logged_in, pilot_test, plain, settle


async def _new_application(app, pilot) -> MatterScreen:
    await logged_in(app, pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(app.screen, MatterScreen)
    return app.screen


def _listed(screen: MatterScreen) -> list[str]:
    return [matter.code for matter in screen.results]


@pilot_test
async def test_clerk_types_jykn_and_enter_picks_the_guides_example(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jykn")
        assert _listed(screen)[0] == EXAMPLE_MATTER
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LocationScreen)
        assert app.screen.draft.matter_code == EXAMPLE_MATTER


@pilot_test
async def test_search_box_filters_as_the_clerk_types_chinese_and_full_pinyin(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        everything = len(screen.results)
        await pilot.press(*"jiuye")
        by_pinyin = _listed(screen)
        assert EXAMPLE_MATTER in by_pinyin and len(by_pinyin) < everything
        screen.query_one("#matter-search", Input).value = "就业困难"
        await pilot.pause()
        assert _listed(screen)[0] == EXAMPLE_MATTER
        assert screen.query_one("#matter-results", DataTable).row_count == len(screen.results)


@pilot_test
async def test_an_empty_tab_points_to_the_tab_that_has_the_matter(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jykn", "f2")
        await settle(pilot)
        assert screen.state.audience == "personal" and screen.results == []
        message = plain(screen.query_one("#matter-detail"))
        assert "没有找到符合条件的事项" in message and "政策兑现" in message
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MatterScreen)


@pilot_test
async def test_theme_chips_follow_the_tab_and_filter_the_results(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press("f2", "f2", "f2")
        await settle(pilot)
        assert screen.state.audience == "policy"
        policy_themes = {m.theme for m in catalog.matters.values() if m.audience == "policy"}
        chips = screen.query_one("#matter-themes")
        assert set(chips.items[1:]) == policy_themes
        await pilot.press("f3")
        await settle(pilot)
        assert screen.state.theme == chips.items[1]
        assert screen.results and {m.theme for m in screen.results} == {screen.state.theme}
        assert {m.audience for m in screen.results} == {"policy"}


@pilot_test
async def test_type_and_hall_county_filters_narrow_the_list(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _new_application(app, pilot)
        everything = len(screen.results)
        await pilot.press("f4")
        await settle(pilot)
        assert screen.state.type and {m.type for m in screen.results} == {screen.state.type}
        await pilot.press("shift+f4", "f5")
        await settle(pilot)
        assert screen.state.type is None and screen.state.region == BrowseRegion(PINGJIANG)
        assert all(m.handled_in(PINGJIANG) for m in screen.results)
        assert len(screen.results) == sum(m.handled_in(PINGJIANG) for m in catalog.matters.values()) < everything
        assert "只看平江县可办" in plain(screen.query_one("#matter-filters"))


def _options(dialog: RegionDialog, column: str) -> list[str]:
    return [str(option.prompt) for option in dialog.query_one(f"#region-{column}", OptionList).options]


def _highlighted(dialog: RegionDialog, column: str) -> str:
    options = dialog.query_one(f"#region-{column}", OptionList)
    return str(options.get_option_at_index(options.highlighted).prompt)


async def _browse(pilot, *keys: str) -> None:
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RegionDialog)
    await pilot.press(*keys)
    await settle(pilot)


@pilot_test
async def test_clerk_browses_changsha_s_own_level_then_the_whole_city_then_the_province(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _new_application(app, pilot)
        everything = len(screen.results)
        await pilot.press("f6")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RegionDialog)
        assert _highlighted(dialog, "cities") == "全省"
        await pilot.press(*"cssbj")
        await settle(pilot)
        assert (_options(dialog, "cities"), _options(dialog, "places")) == (["长沙市"], ["长沙市本级"])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        own = _listed(screen)
        assert "GR-ESFZY-001" in own and EXAMPLE_MATTER not in own
        assert all(catalog.matters[code].handled_in("430100") for code in own)
        assert "地区：长沙市本级" in plain(screen.query_one("#matter-filters"))

        await pilot.press("f6")
        await settle(pilot)
        assert (_highlighted(app.screen, "cities"), _highlighted(app.screen, "places")) == ("长沙市", "长沙市本级")
        await pilot.press("up", "enter")
        await settle(pilot)
        whole = _listed(screen)
        assert EXAMPLE_MATTER in whole and set(own) < set(whole)
        assert "地区：长沙市（全市）" in plain(screen.query_one("#matter-filters"))

        await _browse(pilot, "tab", "home", "enter")
        assert app.focused is app.screen.query_one("#region-places", OptionList)
        await pilot.press("enter")
        await settle(pilot)
        assert len(screen.results) == everything
        assert "地区：全省" in plain(screen.query_one("#matter-filters"))


@pilot_test
async def test_clerk_browses_a_functional_area_and_escape_keeps_the_region(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await _browse(pilot, *"quyuan", "enter")
        assert EXAMPLE_MATTER in _listed(screen) and "GR-DBSQ-001" in _listed(screen)
        assert "地区：屈原管理区" in plain(screen.query_one("#matter-filters"))
        await _browse(pilot, *"changsha", "escape")
        assert app.screen is screen and "地区：屈原管理区" in plain(screen.query_one("#matter-filters"))
        await pilot.press("f5")
        await settle(pilot)
        assert screen.state.region == BrowseRegion(PINGJIANG)
        assert "只看平江县可办" in plain(screen.query_one("#matter-filters"))


@pilot_test
async def test_down_from_the_search_box_moves_in_the_results_and_enter_takes_that_row(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jiuye")
        second = screen.results[1]
        await pilot.press("down")
        assert app.focused is screen.query_one("#matter-search", Input)
        assert screen.highlighted_matter() == second
        assert second.name in plain(screen.query_one("#matter-detail"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.draft.matter_code == second.code


@pilot_test
async def test_typing_in_the_results_list_goes_on_with_the_search(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jy", "tab")
        assert app.focused is screen.query_one("#matter-results", DataTable)
        await pilot.press(*"kn")
        await settle(pilot)
        assert screen.query_one("#matter-search", Input).value == "jykn"


@pilot_test
async def test_back_from_the_location_keeps_the_search_and_escape_clears_then_goes_home(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await _new_application(app, pilot)
        await pilot.press(*"jykn", "f2", "f2", "f2", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MatterScreen)
        assert screen.query_one("#matter-search", Input).value == "jykn"
        assert screen.state.audience == "policy" and screen.highlighted_matter().code == EXAMPLE_MATTER
        await pilot.press("escape")
        assert screen.query_one("#matter-search", Input).value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pilot_test
async def test_a_large_catalog_lists_the_best_rows_and_says_how_many_matched(tmp_path, catalog):
    from dataclasses import replace

    from counterdesk.catalog import Catalog
    from counterdesk.tui.screens.matter import SHOWN_ROWS

    example = catalog.matter(EXAMPLE_MATTER)
    copies = [replace(example, code=f"ZC-COPY-{n:03d}", name=f"就业困难人员认定（第{n}批）")
              for n in range(SHOWN_ROWS + 50)]
    large = Catalog.of(catalog.directory, catalog.province, catalog.cities, [example, *copies])
    app = desk_app(tmp_path, large)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jykn")
        assert len(screen.results) == SHOWN_ROWS + 51
        assert screen.query_one("#matter-results", DataTable).row_count == SHOWN_ROWS
        assert f"找到 {SHOWN_ROWS + 51} 项，列出最相关的 {SHOWN_ROWS} 项" in plain(screen.query_one("#matter-filters"))
        assert screen.highlighted_matter() == screen.results[0]


@pilot_test
async def test_a_matter_file_edited_while_the_counter_runs_is_refused_on_screen(tmp_path):
    import shutil

    from counterdesk.catalog import clear_cache, load_catalog, shipped_data_dir

    folder = tmp_path / "catalog"
    shutil.copytree(shipped_data_dir(), folder, ignore=shutil.ignore_patterns("samples", "output"))
    clear_cache()
    catalog = load_catalog(folder)
    app = desk_app(tmp_path / "home", catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*"jykn")
        example = folder / "matters" / "policy-jiuye-kunnan.toml"
        example.write_text(example.read_text(encoding="utf-8") + "\n# 管理员刚改过\n", encoding="utf-8")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.query_one("#matter-search", Input).value == "jykn"
        assert any("重新启动" in str(n.message) for n in app._notifications)


@pytest.mark.parametrize("typed", ["开饭店", "kaifandain"])
@pilot_test
async def test_clerk_types_the_citizen_s_own_words_and_finds_the_restaurant_matter(tmp_path, catalog, typed):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        await pilot.press(*typed)
        assert screen.results[0].name == "我要开餐饮店" and not screen.suggested


@pilot_test
async def test_words_that_find_nothing_list_the_nearest_matters_to_pick_from(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _new_application(app, pilot)
        screen.query_one("#matter-search", Input).value = "火星开饭馆"
        await pilot.pause()
        assert screen.suggested and screen.results[0].name == "我要开餐饮店"
        assert "您是不是要找" in plain(screen.query_one("#matter-filters"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LocationScreen)
        assert app.screen.draft.matter_code == screen.results[0].code
