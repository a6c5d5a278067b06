"""Benchmarks: the figures that say the counter never waits for the tool (issue 10).

Run on demand, from the project root, with the project's Python::

    python tests/bench/run.py            # full sizes: 10,000 matters, 1,000,000 applications
    python tests/bench/run.py --quick    # smaller sizes, about a minute
    python tests/bench/run.py --json     # one JSON object {"<figure>": {"value", "unit", ...}}

Everything is built in a temporary home that is removed afterwards: a catalog made by varying the
shipped matters (new codes and names), a database of stored applications inserted in bulk, scanned
PDFs for the attachments. Each figure is printed next to a baseline measured in the same run, their
ratio, its target and whether it was met. The process-level figures (start-up, memory, ``--help``)
run in child processes: ``run.py --child <kind>`` is that child and not meant to be called by hand.

pytest does not collect this file (it is not named ``test_*.py``); the smoke test
``tests/functional/test_bench_smoke.py`` runs ``--quick --json`` when COUNTERDESK_BENCH_SMOKE=1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench.keystrokes import bench_form_keys  # noqa: E402
from tests.bench.postgres import NO_SERVER, fill_queue_pg, pg_home, queue_pg, server_url  # noqa: E402
from tests.bench.synthetic import (  # noqa: E402 - the project root must be on the path first
    BENCH_MATTER,
    SUPERVISOR_ID,
    batch_file,
    build_catalog,
    fill_queue,
    open_home,
    write_scan,
)

FULL = {"matters": 10_000, "applications": 1_000_000, "today": 2_000, "import_rows": 10_000, "transfer_rows": 1_000,
        "runs": 5}
QUICK = {"matters": 1_000, "applications": 100_000, "today": 2_000, "import_rows": 1_000, "transfer_rows": 100,
         "runs": 5}
QUERIES = ["就业困难", "jiuyekunnan", "jykn", "开书店", "kaishudian", "ksd", "营业执照", "yingyezhizhao", "yyzz",
           "困难就业", "kaifandain"]
"""Searches as the clerk types them, one key at a time: Chinese, full pinyin, initials; the last two
find nothing as typed for some keys and are read again (words out of order, one letter off)."""


@dataclass
class Figure:
    """One measured figure next to its baseline and target."""

    name: str
    value: float | None
    unit: str
    baseline: float | None
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict:
        data = {"value": _round(self.value), "unit": self.unit, "baseline": _round(self.baseline),
                "ratio": _round(self.ratio), "target": self.target, "met": self.met}
        if self.note:
            data["note"] = self.note
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def median_time(func, runs: int) -> float:
    """Median wall time of ``func()`` in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child(kind: str, env: dict[str, str], *args: str) -> tuple[float, dict]:
    """Run ``children.py kind``; returns the wall time from spawn to its report, and the report."""
    start = time.time()
    done = subprocess.run([sys.executable, str(HERE / "children.py"), kind, *args], env=env, capture_output=True,
                          text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"child {kind} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    data = json.loads(lines[-1])
    return data.get("mounted", time.time()) - start, data


def command_time(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of a whole process."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, capture_output=True, check=True, timeout=60)
    return time.perf_counter() - start


def paired_medians(measure, baseline, runs: int) -> tuple[float, float]:
    """Medians of ``runs`` timings of each, taken in turns so a slower spell of a shared machine
    weighs on both alike (one after the other, it could fall on either and skew the ratio)."""
    values, baselines = [], []
    for _ in range(runs):
        values.append(measure())
        baselines.append(baseline())
    return statistics.median(values), statistics.median(baselines)


def bench_startup(env: dict[str, str], runs: int) -> Figure:
    """CPU seconds from process start to the login screen, against a Textual app with one Label.

    The CPU the process used, not the wall time: on a shared machine the wall time of a one-second
    start-up swings by half with whatever else runs, and the ratio with it (1.15× to 1.73× in one
    day), while the work the start-up does stays put. Medians of ``2 × runs`` pairs taken in turns.
    """
    value, baseline = paired_medians(lambda: child("startup", env)[1]["cpu"], lambda: child("label", env)[1]["cpu"],
                                     2 * runs)
    return Figure("startup_s", value, "s cpu", baseline, "≤ 1.3 × baseline and ≤ 1.0 s",
                  value <= 1.3 * baseline and value <= 1.0)


def bench_rss(env: dict[str, str]) -> Figure:
    """Peak memory of the TUI once the big catalog is loaded and indexed, against the Label app."""
    value = child("rss", env)[1]["rss_mb"]
    baseline = child("label_rss", env)[1]["rss_mb"]
    return Figure("tui_rss_mb", value, "MB", baseline, "≤ 200 MB", _at_most(value, 200))


def bench_cli_help(env: dict[str, str], runs: int) -> Figure:
    """``counterdesk --help`` as a whole process, against a typer app with one command."""
    script = Path(sys.executable).with_name("counterdesk")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "counterdesk"]
    value, baseline = paired_medians(
        lambda: command_time([*argv, "--help"], env),
        lambda: command_time([sys.executable, str(HERE / "children.py"), "typer", "--help"], env), runs)
    return Figure("cli_help_s", value, "s", baseline, "≤ 0.4 s", _at_most(value, 0.4))


def keystrokes() -> list[str]:
    """Every prefix of every query, as typed, each once (a prefix two queries share is not repeated)."""
    return list(dict.fromkeys(query[:end] for query in QUERIES for end in range(1, len(query) + 1)))


def bench_search(catalog) -> Figure:
    """p95 of one search per keystroke, against a plain substring scan of the names.

    Every keystroke is a text the index has not seen, so none is answered from its cache of recent
    queries: the figure is the cost of a real search, including one-letter ones that match most matters.
    """
    catalog.prepare_search()
    typed = keystrokes()
    names = [matter.name for matter in catalog.matters.values()]

    def p95(func) -> float:
        times = []
        for text in typed:
            start = time.perf_counter()
            func(text)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.quantiles(times, n=20)[-1]

    value = p95(catalog.search)
    baseline = p95(lambda text: [name for name in names if text in name])
    return Figure("search_p95_ms", value, "ms", baseline, "≤ 5 ms", _at_most(value, 5))


QUEUE_SQL = (
    "SELECT status, count(*) FROM application WHERE submitted_on = ? GROUP BY status",
    "SELECT a.id, a.number, a.status, a.matter_code, a.county_code, a.window, a.clerk_id, a.submitted_at, "
    "a.version, p.name FROM application a LEFT OUTER JOIN applicant p ON a.applicant_id = p.id "
    "WHERE a.submitted_on = ? ORDER BY a.submitted_at, a.id LIMIT 50 OFFSET 0",
)


def queue_page(engine, catalog):
    """Reading today's first page of the queue with its counts, as the supervisor's screen does."""
    from sqlmodel import Session

    from counterdesk.domain.clock import today
    from counterdesk.services.queue import day_queue
    from counterdesk.services.staff import Actor

    actor = Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)

    def service() -> None:
        with Session(engine) as session:
            page = day_queue(session, actor=actor, day=today(), catalog=catalog)
        assert page.rows and page.total > 0

    return service


def bench_queue(settings, engine, catalog, runs: int) -> Figure:
    """The day's first page with counts per status, against the same SELECTs through ``sqlite3``."""
    from counterdesk.domain.clock import today

    day = today()
    service = queue_page(engine, catalog)
    con = sqlite3.connect(settings.home / "data" / "counterdesk.db")

    def direct() -> None:
        for sql in QUEUE_SQL:
            con.execute(sql, (day.isoformat(),)).fetchall()

    service()
    direct()
    value = median_time(service, runs * 4) * 1000
    baseline = median_time(direct, runs * 4) * 1000
    con.close()
    return Figure("queue_ms", value, "ms", baseline, "≤ 50 ms", _at_most(value, 50))


OVERDUE_SQL = (
    "SELECT a.status, count(*) FROM application a WHERE a.due_date < ? GROUP BY a.status",
    "SELECT a.id, a.number, a.status, a.matter_code, a.county_code, a.window, a.clerk_id, a.submitted_at, "
    "a.version, p.name FROM application a LEFT OUTER JOIN applicant p ON a.applicant_id = p.id "
    "WHERE a.due_date < ? ORDER BY a.due_date, a.id LIMIT 50 OFFSET 0",
)


def bench_overdue(settings, engine, catalog, runs: int) -> Figure:
    """The queue's overdue filter over every day (first page, counts, clocks), against the same SELECTs."""
    return bench_watch(settings, engine, catalog, runs, due="overdue", sqls=OVERDUE_SQL, name="overdue_ms")


def bench_watch(settings, engine, catalog, runs: int, *, due: str, sqls: tuple[str, ...], name: str) -> Figure:
    """A watch filter of the queue over every day (first page, counts, clocks, what is owed), against
    its SELECTs through ``sqlite3``. (The stored clocks have no events, so only what is owed is checked
    row by row.)"""
    from sqlmodel import Session

    from counterdesk.domain.clock import today
    from counterdesk.services.queue import day_queue
    from counterdesk.services.staff import Actor

    actor = Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)
    day = today()
    listed = {"owed_overdue": lambda row: row.owed.overdue}.get(due, lambda row: True)

    def service() -> None:
        with Session(engine) as session:
            page = day_queue(session, actor=actor, day=day, catalog=catalog, due=due)
        assert page.rows and page.total > 0 and all(listed(row) for row in page.rows)

    con = sqlite3.connect(settings.home / "data" / "counterdesk.db")

    def direct() -> None:
        for sql in sqls:
            con.execute(sql, (day.isoformat(),)).fetchall()

    service()
    direct()
    value = median_time(service, runs * 4) * 1000
    baseline = median_time(direct, runs * 4) * 1000
    con.close()
    return Figure(name, value, "ms", baseline, "≤ 100 ms", _at_most(value, 100))


OWING = ("SELECT application_id FROM material_promise WHERE kind = 'tolerated' AND supplied_at IS NULL "
         "AND due_on IS NOT NULL AND due_on < ?")
OPEN = "('received', 'in_transit', 'signed_for', 'accepted', 'supplement_requested', 'resubmitted', " \
       "'in_progress', 'special_procedure')"
OWED_SQL = (
    f"SELECT a.status, count(*) FROM application a WHERE a.id IN ({OWING}) AND a.status IN {OPEN} GROUP BY a.status",
    "SELECT a.id, a.number, a.status, a.matter_code, a.county_code, a.window, a.clerk_id, a.submitted_at, "
    "a.version, p.name FROM application a LEFT OUTER JOIN applicant p ON a.applicant_id = p.id "
    f"WHERE a.id IN ({OWING}) AND a.status IN {OPEN} ORDER BY (SELECT min(m.due_on) FROM material_promise m "
    "WHERE m.application_id = a.id AND m.kind = 'tolerated' AND m.supplied_at IS NULL AND m.due_on IS NOT NULL), "
    "a.id LIMIT 50 OFFSET 0",
)


def bench_owed(settings, engine, catalog, runs: int) -> Figure:
    """The queue's 容缺逾期 filter over every day, as ``bench_overdue``."""
    return bench_watch(settings, engine, catalog, runs, due="owed_overdue", sqls=OWED_SQL, name="owed_ms")


def bench_queue_screen(settings, engine, catalog, runs: int) -> Figure:
    """From pushing the queue screen to its first page of rows in the table (headless, median)."""
    import asyncio

    from textual.widgets import DataTable

    from counterdesk.services.staff import Actor
    from counterdesk.tui.app import CounterdeskApp
    from counterdesk.tui.context import DeskContext
    from counterdesk.tui.screens.queue import QueueScreen

    async def once() -> float:
        ctx = DeskContext(settings, engine=engine, catalog=catalog)
        app = CounterdeskApp(settings, ctx=ctx)
        async with app.run_test(size=(150, 40)) as pilot:
            await pilot.pause()
            ctx.actor = Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)
            start = time.perf_counter()
            screen = QueueScreen()
            await app.push_screen(screen)
            table = screen.query_one("#queue-table", DataTable)
            while not table.row_count:
                await asyncio.sleep(0.001)
            await pilot.pause()
            return time.perf_counter() - start

    value = statistics.median(asyncio.run(once()) for _ in range(runs)) * 1000
    return Figure("queue_screen_ms", value, "ms", None, "≤ 150 ms", _at_most(value, 150))


def bench_import(home: Path, settings, engine, catalog, rows: int, *, attachments: bool,
                 name: str = "") -> Figure:
    """A batch import of ``rows`` valid rows, with or without one 1-page PDF each (rows per second);
    ``name`` for the same import into another database than the home's SQLite."""
    from sqlmodel import Session

    from counterdesk.services.batch import import_batch
    from counterdesk.services.staff import Actor

    folder = home / ("batch-att" if attachments else "batch")
    # The two imports share one database: their applicants must differ.
    path = batch_file(folder, rows, attachments=attachments, first=rows if attachments else 0)
    actor = Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)
    start = time.perf_counter()
    with Session(engine) as session:
        result = import_batch(session, actor=actor, catalog=catalog, settings=settings, path=path)
    elapsed = time.perf_counter() - start
    if result.imported != rows:
        raise RuntimeError(f"import stored {result.imported} of {rows} rows; see {result.rejects_path}")
    value = rows / elapsed
    if attachments:
        return Figure("import_att_rows_s", value, "rows/s", None, "≥ 300 rows/s", value >= 300)
    if name:
        return Figure(name, value, "rows/s", None, "≥ 6,000 rows/s", value >= 6000)
    baseline = raw_insert_rate(home / "raw.db", path)
    return Figure("import_rows_s", value, "rows/s", baseline, "≥ 6,000 rows/s", value >= 6000)


def bench_queue_pg(home: Path, catalog_dir: Path, sizes: dict) -> Figure:
    """``queue_ms`` on PostgreSQL, the applications stored by ``COPY``; against the same SELECTs via psycopg."""
    base = server_url()
    if base is None:
        return Figure("queue_pg_ms", None, "ms", None, "≤ 50 ms", None, note=NO_SERVER)
    with pg_home(home / "pg-queue", catalog_dir, base) as (_, engine, catalog, url):
        fill_queue_pg(url, sizes["applications"], sizes["today"], catalog)
        value, baseline = queue_pg(queue_page(engine, catalog), url, QUEUE_SQL, sizes["runs"] * 4)
    return Figure("queue_pg_ms", value, "ms", baseline, "≤ 50 ms", _at_most(value, 50))


def bench_import_pg(home: Path, catalog_dir: Path, rows: int) -> Figure:
    """``import_rows_s`` into PostgreSQL."""
    base = server_url()
    if base is None:
        return Figure("import_pg_rows_s", None, "rows/s", None, "≥ 6,000 rows/s", None, note=NO_SERVER)
    with pg_home(home / "pg-import", catalog_dir, base) as (settings, engine, catalog, _):
        return bench_import(home / "pg-import", settings, engine, catalog, rows, attachments=False,
                            name="import_pg_rows_s")


def bench_transfer(home: Path, catalog_dir: Path, rows: int) -> Figure:
    """Export and import of a transfer package of ``rows`` applications with a 3-page scan each (rows/s).

    A 长沙 window receives the rows for 平江 and dispatches them (not timed); the timed part is the
    window writing the signed package and the 平江 hall checking and importing it whole.
    """
    from sqlmodel import Session

    from counterdesk.services import package, transfer
    from counterdesk.services.batch import import_batch
    from counterdesk.services.hall import trust_hall
    from counterdesk.services.staff import Actor

    actor = Actor(SUPERVISOR_ID, "王科长", "supervisor", 1)
    w_settings, w_engine, catalog = open_home(home / "t-window", catalog_dir, county="430102", hall_code="43010201")
    o_settings, o_engine, _ = open_home(home / "t-office", catalog_dir, county="430626", hall_code="43062601")
    keys = {code: (h / "data" / "keys" / f"{code}.pub").read_text().strip()
            for h, code in ((home / "t-window", "43010201"), (home / "t-office", "43062601"))}
    path = batch_file(home / "t-batch", rows, attachments=True, pages=3)
    out = home / "transfer.zip"
    with Session(w_engine) as w, Session(o_engine) as o:
        trust_hall(w, actor=actor, catalog=catalog, code="43062601", public_key=keys["43062601"])
        trust_hall(o, actor=actor, catalog=catalog, code="43010201", public_key=keys["43010201"])
        import_batch(w, actor=actor, catalog=catalog, settings=w_settings, path=path)
        sent = transfer.dispatch(w, actor=actor, catalog=catalog, to_county="430626")
        start = time.perf_counter()
        package.export_batch(w, actor=actor, settings=w_settings, batch=sent.batch, out=out)
        result = package.import_package(o, actor=actor, settings=o_settings, catalog=catalog, path=out)
        elapsed = time.perf_counter() - start
    w_engine.dispose()
    o_engine.dispose()
    if result.imported != rows:
        raise RuntimeError(f"the package carried {result.imported} of {rows} applications")
    value = rows / elapsed
    return Figure("transfer_rows_s", value, "rows/s", None, "≥ 200 rows/s", value >= 200)


def raw_insert_rate(db_path: Path, batch: Path) -> float:
    """Rows per second of ``sqlite3`` ``executemany`` of the same rows into one table."""
    lines = batch.read_text(encoding="utf-8").splitlines()
    start = time.perf_counter()
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE row (ref TEXT PRIMARY KEY, matter TEXT, county TEXT, applicant TEXT, data TEXT)")
    parsed = (json.loads(line) for line in lines)
    con.executemany("INSERT INTO row VALUES (?, ?, ?, ?, ?)",
                    ((r["ref"], r["matter"], r["county"], json.dumps(r["applicant"], ensure_ascii=False),
                      json.dumps(r, ensure_ascii=False)) for r in parsed))
    con.commit()
    con.close()
    return len(lines) / (time.perf_counter() - start)


def bench_card(engine, catalog, runs: int) -> Figure:
    """One 明白卡 PDF, warm, against a one-page reportlab PDF with Latin text only."""
    import io

    from reportlab.pdfgen import canvas
    from sqlmodel import Session

    from counterdesk.documents.pdf import render_card
    from counterdesk.services.papers import card_for

    answers = {"category": "laid_off", "flexible": "yes", "bank": "yes"}

    def card() -> None:
        with Session(engine) as session:
            data = card_for(session, catalog=catalog, hall=None, matter_code=BENCH_MATTER, county_code="430626",
                            answers=answers)
        assert render_card(data).startswith(b"%PDF")

    def latin() -> None:
        out = io.BytesIO()
        c = canvas.Canvas(out)
        c.drawString(72, 720, "Clarity card: employment assistance, Pingjiang county")
        c.showPage()
        c.save()

    card()
    latin()
    value = median_time(card, runs * 2) * 1000
    baseline = median_time(latin, runs * 2) * 1000
    return Figure("card_ms", value, "ms", baseline, "≤ 50 ms", _at_most(value, 50))


def bench_packet(home: Path, runs: int) -> Figure:
    """A packet of 20 attachments × 3 pages, against a pypdf merge of the same files."""
    import io
    from datetime import datetime

    from pypdf import PdfWriter

    from counterdesk.documents.pdf import render_packet
    from counterdesk.documents.pdf.models import PacketData, PacketFile

    files = []
    for i in range(20):
        path = home / "packet" / f"{i:02d}.pdf"
        write_scan(path, f"attachment {i}", pages=3)
        code = f"M{1 + i // 4:02d}"
        files.append(PacketFile(material_code=code, material_name=f"材料{code}", path=path,
                                media_type="application/pdf", original_name=path.name))
    moment = datetime(2026, 11, 24, 9, 30)
    data = PacketData(hall_name="平江县政务服务中心", application_number="4306262026112400001",
                      matter_name="我要申请认定为就业困难人员", location="岳阳市平江县", applicant_name="张三",
                      applicant_id="430626198506150013", submitted_at=moment, pickup_method="窗口领取",
                      window="3号窗口", clerk="李娜", generated_at=moment, status="已提交")

    def packet() -> None:
        assert render_packet(data, files).startswith(b"%PDF")

    def merge() -> None:
        writer = PdfWriter()
        for item in files:
            writer.append(str(item.path))
        writer.write(io.BytesIO())

    value = median_time(packet, runs)
    baseline = median_time(merge, runs)
    return Figure("packet_s", value, "s", baseline, "≤ 1 s", _at_most(value, 1))


_TREE_PEAK = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, timeout=120)
print(json.dumps({"s": time.perf_counter() - start, "rc": done.returncode,
                  "mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def scans_list_cost(home: Path, inbox_file: tuple[str, bytes], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak memory (largest process of the tree) of ``scans list`` on a fresh home."""
    if home.exists():
        shutil.rmtree(home)
    (home / "scans").mkdir(parents=True)
    path = home / "scans" / inbox_file[0]
    path.write_bytes(inbox_file[1])
    os.utime(path, (time.time() - 60, time.time() - 60))
    argv = [sys.executable, "-c", _TREE_PEAK, sys.executable, "-m", "counterdesk", "--home", str(home),
            "--db", f"sqlite:///{home / 'data' / 'counterdesk.db'}", "scans", "list", "--json"]
    done = subprocess.run(argv, env={k: v for k, v in env.items() if k != "COUNTERDESK_DB_URL"},
                          capture_output=True, text=True, timeout=180, check=True)
    result = json.loads(done.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"scans list exited {result['rc']}")
    return result["s"], result["mb"]


_hostile: dict[str, tuple[float, float, float, float]] = {}


def bench_hostile_scan(home: Path, env: dict[str, str], figure: str) -> Figure:
    """``scans list`` with the 18 MB, 250-page Flate bomb (74 MB a page) in the inbox, against one real scan."""
    if not _hostile:
        from tests.bench.synthetic import write_scan
        from tests.hostile import flate_bomb_pdf

        write_scan(home / "plain.pdf", "scan")
        bomb = flate_bomb_pdf(250)
        value_s, value_mb = scans_list_cost(home / "hostile", ("bomb.pdf", bomb), env)
        base_s, base_mb = scans_list_cost(home / "hostile", ("scan.pdf", (home / "plain.pdf").read_bytes()), env)
        _hostile["figures"] = (value_s, value_mb, base_s, base_mb)
    value_s, value_mb, base_s, base_mb = _hostile["figures"]
    if figure == "hostile_scan_s":
        return Figure(figure, value_s, "s", base_s, "≤ 10 s", _at_most(value_s, 10),
                      note="baseline: the same command on one real scan")
    return Figure(figure, value_mb, "MB", base_mb, "≤ 500 MB", _at_most(value_mb, 500),
                  note="largest process of the command's tree (the command, the checker or a check)")


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """CPU time (user and system) of a whole process and the children it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, capture_output=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[-4:])} exited {done.returncode}: {done.stderr.decode()[-300:]}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


_commands: dict[str, list[float]] = {}


def bench_commands(home: Path, catalog_dir: Path, env: dict[str, str], runs: int, figure: str) -> Figure:
    """``counterdesk status N --json`` and ``counterdesk receipt N -o F`` as whole processes (CPU, median),
    against ``python -c "import sqlmodel"``, the three in turns.

    The hall has the run's big catalog and one application received by batch. Each command runs once
    first (the catalog's cache and index and Python's bytecode written, as on any second use); bytecode
    is written even when the caller's environment says not to, as an installed program has it.
    """
    if not _commands:
        from sqlmodel import Session

        from counterdesk.services.batch import import_batch
        from counterdesk.services.staff import Actor

        settings, engine, catalog = open_home(home / "cmd", catalog_dir)
        with Session(engine) as session:
            number = import_batch(session, actor=Actor(SUPERVISOR_ID, "王科长", "supervisor", 1), catalog=catalog,
                                  settings=settings, path=batch_file(home / "cmd-batch", 1, attachments=True)).numbers[0]
        engine.dispose()
        cmd_env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cmd_env.update(COUNTERDESK_HOME=str(settings.home), COUNTERDESK_DB_URL=settings.db_url)
        script = Path(sys.executable).with_name("counterdesk")
        program = [str(script)] if script.exists() else [sys.executable, "-m", "counterdesk"]
        status = [*program, "status", number, "--json"]
        receipt = [*program, "receipt", number, "-o", str(home / "cmd" / "receipt.pdf"), "--force"]
        baseline = [sys.executable, "-c", "import sqlmodel"]
        samples: list[list[float]] = [[], [], []]
        # A folder changed in the last seconds may still change unseen: the catalog's index is written
        # only once it has been quiet that long, as a hall's catalog is (it was built a moment ago).
        quiet = max(path.stat().st_mtime for path in (catalog_dir, catalog_dir / "matters")) + 3.5
        time.sleep(max(0.0, quiet - time.time()))
        for argv in (status, receipt, baseline):
            cpu_seconds(argv, cmd_env)
        if not list((settings.cache_dir).glob("catalog-*.index.bin")):
            raise RuntimeError("the first command left no catalog index in the cache")
        for _ in range(max(runs, 7)):
            for sample, argv in zip(samples, (status, receipt, baseline), strict=True):
                sample.append(cpu_seconds(argv, cmd_env))
        _commands["cpu"] = [statistics.median(sample) for sample in samples]
    status_s, receipt_s, base_s = _commands["cpu"]
    note = "CPU of the whole process; baseline: python -c \"import sqlmodel\""
    if figure == "status_s":
        return Figure(figure, status_s, "s", base_s, "≤ 1.5 × baseline", status_s <= 1.5 * base_s, note=note)
    return Figure(figure, receipt_s, "s", base_s, "≤ 2 × baseline", receipt_s <= 2 * base_s, note=note)


def bench_catalog_load(home: Path, catalog_dir: Path, runs: int) -> Figure:
    """Loading the run's catalog with its parsed cache in place (median), against the load that parses
    the files and writes the cache."""
    from counterdesk.catalog import clear_cache, load_catalog

    cache_dir = home / "catalog-cache"
    clear_cache()
    start = time.perf_counter()
    count = len(load_catalog(catalog_dir, cache_dir=cache_dir).matters)
    cold = time.perf_counter() - start

    def warm() -> None:
        clear_cache()
        assert len(load_catalog(catalog_dir, cache_dir=cache_dir).matters) == count

    value = median_time(warm, runs)
    clear_cache()
    return Figure("catalog_load_s", value, "s", cold, "≤ 1 s", _at_most(value, 1),
                  note=f"{count:,} matters; baseline: the same load parsing every file (no cache yet)")


def inbox_tui_cost(home: Path, inbox_file: tuple[str, bytes], env: dict[str, str]) -> dict:
    """The materials screen of a fresh home with ``inbox_file`` in the inbox: the TUI child's report."""
    if home.exists():
        shutil.rmtree(home)
    _, engine, _ = open_home(home, Path(env["COUNTERDESK_CATALOG"]))
    engine.dispose()
    path = home / "scans" / inbox_file[0]
    path.write_bytes(inbox_file[1])
    os.utime(path, (time.time() - 60, time.time() - 60))
    home_env = dict(env, COUNTERDESK_HOME=str(home), COUNTERDESK_DB_URL=f"sqlite:///{home / 'data' / 'counterdesk.db'}")
    kind = "hostile_tui" if inbox_file[0] == "bomb.pdf" else "plain_tui"
    return child(kind, home_env, BENCH_MATTER, "category=laid_off", "flexible=no")[1]


def bench_hostile_tui(home: Path, env: dict[str, str]) -> Figure:
    """The TUI's peak memory on the materials screen with the 2.1 MB, 30-page Flate bomb in the inbox,
    until the bomb is shown refused; against the same screen with one real scan."""
    from tests.hostile import flate_bomb_pdf

    write_scan(home / "plain.pdf", "scan")
    value = inbox_tui_cost(home / "hostile-tui", ("bomb.pdf", flate_bomb_pdf(30)), env)
    baseline = inbox_tui_cost(home / "hostile-tui", ("scan.pdf", (home / "plain.pdf").read_bytes()), env)
    if value["verdict"] != "file_too_complex":
        raise RuntimeError(f"the bomb was not refused: {value['verdict']}")
    return Figure("hostile_tui_mb", value["rss_mb"], "MB", baseline["rss_mb"], "≤ 300 MB",
                  _at_most(value["rss_mb"], 300),
                  note=f"TUI process only; refused on screen after {value['seconds']:.1f} s, longest stall of a "
                       f"20 ms timer meanwhile {value['stall_ms']:.0f} ms (baseline {baseline['stall_ms']:.0f} ms)")


def guarded(name: str, unit: str, target: str, measure) -> Figure:
    """Measure one figure; one that fails is reported with value null and the reason."""
    try:
        return measure()
    except Exception as error:  # noqa: BLE001 - a broken figure must not hide the others
        return Figure(name, None, unit, None, target, None, note=f"not measured: {type(error).__name__}: {error}")


SELF_CONTAINED = {"search_p95_ms", "import_rows_s", "import_att_rows_s", "transfer_rows_s", "cli_help_s",
                  "hostile_scan_s", "hostile_scan_mb", "hostile_tui_mb", "queue_pg_ms", "import_pg_rows_s",
                  "catalog_load_s", "status_s", "pdf_cmd_s"}
"""Figures that do not read the million stored applications (``--only`` skips building them)."""


def run_all(sizes: dict, home: Path, progress, only: set[str] | None = None) -> list[Figure]:
    """Build the data in ``home`` and measure every figure (or those in ``only``)."""
    runs = sizes["runs"]
    progress(f"catalog of {sizes['matters']} matters")
    catalog_dir = build_catalog(home, sizes["matters"])
    settings, engine, catalog = open_home(home, catalog_dir)
    if only is None or not only <= SELF_CONTAINED:
        progress(f"{sizes['applications']} applications")
        fill_queue(home / "data" / "counterdesk.db", sizes["applications"], sizes["today"], catalog)
    env = dict(os.environ, COUNTERDESK_HOME=str(home), COUNTERDESK_CATALOG=str(catalog_dir),
               COUNTERDESK_DB_URL=settings.db_url)
    import_settings, import_engine, _ = open_home(home / "import", catalog_dir)
    steps = [
        ("startup_s", "s cpu", "≤ 1.3 × baseline and ≤ 1.0 s", lambda: bench_startup(env, runs)),
        ("search_p95_ms", "ms", "≤ 5 ms", lambda: bench_search(catalog)),
        ("queue_ms", "ms", "≤ 50 ms", lambda: bench_queue(settings, engine, catalog, runs)),
        ("queue_screen_ms", "ms", "≤ 150 ms", lambda: bench_queue_screen(settings, engine, catalog, runs)),
        ("form_key_p95_ms", "ms", "≤ 30 ms",
         lambda: bench_form_keys(settings, engine, catalog, runs)),
        ("overdue_ms", "ms", "≤ 100 ms", lambda: bench_overdue(settings, engine, catalog, runs)),
        ("owed_ms", "ms", "≤ 100 ms", lambda: bench_owed(settings, engine, catalog, runs)),
        ("import_rows_s", "rows/s", "≥ 6,000 rows/s",
         lambda: bench_import(home, import_settings, import_engine, catalog, sizes["import_rows"],
                              attachments=False)),
        ("import_att_rows_s", "rows/s", "≥ 300 rows/s",
         lambda: bench_import(home, import_settings, import_engine, catalog, sizes["import_rows"],
                              attachments=True)),
        ("queue_pg_ms", "ms", "≤ 50 ms", lambda: bench_queue_pg(home, catalog_dir, sizes)),
        ("import_pg_rows_s", "rows/s", "≥ 6,000 rows/s", lambda: bench_import_pg(home, catalog_dir, sizes["import_rows"])),
        ("transfer_rows_s", "rows/s", "≥ 200 rows/s",
         lambda: bench_transfer(home, catalog_dir, sizes["transfer_rows"])),
        ("card_ms", "ms", "≤ 50 ms", lambda: bench_card(engine, catalog, runs)),
        ("packet_s", "s", "≤ 1 s", lambda: bench_packet(home, runs)),
        ("tui_rss_mb", "MB", "≤ 200 MB", lambda: bench_rss(env)),
        ("cli_help_s", "s", "≤ 0.4 s", lambda: bench_cli_help(env, runs)),
        ("catalog_load_s", "s", "≤ 1 s", lambda: bench_catalog_load(home, catalog_dir, runs)),
        ("status_s", "s", "≤ 1.5 × baseline", lambda: bench_commands(home, catalog_dir, env, runs, "status_s")),
        ("pdf_cmd_s", "s", "≤ 2 × baseline", lambda: bench_commands(home, catalog_dir, env, runs, "pdf_cmd_s")),
        ("hostile_scan_s", "s", "≤ 10 s", lambda: bench_hostile_scan(home, env, "hostile_scan_s")),
        ("hostile_scan_mb", "MB", "≤ 500 MB", lambda: bench_hostile_scan(home, env, "hostile_scan_mb")),
        ("hostile_tui_mb", "MB", "≤ 300 MB", lambda: bench_hostile_tui(home, env)),
    ]
    figures = []
    for name, unit, target, measure in steps:
        if only is not None and name not in only:
            continue
        progress(name)
        figures.append(guarded(name, unit, target, measure))
    engine.dispose()
    import_engine.dispose()
    return figures


def table(figures: list[Figure]) -> str:
    """The figures as aligned text lines."""
    def cell(value: float | None) -> str:
        return "—" if value is None else f"{value:,.3f}" if value < 100 else f"{value:,.0f}"

    lines = [f"{'figure':<18} {'value':>10} {'unit':<7} {'baseline':>10} {'ratio':>8}  {'target':<30} met"]
    for f in figures:
        met = "—" if f.met is None else "yes" if f.met else "NO"
        lines.append(f"{f.name:<18} {cell(f.value):>10} {f.unit:<7} {cell(f.baseline):>10} {cell(f.ratio):>8}  "
                     f"{f.target:<30} {met}")
        if f.note:
            lines.append(f"    {f.note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the options, measure, print; exit code 1 when a target is missed."""
    parser = argparse.ArgumentParser(description="Measure counterdesk's benchmark figures (issue 10).")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    parser.add_argument("--json", action="store_true", help="print one JSON object and nothing else on stdout")
    parser.add_argument("--only", help="measure only these figures, comma-separated (e.g. transfer_rows_s)")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    sizes = QUICK if args.quick else FULL

    def progress(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    home = Path(tempfile.mkdtemp(prefix="counterdesk-bench-"))
    try:
        figures = run_all(sizes, home, progress, only)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if args.json:
        print(json.dumps({f.name: f.as_dict() for f in figures}, ensure_ascii=False))
    else:
        print(table(figures))
    return 0 if all(f.met or f.note.startswith("skipped") for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
