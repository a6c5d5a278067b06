"""A power cut in the middle of the applicant form: the real ``counterdesk`` in a terminal, killed
with SIGKILL, and the draft resumed from home with what was typed.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select
from textual.widgets import Input

from counterdesk.store.models import Application, AuditEntry, GuidanceAnswer
from counterdesk.tui.screens.applicant import ApplicantScreen
from tests.conftest import PASSWORD
from tests.factories import resident_id
from tests.functional.tui_helpers import desk_app, logged_in, pilot_test, settle

_ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")


class Terminal:
    """``counterdesk`` running in a pseudo-terminal of 100×30; keys are typed as bytes."""

    def __init__(self, home: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "COUNTERDESK_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": "100",
               "LINES": "30"}
        env.pop("COUNTERDESK_DB_URL", None)
        self.process = subprocess.Popen([sys.executable, "-m", "counterdesk"], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, close_fds=True, start_new_session=True)
        os.close(slave)
        self.master = master
        self.drawn = bytearray()
        """Everything the app drew, read by a thread: the app blocks once the terminal's buffer is full."""
        self._seen = 0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        try:
            while chunk := os.read(self.master, 65536):
                self.drawn += chunk
        except OSError:
            pass

    def wait_for_text(self, text: str, timeout: float = 120.0) -> None:
        """Wait until the app draws ``text`` (after what was already waited for).

        A screen's text is drawn after its ``on_mount`` has run, so keys typed from then on reach it.
        ``timeout`` only turns a hang into a failure on a loaded machine.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = _ANSI.sub("", bytes(self.drawn[self._seen:]).decode("utf-8", "ignore"))
            if text in shown:
                self._seen = len(self.drawn)
                return
            time.sleep(0.1)
        raise AssertionError(f"the terminal never showed {text!r}")

    def type(self, text: str, pause: float = 0.05) -> None:
        for char in text:
            os.write(self.master, char.encode())
            time.sleep(pause)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def _wait_for(engine, check, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            found = check(session)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _draft(session) -> Application | None:
    return session.exec(select(Application)).first()


@pilot_test
async def test_a_killed_counter_loses_nothing_typed_on_the_applicant_form(tmp_path, catalog):
    app = desk_app(tmp_path, catalog)
    engine = app.ctx.engine
    id_number = resident_id(21)
    terminal = Terminal(tmp_path)
    try:
        terminal.wait_for_text("工作人员登录")
        terminal.type("c03\r")
        terminal.type(PASSWORD + "\r")
        _wait_for(engine, lambda s: s.exec(select(AuditEntry).where(AuditEntry.action == "login")).first(), "login")
        terminal.wait_for_text("新建办件")
        terminal.type("n")
        terminal.wait_for_text("找事项")
        terminal.type("jykn")
        terminal.wait_for_text("我要申请认定为就业困难人员")
        terminal.type("\r")
        terminal.wait_for_text("选择办理地点")
        terminal.type("\r")
        _wait_for(engine, _draft, "the draft in 平江县")
        terminal.wait_for_text("申请人属于以下哪类人员")
        for answered in range(1, 4):
            # Each answer may bring the next question on screen: the next key waits for the save.
            terminal.type("1")
            _wait_for(engine, lambda s, n=answered: len(s.exec(select(GuidanceAnswer)).all()) == n,
                      f"answer {answered}")
        terminal.type("\r")
        _wait_for(engine, lambda s: _draft(s).step == "guide", "the guide")
        terminal.type("\r")
        _wait_for(engine, lambda s: _draft(s).step == "applicant", "the applicant form")
        terminal.wait_for_text("先录此项，老用户自动调出")
        terminal.type(id_number + "\r")
        terminal.type("张三\r")
        terminal.type("1381234")

        def typed(session):
            form = json.loads(_draft(session).form_json or "{}")
            return form.get("mobile") == "1381234" and form.get("name") == "张三"

        _wait_for(engine, typed, "the autosave of the typed form")
    finally:
        terminal.kill()
    assert terminal.process.returncode == -signal.SIGKILL

    async with app.run_test(size=(100, 30)) as pilot:
        await logged_in(app, pilot)
        await settle(pilot)
        await pilot.press("r", "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApplicantScreen)
        assert screen.query_one("#f-id_number", Input).value == id_number
        assert screen.query_one("#f-name", Input).value == "张三"
        assert screen.query_one("#f-mobile", Input).value == "1381234"
        assert "手机号码应为11位" in str(screen.query_one("#msg-mobile").content)
