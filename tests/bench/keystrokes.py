"""Keystroke latency on the applicant form (确认信息): the figure ``form_key_p95_ms``.

Each key is pressed through the Pilot until the app has handled it and every widget of the screen
has processed the updates it caused (live checks, derived fields, the hand-over to the saver) —
keystroke to repaint — and the CPU the process spent on it is counted. Wall time would mostly
measure the Pilot's own waiting (66 ms a key for the bare Input on a loaded machine, against 5 ms
of CPU). The baseline is the same keys typed into a Textual app with one bare Input.
"""

from __future__ import annotations

import asyncio
import statistics
import time

TYPED = [*"430626198506150018", "enter", *"张三丰", "enter", *"13812347777", "enter", *"zhang@example.com"]
"""What a clerk types into a fresh form: ID number, name, mobile, e-mail."""


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


async def _timed(pilot, keys: list[str]) -> list[float]:
    samples = []
    for key in keys:
        start = time.process_time()
        await pilot.press(key)
        samples.append(time.process_time() - start)
    return samples


async def _form_keys(settings, engine, catalog, matter: str, actor) -> list[float]:
    from counterdesk.services.applications import start_draft
    from counterdesk.tui.app import CounterdeskApp
    from counterdesk.tui.context import DeskContext
    from counterdesk.tui.wizard import Draft, go

    ctx = DeskContext(settings, engine=engine, catalog=catalog)
    app = CounterdeskApp(settings, ctx=ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ctx.actor = actor
        app.logged_in()
        await pilot.pause()
        hall_county = ctx.hall.county_code
        draft = ctx.call(start_draft, actor=actor, catalog=catalog, matter_code=matter, county_code=hall_county)
        go(app, "applicant", Draft(matter, hall_county, draft.id))
        await app.workers.wait_for_complete()
        await pilot.pause()
        return await _timed(pilot, TYPED)


async def _bare_keys() -> list[float]:
    from textual.app import App
    from textual.widgets import Input

    class OneInput(App):
        def compose(self):
            yield Input()

    app = OneInput()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return await _timed(pilot, [key for key in TYPED if key != "enter"])


def bench_form_keys(settings, engine, catalog, runs: int):
    """p95 of keystroke-to-repaint on the applicant form, over ``runs`` fresh forms."""
    from counterdesk.services.staff import Actor
    from tests.bench.run import Figure, _at_most
    from tests.bench.synthetic import BENCH_MATTER, SUPERVISOR_ID

    matter, actor = BENCH_MATTER, Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)
    form, bare = [], []
    for _ in range(runs):
        form += asyncio.run(_form_keys(settings, engine, catalog, matter, actor))
        bare += asyncio.run(_bare_keys())
    value = _p95(form)
    return Figure("form_key_p95_ms", value, "ms cpu", _p95(bare), "≤ 30 ms", _at_most(value, 30))
