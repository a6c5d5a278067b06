"""The error guard keeps the app running, so a failing handler would pass unseen: every pilot
test fails when the guard caught anything, unless it asks for ``expect_unexpected_errors``.
"""

from __future__ import annotations

import pytest

from tests.functional.tui_helpers import LIVE_APPS


@pytest.fixture(autouse=True)
def no_unexpected_errors(request):
    LIVE_APPS.clear()
    yield
    if "expect_unexpected_errors" in request.fixturenames:
        return
    caught = [error for app in LIVE_APPS for error in app.unexpected_errors]
    LIVE_APPS.clear()
    assert not caught, f"the error guard caught: {caught!r}"


@pytest.fixture
def expect_unexpected_errors():
    """This test provokes errors on purpose; the guard's catch is what it checks."""
    LIVE_APPS.clear()


@pytest.fixture
def cli(settings):
    """Run ``counterdesk`` on the test's home and database, with the staff password in the environment."""
    from typer.testing import CliRunner

    from counterdesk.cli.main import app
    from tests.conftest import PASSWORD

    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke
