"""Two halls, two databases: window → transfer package → 办理地 → accept → return package → window.

Each hall is a working home of its own (SQLite), driven through the command line as the halls'
scripts would drive it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from counterdesk.cli.main import app
from tests.batch_helpers import batch_folder, example_row, write_jsonl
from tests.conftest import PASSWORD

CHANGSHA, PINGJIANG = "43010201", "43062601"


class Home:
    """One hall's working home, its database inside."""

    def __init__(self, root: Path, name: str, county: str, code: str) -> None:
        self.root, self.code = root, code
        self.runner = CliRunner()
        assert self.run("init", "--hall-name", name, "--county", county, "--hall-code", code).exit_code == 0
        made = self.runner.invoke(app, ["--home", str(root), "staff", "add", "sup01", "--name", "王科长", "--role",
                                        "supervisor", "--window", "1"], env={"COUNTERDESK_NEW_PASSWORD": PASSWORD})
        assert made.exit_code == 0, made.output

    def run(self, *args: str):
        return self.runner.invoke(app, ["--home", str(self.root), *args], env={"COUNTERDESK_PASSWORD": PASSWORD})

    def json(self, *args: str):
        result = self.run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    @property
    def public_key(self) -> Path:
        return self.root / "data" / "keys" / f"{self.code}.pub"

    def trust(self, other: Home) -> None:
        result = self.run("hall", "trust", other.code, str(other.public_key), "--staff", "sup01")
        assert result.exit_code == 0, result.output
        assert result.output.strip() == f"已登记大厅 {other.code}（未填写名称，可用 --name 补上）的公钥。"


@pytest.fixture
def halls(tmp_path):
    """The 长沙芙蓉 window and the 平江 back office, each trusting the other's key."""
    window = Home(tmp_path / "changsha", "长沙市芙蓉区政务服务中心", "430102", CHANGSHA)
    office = Home(tmp_path / "pingjiang", "平江县政务服务中心", "430626", PINGJIANG)
    window.trust(office)
    office.trust(window)
    return window, office


@pytest.fixture
def package(halls, tmp_path):
    """Two 平江 applications received at the 长沙 window, dispatched and written as a transfer package."""
    window, _ = halls
    folder = batch_folder(tmp_path)
    rows = write_jsonl(folder / "rows.jsonl", [example_row("r-1"), example_row("r-2")])
    numbers = window.json("batch", "import", str(rows), "--staff", "sup01")["numbers"]
    sent = window.json("transfer", "dispatch", "--to", "430626", "--waybill", "SF1234567890",
                       "-o", str(tmp_path / "流转单.pdf"), "--staff", "sup01")
    assert (sent["count"], sorted(sent["numbers"])) == (2, sorted(numbers))
    out = tmp_path / "batch.zip"
    result = window.run("transfer", "export", sent["batch"], "-o", str(out), "--staff", "sup01")
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    return out, sent["batch"], numbers


def test_round_trip_window_to_office_and_the_result_back(halls, package, tmp_path):
    window, office = halls
    out, batch, numbers = package
    assert office.json("transfer", "import", str(out), "--staff", "sup01") == {
        "kind": "transfer", "batch": batch, "imported": 2, "duplicates": 0}
    there = office.json("status", numbers[0])
    assert (there["status"], there["received_by"], there["handled_in"]) == ("signed_for", CHANGSHA, "430626")
    assert [(e["to"], e["hall_code"]) for e in there["events"]] == [
        ("received", CHANGSHA), ("in_transit", CHANGSHA), ("signed_for", PINGJIANG)]
    assert office.run("advance", numbers[0], "--to", "accepted", "--staff", "sup01").exit_code == 0

    back = tmp_path / "return.zip"
    assert office.run("transfer", "return", "--to", CHANGSHA, "-o", str(back), "--staff", "sup01").exit_code == 0
    assert window.json("transfer", "import", str(back), "--staff", "sup01") == {
        "kind": "return", "batch": None, "imported": 3, "duplicates": 0}
    here = window.json("status", numbers[0])
    assert here["status"] == "accepted" and here["received_by"] == CHANGSHA
    assert [(e["to"], e["hall_code"]) for e in here["events"]][-2:] == [("signed_for", PINGJIANG),
                                                                        ("accepted", PINGJIANG)]
    assert window.json("status", numbers[1])["status"] == "signed_for"
    nothing = office.run("transfer", "return", "--to", CHANGSHA, "-o", str(tmp_path / "again.zip"),
                         "--staff", "sup01")
    assert nothing.exit_code == 1 and "没有新的办理进度" in nothing.stderr
    assert window.run("audit", "verify").exit_code == 0 and office.run("audit", "verify").exit_code == 0


def test_the_items_are_opened_and_settled_at_the_office_and_the_window_sees_them(halls, package, tmp_path):
    window, office = halls
    out, _, numbers = package
    office.json("transfer", "import", str(out), "--staff", "sup01")
    number = numbers[0]
    assert office.run("advance", number, "--to", "accepted", "--staff", "sup01").exit_code == 0
    for item, status in (("1", "done"), ("2", "refused")):
        assert office.run("item", number, "--item", item, "--to", status, "--staff", "sup01").exit_code == 0
    assert office.run("advance", number, "--to", "completed", "--staff", "sup01").exit_code == 0
    there = office.json("status", number)["items"]
    assert [(i["number"], i["status"]) for i in there] == [(1, "done"), (2, "refused")]
    back = tmp_path / "return.zip"
    assert office.run("transfer", "return", "--to", CHANGSHA, "-o", str(back), "--staff", "sup01").exit_code == 0
    window.json("transfer", "import", str(back), "--staff", "sup01")
    here = window.json("status", number)
    assert here["status"] == "completed" and here["items"] == there
    assert window.run("audit", "verify").exit_code == 0


def test_a_second_import_of_the_same_package_changes_nothing(halls, package):
    _, office = halls
    out, batch, _ = package
    office.json("transfer", "import", str(out), "--staff", "sup01")
    assert office.json("transfer", "import", str(out), "--staff", "sup01") == {
        "kind": "transfer", "batch": batch, "imported": 0, "duplicates": 2}


def _rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a package with ``change(name, data)`` applied to every member."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = change(info.filename, original.read(info))
            if data is not None:
                copy.writestr(info.filename, data)
    return target


def _refused(office, path: Path, words: str) -> None:
    result = office.run("transfer", "import", str(path), "--staff", "sup01", "--json")
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert office.json("queue") == []


def test_a_changed_row_breaks_the_signature_and_nothing_is_stored(halls, package, tmp_path):
    _, office = halls
    out, _, _ = package
    forged = _rewrite(out, tmp_path / "forged.zip",
                      lambda name, data: data.replace("张三".encode(), "李四".encode()) if name == "rows.jsonl" else data)
    _refused(office, forged, "rows.jsonl")


def test_an_attachment_whose_hash_does_not_match_is_refused(halls, package, tmp_path):
    _, office = halls
    out, _, _ = package
    swapped = _rewrite(out, tmp_path / "swapped.zip",
                       lambda name, data: data[:100] + bytes([data[100] ^ 1]) + data[101:]
                       if name.startswith("files/") else data)
    _refused(office, swapped, "SHA-256")


def test_a_changed_manifest_fails_the_signature(halls, package, tmp_path):
    _, office = halls
    out, _, _ = package
    forged = _rewrite(out, tmp_path / "manifest.zip",
                      lambda name, data: data.replace(b'"to_county": "430626"', b'"to_county": "430626" ')
                      if name == "manifest.json" else data)
    _refused(office, forged, "签名")


def test_a_truncated_package_is_refused_whole(halls, package, tmp_path):
    _, office = halls
    out, _, _ = package
    cut = tmp_path / "cut.zip"
    cut.write_bytes(out.read_bytes()[: out.stat().st_size * 2 // 3])
    _refused(office, cut, "截断")


def test_a_package_from_a_hall_not_trusted_here_is_refused(halls, package, tmp_path):
    stranger = Home(tmp_path / "yueyang", "平江县第二政务服务点", "430626", "43062602")
    out, _, _ = package
    _refused(stranger, out, "未在本大厅登记公钥")


def test_a_member_outside_the_manifest_or_a_path_leaving_the_folder_is_refused(halls, package, tmp_path):
    _, office = halls
    out, _, _ = package
    with zipfile.ZipFile(out) as original, zipfile.ZipFile(tmp_path / "evil.zip", "w") as evil:
        for info in original.infolist():
            evil.writestr(info.filename, original.read(info))
        evil.writestr("../../etc/cron.d/evil", b"* * * * * root true\n")
    _refused(office, tmp_path / "evil.zip", "不应出现的文件")
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(halls, package, tmp_path):
    _, office = halls
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("files/" + "0" * 64, b"\0" * (64 * 2**20))
    _refused(office, bomb, "大小上限")


def test_the_window_lists_what_it_sent_as_in_transit_and_the_office_signing_ends_it(halls, package):
    window, office = halls
    out, _, numbers = package
    assert sorted(row["number"] for row in window.json("queue", "--in-transit")) == sorted(numbers)
    assert window.json("queue", "--unsigned") == []  # sent today: not late yet
    both = window.run("queue", "--in-transit", "--unsigned")
    assert both.exit_code == 2 and "只能选一个" in both.stderr
    assert office.run("transfer", "import", str(out), "--staff", "sup01").exit_code == 0
    assert office.json("queue", "--in-transit") == []


def test_a_tolerated_material_travels_with_the_date_promised_at_the_window(halls, tmp_path):
    window, office = halls
    folder = batch_folder(tmp_path)
    row = example_row("r-t", answers={"category": "laid_off", "flexible": "yes", "bank": "no"}, tolerated=["M05"])
    del row["attachments"]["M05"]
    [number] = window.json("batch", "import", str(write_jsonl(folder / "rows.jsonl", [row])), "--staff",
                           "sup01")["numbers"]
    promised = window.json("status", number)["tolerated_due"]
    sent = window.json("transfer", "dispatch", "--to", "430626", "-o", str(tmp_path / "流转单.pdf"),
                       "--staff", "sup01")
    out = tmp_path / "batch.zip"
    assert window.run("transfer", "export", sent["batch"], "-o", str(out), "--staff", "sup01").exit_code == 0
    assert office.json("transfer", "import", str(out), "--staff", "sup01")["imported"] == 1
    there = office.json("status", number)
    assert (there["tolerated"], there["tolerated_due"]) == (["M05"], promised)
    assert there["events"][0]["detail"] == {"tolerated": {"M05": promised}}
    # The citizen brings the passbook back to the 长沙 window: the file would stay in 长沙's database,
    # so the window refuses it and says where it must go; the 平江 window takes it.
    from tests.conftest import write_pdf

    scan = write_pdf(tmp_path / "存折.pdf", "邮政储蓄银行活期存折")
    refused = window.run("supply", number, "M05", str(scan), "--staff", "sup01")
    assert refused.exit_code == 2 and "已随批次" in refused.output and "岳阳市平江县" in refused.output
    assert window.json("status", number)["tolerated"] == ["M05"] and scan.exists()
    supplied = office.run("supply", number, "M05", str(scan), "--staff", "sup01")
    assert supplied.exit_code == 0, supplied.output
    assert office.json("status", number)["tolerated"] == []
    # The return package tells the window: it no longer shows the passbook as owed.
    back = tmp_path / "return.zip"
    assert office.run("transfer", "return", "--to", CHANGSHA, "-o", str(back), "--staff", "sup01").exit_code == 0
    assert window.json("transfer", "import", str(back), "--staff", "sup01")["imported"] == 2
    here = window.json("status", number)
    assert here["tolerated"] == [] and here["events"][-1]["kind"] == "supplied"
    assert here["events"][-1]["detail"] == {"material": "M05", "name": "邮政储蓄银行活期存折", "late": False}
    shown = window.run("status", number).output
    assert "容缺 邮政储蓄银行活期存折（M05）：已补交" in shown and "补交容缺材料“邮政储蓄银行" in shown
    assert window.run("audit", "verify").exit_code == 0 and office.run("audit", "verify").exit_code == 0
