"""Faults of the machine end in one sentence and the right exit code, and leave nothing half-done:
a read-only database, a full disk, a file-size limit (``ulimit -f``), a number too large."""

from __future__ import annotations

import errno
import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.store.models import Application, Staff
from tests.batch_helpers import batch_folder, example_row, write_jsonl
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CARD = ["card", "ZC-JYKN-001", "--region", "430626", "--answer", "category=laid_off", "--answer", "flexible=yes",
        "--answer", "bank=yes"]


def read_only_url(db_url: str) -> str:
    """The same database opened read-only: SQLite's ``mode=ro``, PostgreSQL's read-only transactions."""
    if db_url.startswith("sqlite:///"):
        return f"sqlite:///file:{db_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    from urllib.parse import parse_qs, quote, urlparse

    options = parse_qs(urlparse(db_url).query)["options"][0]
    return db_url.replace(quote(options), quote(f"{options} -cdefault_transaction_read_only=on"))


def one_sentence(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_write_to_a_read_only_database_is_one_sentence_and_changes_nothing(settings, session, supervisor,
                                                                            clerk):
    runner = CliRunner()
    url = read_only_url(settings.db_url)
    result = runner.invoke(app, ["--home", str(settings.home), "--db", url, "staff", "disable", "c03",
                                 "--staff", "sup01"], env={"COUNTERDESK_PASSWORD": PASSWORD})
    assert result.exit_code == 1
    assert "只读" in one_sentence(result.stderr)
    session.expire_all()
    assert session.get(Staff, "c03").active


def test_a_window_number_too_large_is_refused_as_input(settings, session, supervisor):
    runner = CliRunner()
    result = runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, "queue", "--window",
                                 "99999999999999999999999"])
    assert result.exit_code == 2
    assert "窗口号" in one_sentence(result.stderr)


def test_a_full_disk_while_writing_a_paper_leaves_no_partial_file(settings, session, supervisor, monkeypatch,
                                                                  tmp_path):
    from counterdesk.documents import output

    def disk_full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", disk_full)
    out = tmp_path / "out" / "明白卡.pdf"
    result = CliRunner().invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *CARD, "-o", str(out)])
    assert result.exit_code == 1
    assert "磁盘空间已满" in one_sentence(result.stderr)
    assert list(out.parent.iterdir()) == []


def _limited(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_file_size_limit_while_writing_a_paper_is_one_sentence(settings, session, supervisor, tmp_path):
    out = tmp_path / "out" / "明白卡.pdf"
    out.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Room for SQLite's 32 KB shared-memory file, not for the card (about 60 KB with its font).
    limit = 48 * 1024
    done = subprocess.run([sys.executable, "-m", "counterdesk", "--home", str(settings.home), "--db",
                           settings.db_url, *CARD, "-o", str(out)], env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limited(limit))
    assert done.returncode == 1, done.stderr
    assert "文件大小超出了系统限制" in one_sentence(done.stderr)
    assert list(out.parent.iterdir()) == []


@pytest.mark.slow
def test_a_file_size_limit_during_a_batch_import_rolls_back_the_chunk(sqlite_db_url, tmp_path):
    from counterdesk.services.audit import verify_all
    from counterdesk.services.staff import add_staff
    from counterdesk.store.engine import open_database

    engine = open_database(sqlite_db_url)
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD)
    db = Path(sqlite_db_url.removeprefix("sqlite:///"))
    rows = [example_row(f"r-{i:04d}", remark="带了户口簿原件和复印件" * 10) for i in range(400)]
    path = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", rows)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    limit = max(p.stat().st_size for p in db.parent.iterdir() if p.is_file()) + 256 * 1024
    env = {**os.environ, "COUNTERDESK_PASSWORD": PASSWORD, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "counterdesk", "--home", str(tmp_path), "--db", sqlite_db_url,
                           "batch", "import", str(path), "--staff", "sup01", "--json", "--chunk-size", "20"],
                          env=env, capture_output=True, text=True, timeout=300, preexec_fn=_limited(limit))
    assert done.returncode == 1, done.stderr
    assert "撤销" in one_sentence(done.stderr)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        events = conn.execute("SELECT count(*) FROM status_event").fetchone()[0]
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Application)).one()
        assert stored % 20 == 0 and stored < len(rows) and events == stored
        assert all(brk is None for _, brk in verify_all(session).values())
    engine.dispose()
    assert json.loads(done.stdout or "null") is None
