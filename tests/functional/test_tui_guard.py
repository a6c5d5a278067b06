"""No worker or handler can take the counter down: a Chinese message, a log line without personal
data, and the draft still opens.
"""

from __future__ import annotations

import stat

from counterdesk.tui.guard import UNEXPECTED, log_path
from counterdesk.tui.screens.applicant import ApplicantScreen
from counterdesk.tui.screens.home import HomeScreen
from counterdesk.tui.screens.lookup import LookupScreen
from tests.factories import resident_id
from tests.functional.test_tui_applicant_kinds import new_draft
from tests.functional.tui_helpers import desk_app, logged_in, open_step, pilot_test, settle

SECRET_ID = resident_id(41)
SECRET_NAME = "赵秘密"


class BrokenStore(RuntimeError):
    """A fault from deep below, whose text carries an applicant's data."""


def _broken(*args, **kwargs):
    raise BrokenStore(f"{SECRET_NAME} {SECRET_ID} could not be read")


def _toasts(app) -> str:
    return "".join(f"{n.title} {n.message}" for n in app._notifications)


def _logged(tmp_path) -> str:
    path = log_path(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text(encoding="utf-8")


@pilot_test
async def test_a_failing_service_in_a_worker_is_a_message_and_a_log_line_not_an_exit(
        tmp_path, catalog, monkeypatch, expect_unexpected_errors):
    app = desk_app(tmp_path, catalog)
    monkeypatch.setattr("counterdesk.services.applications.drafts_of_window", _broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await settle(pilot)
        assert [type(e) for e in app.unexpected_errors] == [BrokenStore]
        assert isinstance(app.screen, HomeScreen) and app.is_running
        assert "意外错误" in _toasts(app)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
    assert app.return_code is None or app.return_code == 0
    logged = _logged(tmp_path)
    assert "BrokenStore" in logged and "load_drafts" in logged
    assert SECRET_NAME not in logged and SECRET_ID not in logged


@pilot_test
async def test_a_failing_handler_on_the_form_closes_it_and_the_draft_opens_again(
        tmp_path, catalog, monkeypatch, expect_unexpected_errors):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        draft_id = new_draft(app)
        await open_step(app, pilot, "applicant", draft_id)
        with monkeypatch.context() as patch:
            patch.setattr("counterdesk.tui.screens.applicant.resident_facts", _broken)
            await pilot.press("4")
            await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert [type(e) for e in app.unexpected_errors] == [BrokenStore]
        assert UNEXPECTED[:6] in _toasts(app)
        await open_step(app, pilot, "applicant", draft_id)
        assert isinstance(app.screen, ApplicantScreen)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one("#f-id_number").value.endswith("3")
    assert app.return_code in (None, 0)
    assert SECRET_ID not in _logged(tmp_path)


@pilot_test
async def test_a_failure_behind_the_idle_lock_leaves_the_screen_locked(
        tmp_path, catalog, expect_unexpected_errors):
    """A worker's answer that fails on the form while the screen is locked closes the form, not
    the lock: the citizen's data stays hidden until the clerk's password is given."""
    from counterdesk.tui.base import ServiceReturned
    from counterdesk.tui.screens.lock import LockScreen

    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        form = app.screen
        app.action_lock()
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        form.post_message(ServiceReturned(None, _broken))
        await settle(pilot)
        assert [type(e) for e in app.unexpected_errors] == [BrokenStore]
        assert isinstance(app.screen, LockScreen)
        assert not any(isinstance(screen, ApplicantScreen) for screen in app.screen_stack)
        assert app.focused is app.screen.query_one("#lock-password")
