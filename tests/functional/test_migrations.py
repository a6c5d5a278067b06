"""Schema migrations: an empty database to head, and an older one with data to head, intact."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from counterdesk.domain.errors import StorageError
from counterdesk.store.engine import current_revision, head_revision, make_engine, migrate, open_database


def test_empty_database_is_upgraded_to_head(db_url):
    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"staff", "applicant", "application", "guidanceanswer", "attachment", "pickup",
            "status_event", "audit_log", "number_sequence", "storedfile", "elicense", "visit", "failed_case",
            "rating", "rating_case"} <= tables
    engine.dispose()


def test_init_is_idempotent(db_url):
    open_database(db_url).dispose()
    engine = open_database(db_url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_previous_revision_with_data_upgrades_with_data_intact(db_url):
    engine = make_engine(db_url)
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO staff (id, name, role, password_hash, active, failed_logins, created_at) "
                          "VALUES ('sup01', '王科长', 'supervisor', 'x', true, 0, '2026-11-24 08:00:00+00')"))
        conn.execute(text("INSERT INTO application (matter_code, county_code, status, clerk_id, remark, step, "
                          "created_at, updated_at, version) VALUES ('ZC-JYKN-001', '430626', 'draft', 'sup01', "
                          "'带了户口簿', 'guidance', '2026-11-24 08:00:00+00', '2026-11-24 08:00:00+00', 1)"))
        conn.execute(text("INSERT INTO audit_log (at, action, prev_hash, hash) "
                          "VALUES ('2026-11-24 08:00:00+00', 'login', 'a', 'b')"))
    migrate(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT remark FROM application")).scalar_one() == "带了户口簿"
        assert conn.execute(text("SELECT name FROM staff")).scalar_one() == "王科长"
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
    engine.dispose()


def test_database_newer_than_the_code_is_refused_with_one_sentence(db_url):
    engine = open_database(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(StorageError) as refused:
        open_database(db_url)
    assert "比当前程序新" in refused.value.message


def test_file_that_is_not_a_database_is_refused_with_one_sentence(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not an sqlite database" * 100)
    with pytest.raises(StorageError) as refused:
        open_database(f"sqlite:///{path}")
    assert refused.value.message.startswith("无法打开数据库")


def test_sqlite_file_is_created_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "data" / "counterdesk.db"
    open_database(f"sqlite:///{path}").dispose()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0


def test_a_database_at_the_newest_revision_opens_without_loading_alembic(sqlite_db_url):
    import subprocess
    import sys

    from counterdesk.store.engine import _head_from_files

    assert _head_from_files() == head_revision()
    open_database(sqlite_db_url).dispose()
    probe = ("import sys; from counterdesk.store.engine import open_database; "
             f"open_database({sqlite_db_url!r}).dispose(); print('alembic' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
