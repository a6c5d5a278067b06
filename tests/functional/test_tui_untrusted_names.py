"""An applicant's name that reached the database with escape sequences (an old import, a direct
edit) shows as visible escapes in home's resume list and in the lookup, never as terminal commands."""

from __future__ import annotations

import json

from sqlmodel import select
from textual.widgets import OptionList

from counterdesk.store.models import Applicant, Application
from counterdesk.tui.screens.lookup import LookupScreen
from tests.factories import draft_application, submitted_application
from tests.functional.tui_helpers import CLERK, desk_app, logged_in, pilot_test, plain, settle

HOSTILE = "\x1b]52;c;cm0gLXJmIH4K\x07[bold]张三"


def _rename_applicants(app, name: str) -> None:
    with app.ctx.session() as session:
        for applicant in session.exec(select(Applicant)):
            applicant.name = name
            session.add(applicant)
        # A submitted application shows the applicant as they were at submission (its snapshot).
        for application in session.exec(select(Application)):
            if application.applicant_json:
                snapshot = json.loads(application.applicant_json)
                snapshot["name"] = name
                application.applicant_json = json.dumps(snapshot, ensure_ascii=False)
                session.add(application)
        session.commit()


@pilot_test
async def test_home_lists_a_draft_whose_applicant_name_holds_escapes_as_visible_text(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            draft_application(session, CLERK, catalog)
        _rename_applicants(app, HOSTILE)
        app.screen.load_drafts()
        await settle(pilot)
        options = app.screen.query_one("#drafts", OptionList)
        label = options.get_option_at_index(0).prompt.plain
        assert "\x1b" not in label and "\x07" not in label
        assert "\\u001b]52;c;cm0gLXJmIH4K\\u0007[bold]张三" in label


@pilot_test
async def test_lookup_shows_the_masked_name_of_such_an_applicant_without_its_escape(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        with app.ctx.session() as session:
            number = submitted_application(session, CLERK, catalog, app.ctx.settings).number
        _rename_applicants(app, HOSTILE)
        app.push_screen(LookupScreen(text=number))
        await settle(pilot)
        shown_text = plain(app.screen.query_one("#lookup-results"))
        assert "\x1b" not in shown_text and "申请人 \\u001b***" in shown_text
