"""``scans gc`` while a batch import is between storing its files and committing its rows: the
import's files survive, gc waits or refuses, and only a supervisor may run it (audited)."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlmodel import select

from counterdesk.domain.errors import Conflict
from counterdesk.services import scans
from counterdesk.services.attachments import store_of
from counterdesk.store.models import Application, Attachment, AuditEntry
from tests.batch_helpers import batch_folder, example_row, write_jsonl
from tests.functional.concurrency_workers import import_held_before_commit


@pytest.mark.slow
def test_gc_during_an_import_never_deletes_the_files_of_rows_not_yet_committed(session, supervisor, settings,
                                                                               tmp_path):
    batch = write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [example_row(f"r-{i}") for i in range(3)])
    session.commit()
    spawn = multiprocessing.get_context("spawn")
    held, go, results = spawn.Event(), spawn.Event(), spawn.Queue()
    worker = spawn.Process(target=import_held_before_commit,
                           args=(settings.db_url, str(settings.home), str(batch), held, go, results))
    worker.start()
    try:
        assert held.wait(120), "the import never reached its commit"
        store = store_of(settings)
        waiting = sorted(p.name for p in store.root.glob("??/*"))
        assert len(waiting) == 6  # the chunk's scans, stored and named by no committed row yet

        with pytest.raises(Conflict) as busy:
            scans.collect_garbage(session, settings, actor=supervisor, apply=True, wait=0.2)
        assert busy.value.code == "store_busy"
        # A window on another machine that does not see the lock still spares files this young.
        assert store.gc(scans.referenced_hashes(session), dry_run=False, grace=scans.GRACE_SECONDS) == []
        session.commit()
        assert sorted(p.name for p in store.root.glob("??/*")) == waiting
    finally:
        go.set()
        outcome = results.get(timeout=120)
        worker.join(60)
    assert outcome == ("ok", 3)

    assert scans.collect_garbage(session, settings, actor=supervisor, apply=True) == []
    attached = session.exec(select(Attachment.sha256).join(Application)).all()
    assert len(attached) == 18 and all(store.verify(sha) for sha in attached)
    assert session.exec(select(AuditEntry.target).where(AuditEntry.action == "scans_gc")).all() == ["apply"]


def test_restore_and_hall_changes_need_a_supervisor_once_accounts_exist(session, clerk, settings, tmp_path):
    from typer.testing import CliRunner

    from counterdesk.cli.main import app
    from tests.conftest import PASSWORD

    session.commit()
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    renamed = run("init", "--hall-name", "平江县政务服务中心", "--county", "430626")
    assert renamed.exit_code == 2 and "--staff" in renamed.stderr
    by_clerk = run("init", "--hall-name", "平江县政务服务中心", "--county", "430626", "--staff", clerk.id)
    assert by_clerk.exit_code == 2 and "值班长" in by_clerk.stderr
    assert run("init", "--hall-name", "平江县政务服务中心", "--county", "430626", "--staff", "sup01").exit_code == 0
    assert run("init").exit_code == 0  # upgrading alone changes no data
    session.expire_all()
    hall_set = session.exec(select(AuditEntry.staff_id).where(AuditEntry.action == "hall_set")).all()
    assert hall_set == ["sup01"]
    if settings.db_url.startswith("sqlite"):
        backup = tmp_path / "backup.db"
        session.close()
        assert run("backup", str(backup)).exit_code == 0
        refused = run("restore", str(backup), "--yes", "--staff", clerk.id)
        assert refused.exit_code == 2 and "值班长" in refused.stderr
        assert run("restore", str(backup), "--yes", "--staff", "sup01").exit_code == 0
        restored = session.exec(select(AuditEntry.staff_id).where(AuditEntry.action == "restore")).all()
        assert restored == ["sup01"]
