"""How the rating pad looks at 80×24: the five grades in large type, and the reasons of a 差评.

Update after a deliberate change of layout with ``pytest --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from counterdesk.services import ratings
from tests.factories import submitted_application
from tests.functional.test_tui_pad import hall, pad_app, until
from tests.functional.tui_helpers import CLERK, FROZEN, still_cursors


@pytest.fixture
def pad(tmp_path, catalog, monkeypatch):
    """Window 3's pad with the guide's example waiting for its rating (the number of a frozen day)."""
    monkeypatch.setattr("counterdesk.services.applications.now", lambda: FROZEN)
    monkeypatch.setattr("counterdesk.services.submit.now", lambda: FROZEN)  # the number carries the day
    settings, engine = hall(tmp_path, catalog)
    with Session(engine) as session:
        application = submitted_application(session, CLERK, catalog, settings)
        ratings.request_rating(session, actor=CLERK, application_id=application.id)
    return pad_app(settings, engine, catalog)


def test_pad_asks_for_one_of_five_grades(snap_compare, pad):
    async def run_before(pilot) -> None:
        await until(pilot, lambda: pad.screen.state == "grades")

    assert snap_compare(pad, terminal_size=(80, 24), run_before=run_before)


def test_pad_asks_why_after_a_bad_grade(snap_compare, pad):
    async def run_before(pilot) -> None:
        await until(pilot, lambda: pad.screen.state == "grades")
        await pilot.press("4", "1", "5")
        still_cursors(pad)

    assert snap_compare(pad, terminal_size=(80, 24), run_before=run_before)
