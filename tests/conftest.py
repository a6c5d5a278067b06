"""Shared fixtures: a database on each backend, the shipped catalog, a working home, staff.

Tests that take ``engine`` run once on SQLite and once on PostgreSQL; the PostgreSQL run uses
a fresh schema per test and is skipped, with the reason, when COUNTERDESK_TEST_PG_URL is unset.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import settings as hypothesis_settings
from sqlmodel import Session

from counterdesk.config import Settings, sqlite_url
from counterdesk.services.staff import Actor, add_staff

PG_URL = os.environ.get("COUNTERDESK_TEST_PG_URL")

# Examples are judged on what they find, never on how long one took: the machines are shared and a
# loaded core makes any per-example deadline flaky (speed is measured in tests/bench instead).
hypothesis_settings.register_profile("counterdesk", deadline=None)
hypothesis_settings.load_profile("counterdesk")
PASSWORD = "counter-2026"


def pg_schema_url(base: str) -> tuple[str, str]:
    """A fresh schema in the test database and a URL whose connections use it."""
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    return schema, f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def drop_pg_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2id at its production cost takes about 0.3 s a hash on a loaded core, and nearly every
    test makes or checks a password; tests use the same algorithm at the lowest cost. A hash keeps
    its parameters, so checking works alike, and subprocesses a test starts still pay the real cost."""
    from argon2 import PasswordHasher

    from counterdesk.services import staff

    monkeypatch.setattr(staff, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(staff, "_dummy_hash", None)


@pytest.fixture(autouse=True)
def working_home(tmp_path, monkeypatch):
    """Every test works in its own home: its audit key and anchor live in ``tmp_path/data``,
    whichever engine (and child process) opens the test's database."""
    monkeypatch.setenv("COUNTERDESK_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "data" / "counterdesk.db")
        return
    if not PG_URL:
        pytest.skip("COUNTERDESK_TEST_PG_URL is not set: PostgreSQL tests skipped")
    schema, url = pg_schema_url(PG_URL)
    try:
        yield url
    finally:
        drop_pg_schema(PG_URL, schema)


@pytest.fixture
def sqlite_db_url(tmp_path):
    """An SQLite database only (for SQLite-specific behaviour)."""
    return sqlite_url(tmp_path / "data" / "counterdesk.db")


@pytest.fixture
def engine(db_url):
    from counterdesk.store.engine import open_database

    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    """One session for the test. On SQLite every transaction holds the write lock (BEGIN IMMEDIATE)
    until it ends, so a test that hands over to another connection commits first."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def catalog():
    from counterdesk.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def settings(tmp_path, db_url) -> Settings:
    """A working home with an empty scanner inbox."""
    scans = tmp_path / "scans"
    scans.mkdir()
    return Settings(home=tmp_path, db_url=db_url, scans_dir=scans)


@pytest.fixture
def supervisor(session) -> Actor:
    """The hall's first account: supervisor 王科长 at window 1."""
    add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD, window=1)
    return Actor("sup01", "王科长", "supervisor", 1)


@pytest.fixture
def clerk(session, supervisor) -> Actor:
    """Window 3's clerk 李娜."""
    add_staff(session, actor=supervisor, staff_id="c03", name="李娜", role="clerk", password=PASSWORD, window=3)
    return Actor("c03", "李娜", "clerk", 3)


@pytest.fixture
def other_clerk(session, supervisor) -> Actor:
    """Window 5's clerk 周强."""
    add_staff(session, actor=supervisor, staff_id="c05", name="周强", role="clerk", password=PASSWORD, window=5)
    return Actor("c05", "周强", "clerk", 5)


def write_pdf(path: Path, text: str = "scan", pages: int = 1) -> Path:
    """A small real PDF, as a scanner would drop it."""
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"{text} page {i + 1}")
        c.showPage()
    c.save()
    old = path.stat().st_mtime - 10
    os.utime(path, (old, old))
    return path
