"""The queue and batch-import figures on PostgreSQL: ``queue_pg_ms`` and ``import_pg_rows_s``.

A hall or a city runs counterdesk on PostgreSQL; these figures hold it to the SQLite targets. They
need a server: ``COUNTERDESK_BENCH_PG_URL`` (or the tests' ``COUNTERDESK_TEST_PG_URL``) names a
database the run may create a schema in; the schema is dropped afterwards. Without one the figures
are reported as skipped, with the reason.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from tests.bench.synthetic import (
    APPLICATION_COLUMNS,
    applicant_rows,
    application_rows,
    open_home,
)

URL_VARIABLES = ("COUNTERDESK_BENCH_PG_URL", "COUNTERDESK_TEST_PG_URL")
NO_SERVER = "skipped: no PostgreSQL server (set COUNTERDESK_BENCH_PG_URL to a database the run may use)"


def server_url() -> str | None:
    return next((os.environ[name] for name in URL_VARIABLES if os.environ.get(name)), None)


@contextmanager
def pg_home(home: Path, catalog_dir: Path, base: str) -> Iterator[tuple]:
    """``open_home`` on a fresh schema of the server's database; the schema is dropped on leaving."""
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:10]
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = None
    try:
        settings, engine, catalog = open_home(home, catalog_dir, db_url=url)
        yield settings, engine, catalog, url
    finally:
        if engine is not None:
            engine.dispose()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def fill_queue_pg(url: str, total: int, on_today: int, catalog) -> None:
    """The same applications as ``synthetic.fill_queue``, through ``COPY``."""
    import psycopg

    codes = list(catalog.matters)[:200]
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        with cursor.copy("COPY applicant (kind, id_type, id_number, name, created_at, updated_at) FROM STDIN") as copy:
            for row in applicant_rows():
                copy.write_row(("personal", "resident_id", *row))
        with cursor.copy(f"COPY application ({APPLICATION_COLUMNS}) FROM STDIN") as copy:
            for row in application_rows(0, total, on_today, codes):
                copy.write_row(row)
        conn.commit()
        cursor.execute("ANALYZE applicant")
        cursor.execute("ANALYZE application")
        conn.commit()


def queue_pg(service, url: str, queue_sql: tuple[str, ...], runs: int) -> tuple[float, float]:
    """``service`` (the queue's first page), and the same SELECTs through psycopg: median ms of each."""
    import psycopg

    from counterdesk.domain.clock import today

    day = today()
    with psycopg.connect(url) as conn:
        def direct() -> None:
            for sql in queue_sql:
                conn.execute(sql.replace("?", "%s"), (day,)).fetchall()

        return _median_ms(service, runs), _median_ms(direct, runs)


def _median_ms(func, runs: int) -> float:
    func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
