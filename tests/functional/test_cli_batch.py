"""``counterdesk batch``, ``export`` and ``licenses`` as scripts use them, and a real import killed mid-way."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from counterdesk.cli.main import app
from tests.batch_helpers import batch_folder, example_row, read_jsonl, shop_row, write_jsonl
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {"total", "imported", "duplicates", "rejected", "numbers"}


@pytest.fixture
def run(settings, session, supervisor, clerk):
    """Run ``counterdesk`` against the test database (accounts sup01 and c03 exist)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke


def test_import_prints_one_json_document_and_exits_0(run, tmp_path):
    path = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [example_row("r-1"), shop_row("s-1")])
    result = run("batch", "import", str(path), "--staff", "c03", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert RESULT_KEYS <= data.keys()
    assert (data["total"], data["imported"], data["duplicates"], data["rejected"]) == (2, 2, 0, 0)
    assert len(data["numbers"]) == 2


def test_some_rows_rejected_exits_1_and_writes_the_rejects_where_asked(run, tmp_path):
    folder = batch_folder(tmp_path)
    path = write_jsonl(folder / "rows.jsonl", [example_row("r-1"), example_row("r-2", county="430699")])
    rejects = tmp_path / "fix" / "rejects.jsonl"
    result = run("batch", "import", str(path), "--staff", "c03", "--rejects", str(rejects))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["imported"], data["rejected"], data["rejects_file"]) == (1, 1, str(rejects))
    assert [(r["_line"], r["ref"]) for r in read_jsonl(rejects)] == [(2, "r-2")]


def test_unreadable_file_exits_2_naming_the_reason(run, tmp_path):
    path = batch_folder(tmp_path) / "gbk.csv"
    path.write_bytes("ref,matter,county\nr-1,ZC-JYKN-001,平江\n".encode("gbk"))
    result = run("batch", "import", str(path), "--staff", "c03", "--json")
    assert result.exit_code == 2
    assert "GBK" in result.stderr and "Traceback" not in result.output
    assert result.stdout == ""


def test_dry_run_from_the_command_line_stores_nothing(run, tmp_path, session):
    from sqlmodel import select

    from counterdesk.store.models import Application

    path = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [example_row("r-1")])
    result = run("batch", "import", str(path), "--staff", "c03", "--dry-run", "--json")
    assert (result.exit_code, json.loads(result.stdout)["imported"]) == (0, 1)
    assert session.exec(select(Application)).all() == []


def test_template_prints_an_importable_row_shape(run):
    jsonl = run("batch", "template", "ZC-JYKN-001")
    row = json.loads(jsonl.stdout)
    assert row["matter"] == "ZC-JYKN-001" and set(row["_questions"]) == {"category", "flexible", "bank"}
    csv_out = run("batch", "template", "QY-KBLD-001", "--format", "csv", "--county", "430626")
    header = csv_out.stdout.splitlines()[0].split(",")
    assert header[:3] == ["ref", "matter", "county"] and "applicant.credit_code" in header
    assert "attachments.M08" in header and "answers.tobacco：" in csv_out.stderr
    assert run("batch", "template", "NOPE-1").exit_code == 2


def test_export_then_import_through_the_command_line(run, tmp_path):
    path = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [example_row("r-1")])
    run("batch", "import", str(path), "--staff", "c03")
    out = tmp_path / "export" / "all.jsonl"
    exported = run("export", "-o", str(out), "--staff", "sup01", "--json")
    assert (exported.exit_code, json.loads(exported.stdout)["exported"]) == (0, 1)
    assert run("export", "-o", str(out), "--staff", "c03").exit_code == 2
    assert run("export", "-o", str(out), "--date", "24/11/2026", "--staff", "sup01").exit_code == 2
    again = json.loads(run("batch", "import", str(out), "--staff", "c03").stdout)
    assert (again["duplicates"], again["imported"]) == (1, 0)


def test_sample_files_import_and_their_csv_twin_gives_duplicates(run):
    samples = ROOT / "data" / "samples"
    first = json.loads(run("batch", "import", str(samples / "applications.jsonl"), "--staff", "c03").stdout)
    twin = json.loads(run("batch", "import", str(samples / "applications.csv"), "--staff", "c03").stdout)
    licences = json.loads(run("licenses", "import", str(samples / "licenses.jsonl"), "--staff", "sup01").stdout)
    assert (first["imported"], twin["duplicates"], licences["imported"]) == (3, 3, 3)


def test_summary_on_a_terminal_shows_markup_and_escapes_literally():
    from rich.console import Console

    from counterdesk.cli.batch import _summary
    from counterdesk.services.batch import BatchResult, Rejection

    result = BatchResult(total=1, rejections=[Rejection(1, "unknown_option", "没有选项 [bold]x[/bold]\x1b[31m")])
    console = Console(file=io.StringIO(), width=200, color_system=None)
    _summary(result, console, "导入")
    shown = console.file.getvalue()
    assert "[bold]x[/bold]\\u001b[31m" in shown and "\x1b" not in shown


def import_command(home: Path, db: Path, path: Path) -> list[str]:
    return [sys.executable, "-m", "counterdesk", "--home", str(home), "--db", f"sqlite:///{db}", "batch", "import",
            str(path), "--staff", "sup01", "--json", "--chunk-size", "10"]


def applications_in(db: Path) -> int:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM application").fetchone()[0]


@pytest.mark.slow
def test_import_killed_mid_way_leaves_a_consistent_database_and_a_rerun_imports_exactly_the_rest(
        sqlite_db_url, tmp_path):
    from counterdesk.services.audit import verify_all
    from counterdesk.services.staff import add_staff
    from counterdesk.store.engine import open_database

    engine = open_database(sqlite_db_url)
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD)
    db = Path(sqlite_db_url.removeprefix("sqlite:///"))
    total = 600
    path = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [example_row(f"r-{i:04d}") for i in range(total)])
    env = {**os.environ, "COUNTERDESK_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(import_command(tmp_path, db, path), env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    landed = 0
    while time.monotonic() < deadline and process.poll() is None:
        landed = applications_in(db)
        if landed >= 30:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = applications_in(db)
    assert 30 <= before < total, "the import finished before it could be killed"

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = conn.execute("SELECT count(*) FROM status_event").fetchone()[0]
        last = conn.execute("SELECT last FROM number_sequence").fetchone()[0]
    assert before % 10 == 0 and events == before and last == before

    rerun = subprocess.run(import_command(tmp_path, db, path), env=env, capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()
    data = json.loads(rerun.stdout)
    assert (data["total"], data["duplicates"], data["imported"], data["rejected"]) == (total, before, total - before, 0)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        refs = conn.execute("SELECT count(DISTINCT ref), count(*) FROM application").fetchone()
        seqs = sorted(int(n.split("-")[3]) for (n,) in conn.execute("SELECT number FROM application"))
    assert refs == (total, total) and seqs == list(range(1, total + 1))
    with Session(engine) as session:
        assert all(brk is None for _, brk in verify_all(session).values())
    engine.dispose()
