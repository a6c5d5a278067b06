"""The benchmark script still runs end to end (only with COUNTERDESK_BENCH_SMOKE=1: it takes about a minute)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "bench" / "run.py"
FIGURES = {"startup_s", "search_p95_ms", "queue_ms", "queue_screen_ms", "form_key_p95_ms", "import_rows_s",
           "import_att_rows_s", "transfer_rows_s", "card_ms", "packet_s", "tui_rss_mb", "cli_help_s", "overdue_ms", "owed_ms",
           "hostile_scan_s", "hostile_scan_mb", "hostile_tui_mb", "catalog_load_s", "status_s", "pdf_cmd_s",
           "queue_pg_ms", "import_pg_rows_s"}
NEED_SERVER = {"queue_pg_ms", "import_pg_rows_s"}
"""Reported as skipped, with the reason, when no PostgreSQL server is named."""


@pytest.mark.skipif(os.environ.get("COUNTERDESK_BENCH_SMOKE") != "1",
                    reason="benchmarks run on demand: set COUNTERDESK_BENCH_SMOKE=1 to smoke-test run.py")
def test_quick_benchmark_reports_every_figure_as_one_json_object():
    done = subprocess.run([sys.executable, str(RUN), "--quick", "--json"], capture_output=True, text=True,
                          timeout=300)
    figures = json.loads(done.stdout)
    assert set(figures) == FIGURES
    for name, figure in figures.items():
        assert set(figure) >= {"value", "unit", "baseline", "ratio", "target", "met"}, name
        skipped = name in NEED_SERVER and "no PostgreSQL server" in (figure.get("note") or "")
        assert figure["value"] is not None or skipped, f"{name}: {figure.get('note')}"
    assert done.returncode == (0 if all(f["met"] is not False for f in figures.values()) else 1)
