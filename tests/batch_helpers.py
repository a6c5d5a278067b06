"""Batch files for the import tests: a folder of scans next to the file, and rows that pass."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from counterdesk.domain.idnumbers import credit_code_check_char
from tests.conftest import write_pdf
from tests.factories import EXAMPLE_ANSWERS, EXAMPLE_MATTER, PINGJIANG, resident_id

EXAMPLE_MATERIALS = ("M01", "M02", "M03", "M04", "M05", "M06")
SHOP_MATTER = "QY-KBLD-001"
SHOP_MATERIALS = ("M01", "M02", "M04", "M05")


def batch_folder(root: Path) -> Path:
    """A back-office folder with one scan per material under ``scans/``."""
    folder = root / "batch"
    for code in ("M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08"):
        write_pdf(folder / "scans" / f"{code}.pdf", f"scan {code}")
    return folder


def credit_code(body: str = "91430626MA4L7K2Q1") -> str:
    """A valid unified social credit code."""
    return body + credit_code_check_char(body)


def example_row(ref: str, **overrides: Any) -> dict[str, Any]:
    """The guide's example as a batch row that passes every check (personal, on-site pickup)."""
    row = {
        "ref": ref, "matter": EXAMPLE_MATTER, "county": PINGJIANG, "answers": dict(EXAMPLE_ANSWERS),
        "applicant": {"kind": "personal", "id_type": "resident_id", "id_number": resident_id(), "name": "张三",
                      "mobile": "13812347777", "household_address": "湖南省岳阳市平江县城关镇天岳大道1号"},
        "agent": None, "remark": "",
        "attachments": {code: [f"scans/{code}.pdf"] for code in EXAMPLE_MATERIALS},
        "pickup": {"method": "onsite"},
    }
    row.update(copy.deepcopy(overrides))
    return row


def shop_row(ref: str, **overrides: Any) -> dict[str, Any]:
    """A company opening a convenience store, as a batch row that passes every check."""
    row = {
        "ref": ref, "matter": SHOP_MATTER, "county": PINGJIANG,
        "answers": {"food": "packaged", "tobacco": "no", "premises": "rented"},
        "applicant": {"kind": "enterprise", "credit_code": credit_code(), "name": "平江县天岳便利店有限公司",
                      "legal_representative": "赵敏", "mobile": "0730-6221234"},
        "remark": "", "attachments": {code: [f"scans/{code}.pdf"] for code in SHOP_MATERIALS},
        "pickup": {"method": "onsite"},
    }
    row.update(copy.deepcopy(overrides))
    return row


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    """One line per row: dicts as JSON, strings written as they are (broken lines, blank lines)."""
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
