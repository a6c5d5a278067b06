"""The audit chains are keyed and anchored outside the database: a rewritten and re-hashed entry,
the newest entries deleted, or a status changed without its event are all found by
``audit verify``; chains written before the key keep verifying; a submitted application keeps
the applicant as submitted."""

from __future__ import annotations

import hashlib
import json
import os
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.services import audit, chain, workflow
from counterdesk.services.batch import import_batch
from counterdesk.services.export import export
from counterdesk.services.papers import packet_for, receipt_for
from counterdesk.store.models import Application, AuditEntry, StatusEvent
from tests.batch_helpers import batch_folder, example_row, read_jsonl, write_jsonl
from tests.conftest import PASSWORD
from tests.factories import applicant_form, resident_id, submitted_application


def unguarded(engine, table: str):
    """What someone with direct database access does first: lift the append-only guard."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
        connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
    else:
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
    return connection


def rehash_from(engine, event_id: int) -> None:
    """Rewrite an event and recompute the chain from there with plain SHA-256, as the old code did."""
    session = Session(engine)
    events = session.exec(select(StatusEvent).where(StatusEvent.id >= event_id).order_by(StatusEvent.id)).all()
    prev = session.exec(select(StatusEvent.hash).where(StatusEvent.id < event_id)
                        .order_by(StatusEvent.id.desc()).limit(1)).first() or chain.GENESIS
    rows = []
    for event in events:
        by = "nobody" if event.id == event_id else event.by_staff
        fields = audit.event_fields(SimpleNamespace(**{**event.model_dump(), "by_staff": by}))
        body = json.dumps({k: chain._canonical(v) for k, v in sorted(fields.items())}, ensure_ascii=False)
        digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
        rows.append({"id": event.id, "by": by, "prev": prev, "hash": digest})
        prev = digest
    session.close()
    with unguarded(engine, "status_event") as connection:
        for row in rows:
            connection.execute(text("UPDATE status_event SET by_staff = :by, prev_hash = :prev, hash = :hash "
                                    "WHERE id = :id"), row)
        connection.commit()


def breaks(engine) -> dict:
    with Session(engine) as session:
        return {name: brk for name, (_, brk) in audit.verify_all(session).items() if brk is not None}


@pytest.fixture
def day(session, clerk, supervisor, catalog, settings):
    """Three applications submitted at the counter, one of them accepted."""
    from counterdesk.services.workflow import advance

    made = [submitted_application(session, clerk, catalog, settings) for _ in range(3)]
    advance(session, actor=supervisor, number_or_id=made[0].number, to_status="accepted")
    session.commit()
    return made


def test_the_key_is_created_owner_only_in_the_homes_data_folder(day, settings, engine):
    key = settings.home / "data" / "audit.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) == 32
    assert (settings.home / "data" / "audit.anchor").exists()
    assert breaks(engine) == {}


def test_a_rewritten_event_with_recomputed_hashes_is_found(day, engine):
    rehash_from(engine, 2)
    found = breaks(engine)
    assert found["status_event"].row_id == 2 and "被改动" in found["status_event"].reason


def test_deleting_the_newest_entries_is_found(day, engine):
    with unguarded(engine, "status_event") as connection:
        newest = connection.execute(text("SELECT max(id) FROM status_event")).scalar_one()
        connection.execute(text("DELETE FROM status_event WHERE id = :id"), {"id": newest})
        connection.commit()
    with unguarded(engine, "audit_log") as connection:
        newest_audit = connection.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
        connection.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": newest_audit - 1})
        connection.commit()
    found = breaks(engine)
    assert found["status_event"].row_id == newest and "末尾的记录被删除" in found["status_event"].reason
    assert found["audit_log"].row_id == newest_audit


def test_a_status_changed_without_its_event_is_found(day, engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE application SET status = 'completed' WHERE number = :n"),
                           {"n": day[1].number})
    found = breaks(engine)
    assert day[1].number in found["application_status"].reason


def test_audit_verify_command_reports_the_status_change(day, engine, settings):
    with engine.begin() as connection:
        connection.execute(text("UPDATE application SET status = 'completed' WHERE number = :n"),
                           {"n": day[2].number})
    result = CliRunner().invoke(app, ["--home", str(settings.home), "--db", settings.db_url, "audit", "verify"])
    assert result.exit_code == 1 and day[2].number in result.stderr


def test_a_chain_written_before_the_key_keeps_verifying_and_stays_pinned(db_url, tmp_path):
    from counterdesk.store.engine import make_engine, migrate, open_database

    old = make_engine(db_url)
    migrate(old, "0002")
    prev = chain.GENESIS
    with old.begin() as connection:
        for n in range(3):
            fields = {"at": f"2026-11-2{n} 08:00:00+00", "staff_id": None, "action": "login", "target": f"s{n}",
                      "detail": None}
            body = json.dumps({**fields, "at": f"2026-11-2{n}T08:00:00Z"}, ensure_ascii=False, sort_keys=True)
            digest = hashlib.sha256((prev + body).encode("utf-8")).hexdigest()
            connection.execute(text("INSERT INTO audit_log (at, staff_id, action, target, detail, prev_hash, hash) "
                                    "VALUES (:at, :staff_id, :action, :target, :detail, :prev, :hash)"),
                               {**fields, "prev": prev, "hash": digest})
            prev = digest
    old.dispose()
    engine = open_database(db_url)
    with Session(engine) as session:
        assert audit.verify_all(session)["audit_log"] == (3, None)
        audit.record(session, "login", staff_id="sup01", target="sup01")
        session.commit()
        assert audit.verify_all(session)["audit_log"] == (4, None)
    with unguarded(engine, "audit_log") as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id >= 3"))
        connection.commit()
    assert breaks(engine)["audit_log"].row_id == 4
    engine.dispose()


def test_a_later_row_with_the_same_id_number_leaves_the_submitted_application_as_it_was(
        session, clerk, supervisor, catalog, settings, tmp_path):
    number = resident_id()
    first = submitted_application(session, clerk, catalog, settings, form=applicant_form(
        id_number=number, name="张三", household_address="湖南省岳阳市平江县城关镇天岳大道1号"))
    # Withdrawn first: a second open application of the same person and matter would be refused.
    workflow.advance(session, actor=clerk, number_or_id=first.number, to_status="withdrawn", reason="群众撤回后重新申请")
    row = example_row("later-1", applicant={"kind": "personal", "id_type": "resident_id", "id_number": number,
                                            "name": "李四", "mobile": "13812348888",
                                            "household_address": "湖南省长沙市岳麓区麓山南路2号"})
    result = import_batch(session, actor=clerk, catalog=catalog, settings=settings,
                          path=write_jsonl(batch_folder(tmp_path) / "rows.jsonl", [row]))
    assert result.imported == 1
    session.expire_all()
    again = session.get(Application, first.id)
    assert receipt_for(session, catalog=catalog, number=again.number).party.name == "张*"
    assert packet_for(session, catalog=catalog, settings=settings, number=again.number)[0].applicant_name == "张三"
    out = tmp_path / "out" / "all.jsonl"
    export(session, actor=supervisor, settings=settings, out=out)
    exported = {r["_number"]: r["applicant"] for r in read_jsonl(out)}
    assert exported[again.number]["name"] == "张三"
    assert exported[again.number]["household_address"] == "湖南省岳阳市平江县城关镇天岳大道1号"
    later = session.exec(select(Application).where(Application.ref == "later-1")).one()
    assert exported[later.number]["name"] == "李四"


def test_an_events_hash_covers_fields_added_later_only_when_they_are_set():
    event = {"application_id": 1, "at": None, "from_status": "draft", "to_status": "submitted",
             "by_staff": "c03", "reason": None}
    plain = audit.event_fields(SimpleNamespace(**event))
    assert audit.event_fields(SimpleNamespace(**event, detail=None, hall_code=None)) == plain
    assert audit.event_fields(SimpleNamespace(**event, hall_code="4306260001"))["hall_code"] == "4306260001"


def test_init_creates_the_key_and_a_window_without_the_anchor_is_told_to_copy_it(tmp_path, monkeypatch):
    runner = CliRunner()
    home = tmp_path / "window1"
    assert runner.invoke(app, ["--home", str(home), "init"]).exit_code == 0
    env = {"COUNTERDESK_NEW_PASSWORD": PASSWORD}
    assert runner.invoke(app, ["--home", str(home), "staff", "add", "sup01", "--name", "王科长", "--role",
                               "supervisor"], env=env).exit_code == 0
    assert oct((home / "data" / "audit.key").stat().st_mode & 0o777) == "0o600"
    db = f"sqlite:///{home / 'data' / 'counterdesk.db'}"
    elsewhere = runner.invoke(app, ["--home", str(tmp_path / "window2"), "--db", db, "audit", "verify"])
    assert elsewhere.exit_code == 1 and "audit.anchor" in elsewhere.stderr
    assert os.path.exists(home / "data" / "audit.anchor")


def test_an_applicant_changed_straight_in_the_database_is_found(day, engine):
    applicant_id = day[0].applicant_id
    assert breaks(engine) == {}
    with engine.begin() as connection:
        connection.execute(text("UPDATE applicant SET household_address = '湖南省长沙市' WHERE id = :id"),
                           {"id": applicant_id})
    found = breaks(engine)
    assert found["applicant"].row_id == applicant_id and "被直接改动" in found["applicant"].reason


def test_a_batch_import_records_its_applicants_and_verifies(session, clerk, catalog, settings, engine, tmp_path):
    rows = [example_row(f"r-{i}") for i in range(5)]
    import_batch(session, actor=clerk, catalog=catalog, settings=settings,
                 path=write_jsonl(batch_folder(tmp_path) / "rows.jsonl", rows), chunk_rows=2)
    session.commit()
    assert breaks(engine) == {}
    recorded = session.exec(select(AuditEntry).where(AuditEntry.action == "applicant_saved")).all()
    assert len(recorded) == 5 and {r.staff_id for r in recorded} == {clerk.id}


def test_a_supervisors_restore_anchors_the_chains_where_the_backup_ends(session, clerk, catalog, settings,
                                                                        tmp_path):
    if not settings.db_url.startswith("sqlite"):
        pytest.skip("backup and restore are for the embedded SQLite database; PostgreSQL uses pg_dump")
    submitted_application(session, clerk, catalog, settings)
    session.commit()
    runner = CliRunner()
    base = ["--home", str(settings.home), "--db", settings.db_url]
    assert runner.invoke(app, [*base, "backup", str(tmp_path / "b.db")]).exit_code == 0
    submitted_application(session, clerk, catalog, settings)
    session.close()
    restored = runner.invoke(app, [*base, "restore", str(tmp_path / "b.db"), "--yes", "--staff", "sup01"],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})
    assert restored.exit_code == 0, restored.output
    verified = runner.invoke(app, [*base, "audit", "verify"])
    assert verified.exit_code == 0, verified.output
