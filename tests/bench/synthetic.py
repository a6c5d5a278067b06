"""Synthetic data for the benchmarks: a large catalog, a busy hall's database, batch files with scans."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_MATTER = "BENCH-JYKN-000"
"""The example matter with every material optional, so batch rows may come without attachments."""
SUPERVISOR_ID = "sup01"
NAME_SUFFIXES = ["长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化",
                 "娄底", "湘西"]


def build_catalog(home: Path, count: int) -> Path:
    """A catalog folder of ``count`` matters: the shipped files again and again, with new codes and names."""
    from counterdesk.catalog import shipped_data_dir

    source = sorted((shipped_data_dir() / "matters").glob("*.toml"))
    folder = home / "catalog"
    target = folder / "matters"
    target.mkdir(parents=True)
    texts = [path.read_text(encoding="utf-8") for path in source]
    for i in range(count):
        text = texts[i % len(texts)]
        suffix = f"（{NAME_SUFFIXES[i % len(NAME_SUFFIXES)]}{i // len(texts)}）"
        text = re.sub(r'^code = "([^"]+)"', lambda m, i=i: f'code = "{m.group(1)}-{i:05d}"', text, count=1, flags=re.M)
        text = re.sub(r'^name = "([^"]+)"', lambda m, s=suffix: f'name = "{m.group(1)}{s}"', text, count=1, flags=re.M)
        (target / f"m{i:05d}.toml").write_text(text, encoding="utf-8")
    example = (shipped_data_dir() / "matters" / "policy-jiuye-kunnan.toml").read_text(encoding="utf-8")
    example = example.replace('code = "ZC-JYKN-001"', f'code = "{BENCH_MATTER}"', 1)
    # every material optional; an optional material cannot also be marked for 容缺 (the catalog refuses it)
    example = re.sub(r"^tolerable = .*\n", "", example.replace("required = true", "required = false"), flags=re.M)
    (target / "bench-optional.toml").write_text(example, encoding="utf-8")
    return folder


def open_home(home: Path, catalog_dir: Path, *, county: str = "430626", hall_code: str | None = None,
              db_url: str | None = None):
    """Settings, a migrated database (the home's SQLite unless ``db_url``) with a supervisor and the
    hall, and the catalog."""
    from sqlmodel import Session

    from counterdesk.catalog import load_catalog
    from counterdesk.config import Settings, sqlite_url
    from counterdesk.services.hall import set_hall
    from counterdesk.services.staff import add_staff
    from counterdesk.store.engine import open_database

    (home / "scans").mkdir(parents=True, exist_ok=True)
    settings = Settings(home=home, db_url=db_url or sqlite_url(home / "data" / "counterdesk.db"),
                        scans_dir=home / "scans", catalog_dir=catalog_dir)
    engine = open_database(settings.db_url, home=home)
    catalog = load_catalog(catalog_dir)
    with Session(engine) as session:
        add_staff(session, actor=None, staff_id=SUPERVISOR_ID, name="王科长", role="supervisor",
                  password="counter-2026", window=1)
        set_hall(session, actor_id=SUPERVISOR_ID, name=f"{county} 政务服务中心", county_code=county, catalog=catalog,
                 hall_code=hall_code, key_dir=home / "data" if hall_code else None)
    return settings, engine, catalog


def applicant_rows(count: int = 1000):
    """The stored applicants the queue's applications point at (ids 1 to ``count``)."""
    return ((f"4306261985{i:08d}", f"申请人{i}", "2026-01-01 00:00:00", "2026-01-01 00:00:00") for i in range(count))


APPLICANT_SQL = ("INSERT INTO applicant (kind, id_type, id_number, name, created_at, updated_at) "
                 "VALUES ('personal', 'resident_id', ?, ?, ?, ?)")
APPLICATION_COLUMNS = ("number, matter_code, county_code, status, \"window\", clerk_id, applicant_id, remark, step, "
                       "created_at, updated_at, submitted_at, submitted_on, version, due_date")


def application_rows(start: int, stop: int, on_today: int, codes: list[str]):
    """Applications ``start`` to ``stop`` of the queue, as tuples in ``APPLICATION_COLUMNS`` order.

    Accepted and in-progress ones of the last 60 days carry the due date of a running clock, 21
    days after submission (those of the last 22–60 days, about 18,000 of a million, are overdue);
    older ones were completed long ago, as in a hall whose running clocks are recent.
    """
    from datetime import datetime, timedelta

    from counterdesk.domain.clock import today

    day = today()
    statuses = ["received", "accepted", "in_progress", "completed", "supplement_requested", "rejected"]
    for i in range(start, stop):
        on = day if i < on_today else day - timedelta(days=1 + i % 700)
        at = datetime.combine(on, datetime.min.time()) + timedelta(hours=8, seconds=i % 30000)
        stamp = at.isoformat(" ")
        status = statuses[i % len(statuses)]
        due = None
        if status in ("accepted", "in_progress"):
            if (day - on).days > 60:
                status = "completed"
            else:
                due = (on + timedelta(days=21)).isoformat()
        yield (f"B{on:%Y%m%d}{i:08d}", codes[i % len(codes)], "430626", status,
               1 + i % 12, SUPERVISOR_ID, 1 + i % 1000, "", "received", stamp, stamp, stamp, on.isoformat(), 1, due)


def fill_queue(db_path: Path, total: int, on_today: int, catalog) -> None:
    """``total`` submitted applications, ``on_today`` of them today (``application_rows``), inserted
    with raw ``executemany``, and what some of them promised (``promises``)."""
    from counterdesk.domain.clock import today

    day = today()
    codes = list(catalog.matters)[:200]
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA synchronous=OFF")
    con.executemany(APPLICANT_SQL, applicant_rows())
    sql = f"INSERT INTO application ({APPLICATION_COLUMNS}) VALUES ({', '.join('?' * 15)})"
    chunk = 250_000
    for start in range(0, total, chunk):
        con.executemany(sql, application_rows(start, min(total, start + chunk), on_today, codes))
        con.commit()
    con.executemany("INSERT INTO material_promise (application_id, material_code, kind, days, due_on, by_staff, "
                    "created_at, supplied_at, supplied_by, outcome, checked_at, checked_by) "
                    "VALUES (?, 'M05', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", promises(con, day))
    con.commit()
    con.execute("ANALYZE")
    con.close()


def promises(con: sqlite3.Connection, day) -> list[tuple]:
    """The 容缺 and 告知承诺 rows of the applications ``fill_queue`` stored.

    Every 20th was received without a tolerated material (容缺, due 10 days later), supplied unless
    it was received in the last 30 days (about 1,500 of a million still owe one, two thirds of them
    past the deadline; those completed or refused owe nothing); every 50th replaced a certificate by
    a commitment (告知承诺), checked unless received in the last 30 days.
    """
    from datetime import date, timedelta

    found = []
    for app_id, submitted_on, stamp in con.execute("SELECT id, submitted_on, submitted_at FROM application "
                                                   "WHERE id % 20 = 0 OR id % 50 = 0"):
        on = date.fromisoformat(submitted_on)
        settled = None if (day - on).days < 30 else stamp
        by = SUPERVISOR_ID if settled else None
        if app_id % 20 == 0:
            found.append((app_id, "tolerated", 10, (on + timedelta(days=10)).isoformat(), SUPERVISOR_ID, stamp,
                          settled, by, None, None, None))
        else:
            found.append((app_id, "commitment", None, None, SUPERVISOR_ID, stamp, None, None,
                          "true" if settled else None, settled, by))
    return found


def write_scan(path: Path, text: str, pages: int = 1) -> None:
    """A small real PDF, as a scanner drops it."""
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path))
    for page in range(pages):
        c.drawString(72, 720, f"{text} page {page + 1}")
        c.showPage()
    c.save()


def batch_file(folder: Path, count: int, *, attachments: bool, pages: int = 1, first: int = 0) -> Path:
    """``count`` valid rows of the bench matter, each with its own ``pages``-page scan of M01 when ``attachments``.

    Applicants are numbered from ``first``: two batches into one database need ranges apart, since an
    applicant with an open application of the matter is refused a second one.
    """
    from datetime import date, timedelta

    from counterdesk.domain.idnumbers import build_resident_id

    sample = json.loads((ROOT / "data" / "samples" / "applications.jsonl").read_text(encoding="utf-8").splitlines()[0])
    folder.mkdir(parents=True, exist_ok=True)
    if attachments:
        write_scan(folder / "scans" / "base.pdf", "scan M01", pages)
        base = (folder / "scans" / "base.pdf").read_bytes()
    lines = []
    for i in range(count):
        row = dict(sample, ref=f"{folder.name.upper()}-{i:06d}", matter=BENCH_MATTER, attachments={})
        born = date(1960, 1, 1) + timedelta(days=(first + i) // 900)
        row["applicant"] = dict(sample["applicant"], id_number=build_resident_id("430626", born, 1 + (first + i) % 900))
        if attachments:
            # Different bytes per row (a comment after %%EOF) so every row stores its own file.
            (folder / "scans" / f"{i}.pdf").write_bytes(base + f"\n% {i}\n".encode())
            row["attachments"] = {"M01": [f"scans/{i}.pdf"]}
        lines.append(json.dumps(row, ensure_ascii=False))
    path = folder / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
