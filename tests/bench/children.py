"""The benchmarks' child processes: ``python children.py <kind>``, started by ``run.py``.

Each kind prints one JSON line on stdout. Start-up kinds print the wall-clock time (``time.time()``)
at which the first screen was mounted, so the parent can measure from before it spawned the process,
and the CPU time the process had used by then (``cpu``, interpreter start-up included); memory kinds
print the peak resident set size in MB. Imports stay inside the functions so that a
child pays only for what it measures.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident set size of this process.

    ``VmHWM`` rather than ``ru_maxrss``: on Linux the latter keeps the parent's peak across
    fork and exec, so every child would report the size of the benchmark process itself.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(**values) -> None:
    print(json.dumps(values), flush=True)


def label_app(kind: str) -> None:
    """The baseline: a Textual app that only mounts one Label."""
    from textual.app import App
    from textual.widgets import Label

    class OneLabel(App):
        def compose(self):
            yield Label("一件事一次办")

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            report(mounted=time.time(), cpu=time.process_time(), rss_mb=peak_rss_mb())
            self.exit()

    OneLabel().run(headless=True, size=(120, 40))


def desk_app(kind: str) -> None:
    """The counter as started from the command line, headless.

    ``startup`` leaves as soon as the login screen is mounted; ``rss`` waits until the database is
    open and the catalog (``COUNTERDESK_CATALOG``) loaded and indexed for search, then reports memory.
    """
    from counterdesk.config import load_settings
    from counterdesk.tui import app as app_module
    from counterdesk.tui.app import CounterdeskApp
    from counterdesk.tui.screens.login import LoginScreen

    class Probe(CounterdeskApp):
        # Textual resolves CSS_PATH next to the module that defines the class: point at the product's.
        CSS_PATH = [str(Path(app_module.__file__).parent / path) for path in CounterdeskApp.CSS_PATH]

        def on_mount(self) -> None:
            # Textual runs CounterdeskApp.on_mount too (handlers of every class in the MRO are
            # called): calling it here again pushed a second login screen and read the CSS twice.
            self.set_interval(0.002, self.check)

        def check(self) -> None:
            if not (isinstance(self.screen, LoginScreen) and self.screen.is_mounted):
                return
            if kind == "startup":
                report(mounted=time.time(), cpu=time.process_time())
                self.exit()
            elif self.ctx.catalog is not None and self.ctx.hall is not None:
                self.ctx.catalog.prepare_search()
                report(rss_mb=peak_rss_mb(), matters=len(self.ctx.catalog.matters))
                self.exit()

    Probe(load_settings()).run(headless=True, size=(120, 40))


def inbox_app(kind: str) -> None:
    """The materials screen with one file in the scanner inbox, until the check's verdict is on screen.

    ``hostile_tui`` has the 30-page Flate bomb there, ``plain_tui`` one real scan. Reports the TUI
    process's peak memory, the seconds from opening the screen to the verdict, and the longest
    stall of a 20 ms timer meanwhile (how long a key would have waited at worst).
    """
    from counterdesk.config import load_settings
    from counterdesk.services.applications import answers_of, save_answers, start_draft
    from counterdesk.services.staff import Actor
    from counterdesk.tui import app as app_module
    from counterdesk.tui.app import CounterdeskApp
    from counterdesk.tui.screens.login import LoginScreen
    from counterdesk.tui.screens.materials import MaterialsScreen
    from counterdesk.tui.wizard import Draft, go

    matter, answers = sys.argv[1], dict(pair.split("=") for pair in sys.argv[2:])

    class Probe(CounterdeskApp):
        CSS_PATH = [str(Path(app_module.__file__).parent / path) for path in CounterdeskApp.CSS_PATH]
        opened: float | None = None
        last = 0.0
        stall = 0.0

        def on_mount(self) -> None:  # after CounterdeskApp.on_mount, which Textual runs itself
            self.set_interval(0.02, self.tick)

        def tick(self) -> None:
            now = time.perf_counter()
            if self.opened is not None:
                self.stall = max(self.stall, now - self.last)
            self.last = now
            if self.opened is None:
                self.open_materials()
                return
            entries = getattr(self.screen, "entries", {}) if isinstance(self.screen, MaterialsScreen) else {}
            done = [e for e in entries.values() if e.accepted or e.refusal_code not in (None, "checking")]
            if done:
                report(rss_mb=peak_rss_mb(), seconds=now - self.opened, stall_ms=self.stall * 1000,
                       verdict=done[0].refusal_code or "accepted")
                self.exit()

        def open_materials(self) -> None:
            if not (isinstance(self.screen, LoginScreen) and self.ctx.catalog is not None and self.ctx.hall):
                return
            self.ctx.actor = Actor("sup01", "王科长", "supervisor", 1)
            self.logged_in()
            with self.ctx.session() as session:
                draft = start_draft(session, actor=self.ctx.actor, catalog=self.ctx.catalog, matter_code=matter,
                                    county_code=self.ctx.hall.county_code)
                save_answers(session, actor=self.ctx.actor, catalog=self.ctx.catalog, application_id=draft.id,
                             answers=answers)
                go(self, "materials", Draft(matter, draft.county_code, draft.id, answers_of(session, draft.id)))
            self.opened = self.last = time.perf_counter()

    Probe(load_settings()).run(headless=True, size=(120, 40))


def typer_app(kind: str) -> None:
    """The baseline of ``--help``: a typer app with one command."""
    import typer

    app = typer.Typer(add_completion=False)

    @app.command()
    def hello(name: str = "张三") -> None:
        """Say hello."""
        print(name)

    app()


KINDS = {"label": label_app, "label_rss": label_app, "startup": desk_app, "rss": desk_app, "typer": typer_app,
         "hostile_tui": inbox_app, "plain_tui": inbox_app}

if __name__ == "__main__":
    kind = sys.argv.pop(1)
    KINDS[kind](kind)
