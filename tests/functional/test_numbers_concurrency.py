"""Application numbers when many windows submit at once: real processes, both backends."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlmodel import Session, func, select

from counterdesk.domain.appno import parse_application_number
from counterdesk.services.staff import add_staff
from counterdesk.store.models import Application, Staff, StatusEvent
from tests.conftest import PASSWORD
from tests.functional.concurrency_workers import submit_many

PROCESSES = 8
PER_PROCESS = 60


@pytest.mark.slow
def test_eight_windows_submitting_at_once_get_distinct_gap_free_numbers(engine, db_url):
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id="sup01", name="王科长", role="supervisor", password=PASSWORD)
        for window in range(PROCESSES):
            session.add(Staff(id=f"w{window}", name=f"窗口{window}", role="clerk", window=window,
                              password_hash="x"))
        session.commit()
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [spawn.Process(target=submit_many, args=(db_url, w, PER_PROCESS, "430626", results))
               for w in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    errors = [detail for state, detail in outcomes if state == "error"]
    assert errors == []
    numbers = [n for _, batch in outcomes for n in batch]
    assert len(numbers) == len(set(numbers)) == PROCESSES * PER_PROCESS
    seqs = sorted(parse_application_number(n).seq for n in numbers)
    assert seqs == list(range(1, PROCESSES * PER_PROCESS + 1))
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Application)
                              .where(Application.status == "received")).one()
        events = session.exec(select(func.count()).select_from(StatusEvent)).one()
    assert stored == events == PROCESSES * PER_PROCESS
