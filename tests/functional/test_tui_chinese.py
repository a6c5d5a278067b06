"""Textual's own texts speak Chinese at the counter: the Ctrl+C hint and the command palette."""

from __future__ import annotations

import re

from textual.command import CommandInput, CommandList, CommandPalette

from tests.functional.tui_helpers import desk_app, logged_in, pilot_test

_ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def _palette_lines(app) -> list[str]:
    commands = app.screen.query_one(CommandList)
    prompts = [commands.get_option_at_index(i).prompt for i in range(commands.option_count)]
    return [str(getattr(prompt, "renderable", prompt)) for prompt in prompts]


@pilot_test
async def test_ctrl_c_tells_the_clerk_in_chinese_how_to_quit(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        [hint] = list(app._notifications)
        assert "Ctrl+Q" in str(hint.message) and "退出" in str(hint.message) and "退出" in hint.title
        assert not _ENGLISH_WORD.search(str(hint.message).replace("Ctrl", "")), hint.message


@pilot_test
async def test_the_command_palette_lists_only_chinese_commands(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await pilot.press("ctrl+p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert CommandPalette.is_open(app)
        assert app.screen.query_one(CommandInput).placeholder == "搜索命令……"
        lines = _palette_lines(app)
        assert any("退出" in line for line in lines) and any("锁屏" in line for line in lines)
        for english in ("Quit", "Theme", "Keys", "Screenshot", "Maximize"):
            assert not any(english in line for line in lines), (english, lines)
        await pilot.press(*"zzqx")
        for _ in range(300):  # the palette says "no match" after its own short countdown
            if len(_palette_lines(app)) == 1:
                break
            await pilot.pause(0.1)
        assert _palette_lines(app) == ["没有匹配的命令"]


@pilot_test
async def test_an_open_dropdown_names_its_escape_key_in_chinese_and_shows_every_choice_whole(tmp_path, catalog):
    from textual.widgets import Select

    from counterdesk.domain.idnumbers import ID_TYPES
    from counterdesk.tui.widgets.keybar import KeyBar
    from tests.functional.test_tui_applicant_kinds import new_draft
    from tests.functional.tui_helpers import open_step, plain, settle

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        app.screen.query_one("#f-id_type", Select).focus()
        await pilot.press("enter")
        await settle(pilot)
        keys = plain(app.screen.query_one(KeyBar))
        assert "收起列表" in keys and not _ENGLISH_WORD.search(keys.replace("esc", "")), keys
        # A wide character cut by the edge of a widget under the list is blanked: 港澳居民… lost its 港.
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        missing = [label for label in ID_TYPES.values() if not any(f" {label}" in line for line in lines)]
        assert not missing, "\n".join(lines)

