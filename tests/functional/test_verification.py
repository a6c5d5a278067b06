"""A replaced scan in the attachment store is noticed wherever the store's bytes are used or vouched
for: the packet, the export, a restore and ``audit verify`` refuse and name the file."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.domain.errors import Conflict
from counterdesk.services.attachments import store_of
from counterdesk.store.models import Attachment
from tests.conftest import PASSWORD
from tests.factories import submitted_application


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD, "COUNTERDESK_SCANS": str(settings.scans_dir)})

    return invoke


def replace_a_scan(session, settings, application) -> Attachment:
    """Someone with access to the store swaps a scan's bytes for others of the same size."""
    attachment = session.exec(select(Attachment).where(Attachment.application_id == application.id)
                              .order_by(Attachment.id)).first()
    path = store_of(settings).path_of(attachment.sha256)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"scan", b"fake") if b"scan" in data else data[::-1])
    session.commit()  # end the read, so that the commands below get the database
    return attachment


def test_packet_refuses_a_replaced_scan_and_names_it(run, session, clerk, catalog, settings, tmp_path):
    application = submitted_application(session, clerk, catalog, settings)
    altered = replace_a_scan(session, settings, application)
    out = tmp_path / "packet.pdf"
    result = run("packet", application.number, "-o", str(out), "--staff", clerk.id)
    assert result.exit_code == 1, result.stderr
    assert altered.original_name in result.stderr and "不符" in result.stderr
    assert not out.exists()


def test_export_refuses_before_writing_anything(session, clerk, supervisor, catalog, settings, tmp_path):
    from counterdesk.services.export import export

    application = submitted_application(session, clerk, catalog, settings)
    replace_a_scan(session, settings, application)
    out = tmp_path / "out" / "day.jsonl"
    with pytest.raises(Conflict) as refused:
        export(session, actor=supervisor, settings=settings, out=out)
    assert refused.value.code == "file_altered" and application.number in refused.value.message
    assert not out.exists() and not out.with_name("day.jsonl.files").exists()


def test_audit_verify_names_a_replaced_scan_and_exits_1(run, session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    assert run("audit", "verify").exit_code == 0
    altered = replace_a_scan(session, settings, application)
    result = run("audit", "verify", "--json")
    assert result.exit_code == 1, result.stderr
    import json

    files = json.loads(result.stdout)["stored_files"]
    assert files["ok"] is False and files["first_break"]["id"] == altered.sha256
    assert altered.original_name in files["first_break"]["reason"]


def test_audit_verify_names_a_lost_scan(run, session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    lost = session.exec(select(Attachment).where(Attachment.application_id == application.id)).first()
    store_of(settings).path_of(lost.sha256).unlink()
    session.commit()
    result = run("audit", "verify")
    assert result.exit_code == 1 and "已不在附件库中" in result.stderr


def test_restore_reports_replaced_scans(run, session, clerk, catalog, settings, tmp_path):
    if not settings.db_url.startswith("sqlite"):
        pytest.skip("backup and restore are for the embedded SQLite database; PostgreSQL uses pg_dump")
    application = submitted_application(session, clerk, catalog, settings)
    backup = tmp_path / "backup.db"
    assert run("backup", str(backup)).exit_code == 0
    altered = replace_a_scan(session, settings, application)
    session.close()
    result = run("restore", str(backup), "--yes", "--staff", "sup01")
    assert result.exit_code == 1
    assert "不符" in result.stderr and altered.sha256 in result.stderr
