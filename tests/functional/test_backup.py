"""Backup while windows work, and restore with every application and attachment reference."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.services.attachments import store_of
from counterdesk.services.backup import backup, restore
from counterdesk.store.engine import open_database
from counterdesk.store.models import Application, Attachment
from tests.factories import submitted_application


def test_backup_then_restore_finds_every_application_and_attachment(tmp_path, sqlite_db_url, catalog):
    from counterdesk.config import Settings
    from counterdesk.services.staff import Actor, add_staff

    scans = tmp_path / "scans"
    scans.mkdir()
    settings = Settings(home=tmp_path, db_url=sqlite_db_url, scans_dir=scans)
    engine = open_database(sqlite_db_url)
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor",
                  password="counter-2026", window=1)
        actor = Actor("sup01", "王科长", "supervisor", 1)
        numbers = [submitted_application(session, actor, catalog, settings).number for _ in range(3)]
        hashes = set(session.exec(select(Attachment.sha256)).all())
    copy = backup(engine, tmp_path / "backups" / "hall.db")
    assert copy.stat().st_mode & 0o777 == 0o600
    with Session(engine) as session:
        submitted_application(session, actor, catalog, settings)
    engine.dispose()

    report = restore(sqlite_db_url, copy, store_of(settings))
    assert (report.applications, report.missing_files) == (3, [])
    assert report.attachments == 18
    engine = open_database(sqlite_db_url)
    with Session(engine) as session:
        assert sorted(session.exec(select(Application.number)).all()) == sorted(numbers)
        assert set(session.exec(select(Attachment.sha256)).all()) == hashes
    engine.dispose()


def test_restore_names_attachments_missing_from_the_store(tmp_path, sqlite_db_url, session, supervisor, catalog,
                                                          settings):
    if not settings.db_url.startswith("sqlite"):
        pytest.skip("backup and restore are for the embedded SQLite database; PostgreSQL uses pg_dump")
    submitted_application(session, supervisor, catalog, settings)
    session.commit()
    copy = backup(session.get_bind(), tmp_path / "hall-backup.db")
    for stored in settings.store_dir.rglob("*"):
        if stored.is_file():
            stored.unlink()
    report = restore(settings.db_url, copy, store_of(settings))
    assert len(report.missing_files) == 6


def test_backup_command_refuses_to_overwrite_and_restore_wants_confirmation(tmp_path):
    runner = CliRunner()
    home = ["--home", str(tmp_path)]
    target = tmp_path / "b.db"
    assert runner.invoke(app, [*home, "init"]).exit_code == 0
    first = runner.invoke(app, [*home, "backup", str(target)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, [*home, "backup", str(target)])
    assert again.exit_code == 2 and "已存在" in again.output
    unconfirmed = runner.invoke(app, [*home, "restore", str(target)])
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    restored = runner.invoke(app, [*home, "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
