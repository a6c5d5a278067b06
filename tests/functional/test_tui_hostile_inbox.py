"""A Flate bomb in the scanner inbox: the materials screen keeps answering keys while the sandbox
checks it, lists it as being checked meanwhile, and then as refused with the reason."""

from __future__ import annotations

import asyncio
import os
import threading
import time

from textual.widgets import DataTable, OptionList

from counterdesk.documents import sandbox
from counterdesk.services.applications import answers_of
from counterdesk.tui.wizard import Draft, go
from tests.factories import draft_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, settle
from tests.hostile import flate_bomb_pdf


def _labels(app) -> list[str]:
    options = app.screen.query_one("#inbox", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pilot_test
async def test_clerk_keeps_working_while_the_30_page_bomb_is_checked_and_then_sees_it_refused(
        tmp_path, catalog, monkeypatch):
    app = desk_app(tmp_path, catalog)
    bomb = app.ctx.settings.scans_dir / "户口簿.pdf"
    bomb.write_bytes(flate_bomb_pdf(30))
    os.utime(bomb, (time.time() - 60,) * 2)
    # Hold the sandbox's parse of the bomb open until the test has used the screen, so the keys
    # below are certainly pressed while the check runs (a fresh verdict cache: no earlier test's).
    started, release, judged = threading.Event(), threading.Event(), threading.Event()
    real_run = sandbox._run

    def held(data: bytes, media_type: str):
        started.set()
        release.wait(60)
        try:
            return real_run(data, media_type)
        finally:
            judged.set()

    monkeypatch.setattr(sandbox, "_memory", {})
    monkeypatch.setattr(sandbox, "_loaded", {})
    monkeypatch.setattr(sandbox, "_run", held)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            draft = draft_application(session, CLERK, catalog)
            go(app, "materials", Draft(draft.matter_code, draft.county_code, draft.id, answers_of(session, draft.id)))
        assert await asyncio.to_thread(started.wait, 60), "the inbox refresh never started the check"
        try:
            table = app.screen.query_one("#materials", DataTable)
            for _ in range(500):  # the rows come from a worker; keys before them would move nothing
                if table.row_count:
                    break
                await pilot.pause(0.01)
            await pilot.press("down", "down")
            assert table.cursor_row == 2
            await pilot.press("tab")
            assert app.focused is app.screen.query_one("#inbox", OptionList)
            await app.screen.refresh_inbox().wait()
            await pilot.pause()
            assert "正在检查" in _labels(app)[0]
        finally:
            release.set()
        assert await asyncio.to_thread(judged.wait, 60), "the check never ended"
        await settle(pilot)
        await app.screen.refresh_inbox().wait()
        await pilot.pause()
        [label] = _labels(app)
        assert label.startswith("户口簿.pdf") and "不能使用" in label
        assert "第 1 页的内容解压后超过 16 MB" in label
        assert app.screen.query_one("#inbox", OptionList).get_option_at_index(0).disabled
