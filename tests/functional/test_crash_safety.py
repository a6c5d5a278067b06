"""Submitting while the process is killed by SIGKILL at random moments: never half submitted.

On both backends: SQLite must leave its file whole (integrity_check), PostgreSQL must roll back the
dead client's transaction; either way no number is lost or given twice.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3

import pytest
from sqlmodel import Session, select

from counterdesk.domain.appno import parse_application_number
from counterdesk.store.engine import open_database
from counterdesk.store.models import Application, Staff, StatusEvent
from tests.functional.concurrency_workers import kill_after, submit_until_killed


def _killed_mid_work(target, args: tuple, rng: random.Random, most: int) -> None:
    """Run ``target`` in a fresh process and kill it after 1 to ``most`` finished operations."""
    spawn = multiprocessing.get_context("spawn")
    receiver, sender = spawn.Pipe(duplex=False)
    worker = spawn.Process(target=target, args=(*args, sender))
    worker.start()
    sender.close()
    try:
        kill_after(worker, receiver, rng.randint(1, most), jitter=rng.random() * 0.2)
    finally:
        receiver.close()


@pytest.mark.slow
def test_submit_killed_at_random_moments_is_all_or_nothing(db_url):
    engine = open_database(db_url)
    with Session(engine) as session:
        session.add(Staff(id="w1", name="窗口1", role="clerk", window=1, password_hash="x"))
        session.commit()
    rng = random.Random(20261125)
    for _ in range(5):
        _killed_mid_work(submit_until_killed, (db_url, 1), rng, 6)
    with Session(engine) as session:
        applications = session.exec(select(Application)).all()
        events = {e.application_id: e for e in session.exec(select(StatusEvent))}
    submitted = [a for a in applications if a.status == "received"]
    assert submitted, "the workers never got to submit anything"
    for application in applications:
        if application.status == "draft":
            assert application.number is None and application.id not in events
        else:
            assert application.status == "received" and application.number and application.submitted_at
            assert events[application.id].to_status == "received"
    seqs = sorted(parse_application_number(a.number).seq for a in submitted)
    assert seqs == list(range(1, len(submitted) + 1))
    engine.dispose()
    assert_sqlite_whole(db_url)


@pytest.mark.slow
def test_attaching_killed_at_random_moments_never_references_a_missing_or_partial_file(tmp_path, db_url):
    from counterdesk.documents.filestore import FileStore
    from counterdesk.store.models import Attachment
    from tests.functional.concurrency_workers import attach_until_killed

    (tmp_path / "scans").mkdir()
    engine = open_database(db_url)
    with Session(engine) as session:
        session.add(Staff(id="w1", name="窗口1", role="clerk", window=1, password_hash="x"))
        session.commit()
        draft = Application(matter_code="ZC-JYKN-001", county_code="430626", window=1, clerk_id="w1")
        session.add(draft)
        session.commit()
        draft_id = draft.id
    rng = random.Random(1125)
    for _ in range(4):
        _killed_mid_work(attach_until_killed, (db_url, str(tmp_path), draft_id), rng, 4)
    store = FileStore(tmp_path / "scans" / "store")
    with Session(engine) as session:
        hashes = session.exec(select(Attachment.sha256)).all()
    assert hashes, "the workers never got to attach anything"
    assert all(store.verify(sha) for sha in hashes)
    engine.dispose()
    assert_sqlite_whole(db_url)


def assert_sqlite_whole(db_url: str) -> None:
    """An SQLite file passes its integrity check (PostgreSQL keeps its own files whole)."""
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
