"""Code run in child processes by the concurrency tests (importable under ``spawn``)."""

from __future__ import annotations

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
    except Exception as error:  # reported to the parent, which fails the test with it
        queue.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        engine.dispose()


def submit_until_killed(url: str, window: int) -> None:
    """Open drafts and submit them one by one, forever: the parent kills this process mid-way."""
    engine = make_engine(url)
    actor = Actor(f"w{window}", f"窗口{window}", "clerk", window)
    while True:
        with Session(engine) as session:
            draft = Application(matter_code="ZC-JYKN-001", county_code="430626", window=window, clerk_id=actor.id)
            session.add(draft)
            session.commit()
            finish_submit(session, actor=actor, application=draft)
