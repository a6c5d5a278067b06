"""The ``counterdesk`` program as a script runs it: once a command is done the process ends without
tearing every module down, yet with all its output, its exit code and the database closed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import submitted_application

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def number(session, engine, clerk, catalog, settings) -> str:
    found = submitted_application(session, clerk, catalog, settings).number
    session.commit()
    session.close()
    engine.dispose()  # the program's connection is then the last one, as at a window
    return found


def counterdesk(settings, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "counterdesk", "--home", str(settings.home), "--db", settings.db_url,
                           *args], env={**os.environ, "PYTHONPATH": str(ROOT), **env}, capture_output=True, text=True,
                          timeout=120)


def test_a_finished_command_leaves_its_whole_output_its_exit_code_and_a_closed_database(settings, number) -> None:
    done = counterdesk(settings, "status", number, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["number"] == number and done.stderr == ""
    if settings.db_url.startswith("sqlite:///"):
        db = Path(settings.db_url.removeprefix("sqlite:///"))
        assert not db.with_name(db.name + "-wal").exists()  # the last connection closed: the log merged back

    missing = number[:-1] + ("0" if number[-1] != "0" else "1")
    refused = counterdesk(settings, "status", missing, "--json")
    assert refused.returncode == 2 and refused.stdout == ""
    assert len(refused.stderr.strip().splitlines()) == 1 and "校验位" in refused.stderr


def test_a_long_output_into_a_pipe_arrives_whole(settings, tmp_path) -> None:
    from tests.bench.synthetic import build_catalog

    folder = build_catalog(tmp_path / "big", 600)
    done = counterdesk(settings, "catalog", "search", "--json", COUNTERDESK_CATALOG=str(folder))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) > 65536 and len(json.loads(done.stdout)) == 601  # more than a pipe holds at once


def test_commands_run_in_process_leave_no_engine_and_no_connection_behind(settings, number) -> None:
    """CliRunner runs commands inside the test process: each one's engine, and with it its pool of
    connections, must go with the command (once an exit handler held them all: PostgreSQL ran out of
    connections halfway through the suite)."""
    import gc

    from typer.testing import CliRunner

    from counterdesk.cli.common import _OPEN_ENGINES
    from counterdesk.cli.main import app

    for _ in range(3):
        result = CliRunner().invoke(app, ["--home", str(settings.home), "--db", settings.db_url, "status", number])
        assert result.exit_code == 0, result.output
    del result  # its exception info, if any, would keep the last command's frames
    gc.collect()
    assert len(_OPEN_ENGINES) == 0
