"""The ID-card reader fills the applicant: the reader's software writes a JSON line, the form fills."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import date

from textual.widgets import Input

from counterdesk.store.models import Application
from tests.functional.test_tui_applicant_kinds import new_draft
from tests.functional.tui_helpers import desk_app, logged_in, open_step, pilot_test, settle
from tests.unit.test_idcard import NUMBER, reader_line


def _reading(app, monkeypatch) -> asyncio.Event:
    """An event set once the app has taken a card from the reader."""
    read = asyncio.Event()
    original = app.card_read

    def card_read(line: str) -> None:
        original(line)
        read.set()

    monkeypatch.setattr(app, "card_read", card_read)
    return read


def _stored(app, draft_id: int) -> Application:
    with app.ctx.session() as session:
        return session.get(Application, draft_id)


@pilot_test
async def test_a_card_on_the_reader_fills_the_form_and_is_recorded_as_read_by_the_reader(
        tmp_path, catalog, monkeypatch):
    reader = tmp_path / "reader.jsonl"
    reader.write_text(reader_line(name="前一位") + "\n", encoding="utf-8")
    app = desk_app(tmp_path, catalog)
    app.ctx.settings = dataclasses.replace(app.ctx.settings, id_reader=reader)
    read = _reading(app, monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        draft_id = new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        with reader.open("a", encoding="utf-8") as output:
            output.write(reader_line(valid_to="20990101") + "\n")
        async with asyncio.timeout(30):
            await read.wait()
        await settle(pilot)
        value = lambda key: app.screen.query_one(f"#f-{key}").value  # noqa: E731
        assert (value("id_number"), value("name"), value("identity_check")) == (NUMBER, "张三", "reader")
        assert app.focused.id == "f-mobile"
        await pilot.press(*"13812347777", "f9")
        await settle(pilot)
        assert app.screen.STEP == "materials"
    stored = _stored(app, draft_id)
    assert stored.identity_check == "reader" and stored.applicant_id is not None


@pilot_test
async def test_a_typed_applicant_is_recorded_as_checked_against_the_original(tmp_path, catalog):
    from tests.factories import resident_id

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(120, 36)) as pilot:
        await logged_in(app, pilot)
        draft_id = new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        for key, text in (("id_number", resident_id(71, born=date(1990, 3, 3))), ("name", "王五"),
                          ("mobile", "13700002222")):
            app.screen.query_one(f"#f-{key}", Input).focus()
            await pilot.press(*text)
        app.screen.query_one("#f-identity_check").value = "face"
        await pilot.press("f9")
        await settle(pilot)
        assert app.screen.STEP == "materials"
    assert _stored(app, draft_id).identity_check == "face"
