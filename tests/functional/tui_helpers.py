"""Shared helpers for the TUI's Pilot and snapshot tests: a counter in 平江县 with clerk 李娜 at window 3.

Pilot tests run on SQLite only (the services are tested on both backends elsewhere), so a whole
wizard test takes a second or two.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from counterdesk.config import Settings, SmtpSettings, sqlite_url
from counterdesk.domain.clock import CST
from counterdesk.services.hall import set_hall
from counterdesk.services.staff import Actor, add_staff
from counterdesk.tui.app import CounterdeskApp
from counterdesk.tui.context import DeskContext
from tests.conftest import PASSWORD

PINGJIANG = "430626"
EXAMPLE_MATTER = "ZC-JYKN-001"
HALL_NAME = "平江县政务服务中心"
CLERK = Actor("c03", "李娜", "clerk", 3)
FROZEN = datetime(2026, 11, 24, 9, 30, 0, tzinfo=CST)
"""The clock shown in snapshots."""


def desk_settings(home: Path, smtp: SmtpSettings | None = None) -> Settings:
    """A working home with an SQLite database and an empty scanner inbox (no mail relay by default)."""
    (home / "scans").mkdir(parents=True, exist_ok=True)
    return Settings(home=home, db_url=sqlite_url(home / "data" / "counterdesk.db"), scans_dir=home / "scans",
                    smtp=smtp or SmtpSettings())


def desk_app(home: Path, catalog, *, hall_county: str = PINGJIANG,
             smtp: SmtpSettings | None = None) -> CounterdeskApp:
    """An app over a fresh database: a supervisor, clerk 李娜 and the hall set to ``hall_county``."""
    from counterdesk.store.engine import open_database

    settings = desk_settings(home, smtp)
    shutil.copytree(_template_data(hall_county, catalog), home / "data", dirs_exist_ok=True)
    engine = open_database(settings.db_url)
    app = CounterdeskApp(settings, ctx=DeskContext(settings, engine=engine, catalog=catalog))
    LIVE_APPS.append(app)
    return app


_TEMPLATES: dict[str, Path] = {}


def _template_data(hall_county: str, catalog) -> Path:
    """The ``data/`` folder (database, audit key and anchor) of a home set up once per process and hall.

    Copying it saves migrating a new database and hashing two passwords (0.3 s of CPU) in every
    Pilot test, and in every example of the model-based one.
    """
    from counterdesk.store.engine import open_database

    if hall_county not in _TEMPLATES:
        home = Path(tempfile.mkdtemp(prefix="counterdesk-template-"))
        atexit.register(shutil.rmtree, home, True)
        settings = desk_settings(home)
        engine = open_database(settings.db_url)
        with Session(engine) as session:
            add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD,
                      window=1)
            supervisor = Actor("sup01", "王科长", "supervisor", 1)
            add_staff(session, actor=supervisor, staff_id=CLERK.id, name=CLERK.name, role="clerk",
                      password=PASSWORD, window=CLERK.window)
            set_hall(session, actor_id="sup01", name=HALL_NAME, county_code=hall_county, catalog=catalog)
        engine.dispose()
        _TEMPLATES[hall_county] = home / "data"
    return _TEMPLATES[hall_county]


async def logged_in(app: CounterdeskApp, pilot, actor: Actor = CLERK) -> None:
    """Skip the login screen: the clerk is at home once the database has been read."""
    await pilot.pause()
    app.ctx.actor = actor
    app.logged_in()
    await pilot.pause()


async def _workers_done(app) -> None:
    """Wait for the app's workers; one cancelled meanwhile (an exclusive worker replaced by a newer
    one, or its screen closed) is an ordinary end, then the rest are waited for."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def settle(pilot) -> None:
    """Let workers finish, their results reach the screen, and its tables size their columns."""
    await _workers_done(pilot.app)
    await pilot.pause()
    await _workers_done(pilot.app)
    await pilot.pause()
    await _tables_sized(pilot)


async def _tables_sized(pilot) -> None:
    """A DataTable fits its columns to rows just added on its own next idle: on a loaded machine that
    came after a snapshot was taken, and the 办理地 column was drawn as narrow as its heading. The
    flag is Textual's own (a private name: tests only)."""
    from textual.widgets import DataTable

    for _ in range(200):
        if not any(table._require_update_dimensions for table in pilot.app.screen.query(DataTable)):
            return
        await pilot.pause(0.01)


async def start_at(app: CounterdeskApp, pilot, step: str, *, matter: str = EXAMPLE_MATTER,
                   county: str = PINGJIANG, answers: dict[str, str] | None = None) -> int:
    """Start a draft through the services (answers stored) and open the wizard at ``step``; returns its id."""
    from counterdesk.services.applications import save_answers, start_draft

    ctx = app.ctx
    with ctx.session() as session:
        application = start_draft(session, actor=ctx.actor, catalog=ctx.catalog, matter_code=matter,
                                  county_code=county)
        if answers:
            save_answers(session, actor=ctx.actor, catalog=ctx.catalog, application_id=application.id,
                         answers=answers)
    await open_step(app, pilot, step, application.id)
    return application.id


def stored_answers(app: CounterdeskApp, application_id: int) -> dict[str, str]:
    """The guidance answers in the database."""
    from counterdesk.services.applications import answers_of

    return app.ctx.call(answers_of, application_id)


def freeze_clock(monkeypatch) -> None:
    """The header's clock at FROZEN, so snapshots do not change by the second."""
    monkeypatch.setattr("counterdesk.tui.widgets.header.now", lambda: FROZEN)


def still_cursors(app: CounterdeskApp) -> None:
    """Stop every Input's cursor from blinking (snapshots)."""
    from textual.widgets import Input

    for field in app.screen.query(Input):
        field.cursor_blink = False


class Mailbox:
    """A local SMTP relay (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def smtp(self):
        """Settings pointing at this relay (no TLS: it is local)."""
        from counterdesk.config import SmtpSettings

        return SmtpSettings(host="127.0.0.1", port=self.port, sender="hall@pingjiang.example.cn", starttls=False)


async def open_step(app: CounterdeskApp, pilot, step: str, application_id: int) -> None:
    """Open the wizard at ``step`` for a stored draft, as resuming it from home would."""
    from counterdesk.services.applications import answers_of, get
    from counterdesk.tui.wizard import Draft, go

    with app.ctx.session() as session:
        application = get(session, actor=app.ctx.actor, application_id=application_id)
        answers = answers_of(session, application_id)
    go(app, step, Draft(application.matter_code, application.county_code, application.id, answers,
                        application.number))
    await settle(pilot)


def plain(widget) -> str:
    """What a Static shows, as plain text (Rich tables included), for assertions."""
    import io

    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def pilot_test(scenario):
    """Run an ``async def`` Pilot test under plain pytest (no asyncio plugin is installed)."""
    import asyncio
    import functools

    @functools.wraps(scenario)
    def run(*args, **kwargs):
        return asyncio.run(scenario(*args, **kwargs))

    return run


LIVE_APPS: list[CounterdeskApp] = []
"""Apps made by ``desk_app`` during the current test, checked afterwards for caught errors."""
