"""Every command that writes a file (card, receipt, notice, packet, report, export, backup) writes it
owner-only and whole, replaces an existing file only with --force, and never a device, a folder
or a symbolic link: each refusal is one sentence and exit 2."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.config import Settings
from counterdesk.domain.clock import today
from counterdesk.services import supplements
from counterdesk.services.detail import save_packet
from tests.conftest import PASSWORD
from tests.factories import submitted_application


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        env = {"COUNTERDESK_SCANS": str(settings.scans_dir), "COUNTERDESK_PASSWORD": PASSWORD}
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args], env=env)

    return invoke


@pytest.fixture
def number(session, supervisor, catalog, settings) -> str:
    """One application submitted today at window 1, with its six scans, asked for one more paper
    (so that every paper of it, the 一次性告知单 included, can be printed)."""
    application = submitted_application(session, supervisor, catalog, settings)
    session.commit()
    supplements.request(session, actor=supervisor, number_or_id=application.number, materials=["M01"],
                        reason="申报表缺少签字", catalog=catalog)
    return application.number


def writers(number: str) -> dict[str, tuple[str, ...]]:
    """Each writing command, its output path left to the test."""
    return {
        "card": ("card", "ZC-JYKN-001", "--region", "430626", "--answer", "category=laid_off",
                 "--answer", "flexible=no", "-o"),
        "receipt": ("receipt", number, "-o"),
        "notice": ("notice", number, "-o"),
        "packet": ("packet", number, "--staff", "sup01", "-o"),
        "report": ("report", "--date", today().isoformat(), "-o"),
        "report-csv": ("report", "--csv", "-o"),
        "export": ("export", "--staff", "sup01", "-o"),
    }


COMMANDS = ["card", "receipt", "notice", "packet", "report", "report-csv", "export"]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def refused_with_one_sentence(result, *words: str, exit_code: int = 2) -> None:
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_an_existing_file_is_replaced_only_with_force_and_written_owner_only(run, number, tmp_path, command):
    out = tmp_path / "out" / f"{command}.file"
    out.parent.mkdir()
    out.write_bytes(b"last week's file")
    args = writers(number)[command]
    refused_with_one_sentence(run(*args, str(out)), "已存在", "--force")
    assert out.read_bytes() == b"last week's file"
    done = run(*args, str(out), "--force")
    assert done.exit_code == 0, done.output
    assert out.read_bytes() != b"last week's file" and mode(out) == 0o600
    assert [name for name in os.listdir(out.parent) if name.startswith(".")] == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_device_a_fifo_a_folder_or_a_link_is_never_written_even_with_force(run, number, tmp_path, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.pdf"
    link.symlink_to(victim)
    args = writers(number)[command]
    for target, word in ((Path("/dev/null"), "特殊文件"), (fifo, "特殊文件"), (folder, "文件夹"), (link, "符号链接")):
        refused_with_one_sentence(run(*args, str(target), "--force"), word)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode) and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert os.listdir(folder) == [] and link.is_symlink() and victim.read_text() == "keep me"


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_midway_is_a_sentence_and_leaves_nothing(run, number, tmp_path, monkeypatch, command):
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    out = tmp_path / "out" / "file"
    out.parent.mkdir()
    monkeypatch.setattr(os, "fsync", full)
    # The machine refused, not the request: exit 1, as every fault.
    refused_with_one_sentence(run(*writers(number)[command], str(out)), "无法写入", "磁盘空间已满", "未留下任何文件",
                              exit_code=1)
    assert os.listdir(out.parent) == []


def test_an_export_whose_stored_file_vanished_leaves_no_half_export(run, number, settings, tmp_path):
    victim = next(path for path in settings.store_dir.rglob("*") if path.is_file() and not path.name.startswith("."))
    victim.unlink()
    out = tmp_path / "out" / "export.jsonl"
    result = run("export", "--staff", "sup01", "-o", str(out))
    assert result.exit_code == 1 and "已不在附件库中" in result.stderr and "已停止导出" in result.stderr
    # Refused before anything is written: not even the folder appears.
    assert not out.parent.exists() or os.listdir(out.parent) == []


def test_an_export_replaces_its_folder_of_files_with_force(run, number, tmp_path):
    out = tmp_path / "export.jsonl"
    assert run("export", "--staff", "sup01", "-o", str(out)).exit_code == 0
    files = tmp_path / "export.jsonl.files"
    stale = files / "stale.pdf"
    stale.write_bytes(b"an earlier export's file")
    out.unlink()
    refused_with_one_sentence(run("export", "--staff", "sup01", "-o", str(out)), "export.jsonl.files", "--force")
    assert run("export", "--staff", "sup01", "-o", str(out), "--force").exit_code == 0
    assert not stale.exists() and os.listdir(files) == [number] and mode(files) == 0o700
    assert sorted(name for name in os.listdir(tmp_path) if "export" in name) == ["export.jsonl", "export.jsonl.files"]


def test_backup_replaces_an_earlier_backup_only_with_force(tmp_path, sqlite_db_url):
    runner = CliRunner()
    home = ["--home", str(tmp_path), "--db", sqlite_db_url]
    assert runner.invoke(app, [*home, "init"]).exit_code == 0
    target = tmp_path / "backups" / "hall.db"
    assert runner.invoke(app, [*home, "backup", str(target)]).exit_code == 0
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    again = runner.invoke(app, [*home, "backup", str(target)])
    refused_with_one_sentence(again, "已存在", "--force")
    assert runner.invoke(app, [*home, "backup", str(target), "--force"]).exit_code == 0
    refused_with_one_sentence(runner.invoke(app, [*home, "backup", "/dev/null", "--force"]), "特殊文件")
    assert sorted(os.listdir(target.parent)) == ["hall.db"]


def test_packets_saved_at_the_counter_go_to_an_owner_only_output_folder(session, supervisor, catalog, settings,
                                                                       number):
    delivered = save_packet(session, actor=supervisor, catalog=catalog, settings=settings, number_or_id=number)
    [saved] = settings.output_dir.iterdir()
    assert str(saved) in delivered.message
    assert mode(settings.output_dir) == 0o700 and mode(saved) == 0o600


def test_the_output_folder_is_owner_only_on_a_database_without_a_data_folder(tmp_path, session, supervisor, catalog,
                                                                            number, settings):
    home = tmp_path / "elsewhere"
    moved = Settings(home=home, db_url=settings.db_url, scans_dir=settings.scans_dir)
    save_packet(session, actor=supervisor, catalog=catalog, settings=moved, number_or_id=number)
    assert mode(home / "data") == 0o700 and mode(moved.output_dir) == 0o700
