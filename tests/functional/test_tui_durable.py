"""Durable on every key: a counter killed with SIGKILL right after typing has it all in the draft."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from counterdesk.config import sqlite_url
from counterdesk.store.models import Application
from tests.factories import resident_id

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
PROMISE_SECONDS = 0.3
"""The README's promise: what was typed is stored within 300 ms of the last key."""


def _typing_counter(home: Path, keys: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "tests.functional.typing_child", str(home), json.dumps(keys)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True)


def test_a_counter_killed_right_after_the_last_key_has_every_character_in_the_draft(tmp_path):
    number = resident_id(51)
    keys = [*number, "enter", *"张三", "enter", *"1381234777"]
    child = _typing_counter(tmp_path, keys)
    try:
        assert child.stdout.readline().strip() == "typed"
        # Not a wait for something to happen: the promise's own bound, after which nothing may be missing.
        time.sleep(PROMISE_SECONDS)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    engine = create_engine(sqlite_url(tmp_path / "data" / "counterdesk.db"))
    with Session(engine) as session:
        form = json.loads(session.exec(select(Application)).one().form_json)
    engine.dispose()
    assert (form["id_number"], form["name"], form["mobile"]) == (number, "张三", "1381234777")
