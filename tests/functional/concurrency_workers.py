"""Code run in child processes by the concurrency tests (importable under ``spawn``)."""

from __future__ import annotations

import os

from sqlmodel import Session

from counterdesk.services.applications import finish_submit
from counterdesk.services.staff import Actor
from counterdesk.store.engine import make_engine
from counterdesk.store.models import Application


def submit_many(url: str, window: int, count: int, county: str, queue) -> None:
    """Create and submit ``count`` applications as window ``window``'s clerk; report the numbers."""
    engine = make_engine(url)
    actor = Actor(f"w{window}", f"窗口{window}", "clerk", window)
    numbers = []
    try:
        for _ in range(count):
            with Session(engine) as session:
                draft = Application(matter_code="ZC-JYKN-001", county_code=county, window=window, clerk_id=actor.id)
                session.add(draft)
                session.flush()
                numbers.append(finish_submit(session, actor=actor, application=draft))
        queue.put(("ok", numbers))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the test with it
        queue.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        engine.dispose()


def submit_until_killed(url: str, window: int, progress) -> None:
    """Open drafts and submit them one by one, forever: the parent kills this process mid-way.

    After each submission the count is sent on ``progress`` (a pipe's end), so the parent waits
    for work to have happened rather than for time to pass: on a loaded machine start-up alone can
    take longer than any fixed pause.
    """
    engine = make_engine(url)
    actor = Actor(f"w{window}", f"窗口{window}", "clerk", window)
    for done in range(1, 1_000_000):
        with Session(engine) as session:
            draft = Application(matter_code="ZC-JYKN-001", county_code="430626", window=window, clerk_id=actor.id)
            session.add(draft)
            session.commit()
            finish_submit(session, actor=actor, application=draft)
        progress.send(done)


def attach_until_killed(url: str, home: str, application_id: int, progress) -> None:
    """Scan a fresh PDF into the inbox and attach it, forever: the parent kills this process mid-way.

    Sends the count of attachments on ``progress`` after each one, as ``submit_until_killed`` does.
    """
    from pathlib import Path

    from counterdesk.catalog import load_catalog
    from counterdesk.config import Settings
    from counterdesk.services.attachments import attach_from_inbox
    from tests.conftest import write_pdf

    engine = make_engine(url)
    settings = Settings(home=Path(home), db_url=url, scans_dir=Path(home) / "scans")
    catalog = load_catalog()
    actor = Actor("w1", "窗口1", "clerk", 1)
    for serial in range(1_000_000):
        scan = write_pdf(settings.scans_dir / f"扫描-{os.getpid()}-{serial}.pdf", f"scan {serial}", pages=3)
        with Session(engine) as session:
            attach_from_inbox(session, actor=actor, settings=settings, catalog=catalog,
                              application_id=application_id, material_code="M01", path=scan)
        progress.send(serial + 1)


def kill_after(process, progress, done: int, *, jitter: float = 0.0, timeout: float = 300.0) -> None:
    """SIGKILL ``process`` once it has reported ``done`` finished operations on ``progress``.

    The worker keeps going while the signal is on its way, and ``jitter`` seconds more, so the kill
    lands at an arbitrary point of a later operation (mid-write, mid-commit). ``timeout`` only turns
    a hung worker into a failure; nothing waits for time to make progress.
    """
    import signal
    import time

    reported = 0
    while reported < done:
        if not progress.poll(timeout):
            os.kill(process.pid, signal.SIGKILL)
            process.join()
            raise AssertionError(f"the worker reported {reported} of {done} operations within {timeout:.0f} s")
        reported = progress.recv()
    time.sleep(jitter)
    os.kill(process.pid, signal.SIGKILL)
    process.join()


def import_held_before_commit(url: str, home: str, batch: str, held, go, queue) -> None:
    """Run a real batch import that stops after storing its first chunk's files, before the commit.

    ``held`` is set once the files are in the store and the rows not yet committed; the import
    goes on when the parent sets ``go``. The result (or the error) goes to ``queue``.
    """
    from pathlib import Path

    from counterdesk.catalog import load_catalog
    from counterdesk.config import Settings
    from counterdesk.services import batch as batch_service

    engine = make_engine(url)
    settings = Settings(home=Path(home), db_url=url, scans_dir=Path(home) / "scans")
    real_commit = batch_service._Run._commit_chunk

    def commit_when_told(run, pending):
        held.set()
        if not go.wait(120):
            raise TimeoutError("the parent never let the import commit")
        return real_commit(run, pending)

    batch_service._Run._commit_chunk = commit_when_told
    try:
        with Session(engine) as session:
            result = batch_service.import_batch(session, actor=Actor("sup01", "王科长", "supervisor", 1),
                                                catalog=load_catalog(), settings=settings, path=Path(batch))
        queue.put(("ok", result.imported))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the test with it
        queue.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        engine.dispose()
