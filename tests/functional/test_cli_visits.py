"""``counterdesk visit``, ``visits`` and ``failed`` as scripts and the supervisor use them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from counterdesk.cli.main import app
from tests.conftest import PASSWORD


@pytest.fixture
def run(settings, clerk, supervisor):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke


def test_clerk_logs_a_consultation_and_the_day_lists_it(run):
    result = run("visit", "--outcome", "consult", "--matter", "ZC-JYKN-001", "--ticket", "A017", "--staff", "c03",
                 "--json")
    assert result.exit_code == 0, result.output
    visit = json.loads(result.stdout)["visit"]
    assert (visit["outcome"], visit["ticket"], visit["window"], visit["staff"]) == ("consult", "A017", 3, "c03")
    listed = json.loads(run("visits", "--json").stdout)
    assert [v["id"] for v in listed] == [visit["id"]] and "service_seconds" in listed[0]


def test_an_unknown_outcome_is_one_sentence_and_exit_2(run):
    result = run("visit", "--outcome", "chat", "--staff", "c03")
    assert result.exit_code == 2 and result.stderr.strip().startswith("来访结果只能是")


def test_a_failed_visit_goes_to_the_ledger_and_the_supervisor_records_the_resolution(run):
    result = run("visit", "--outcome", "failed", "--note", "窗口打印机故障，无法出具凭证", "--staff", "c03", "--json")
    case = json.loads(result.stdout)["visit"]["case"]
    assert case["due_on"] and case["resolution"] is None
    assert [c["id"] for c in json.loads(run("failed", "list", "--open", "--json").stdout)] == [case["id"]]
    resolved = run("failed", "resolve", str(case["id"]), "--resolution", "已更换打印机并补发凭证", "--staff", "sup01",
                   "--json")
    assert resolved.exit_code == 0 and json.loads(resolved.stdout)["resolution"] == "已更换打印机并补发凭证"
    assert json.loads(run("failed", "list", "--open", "--json").stdout) == []


def test_a_referral_without_a_destination_is_refused(run):
    result = run("visit", "--outcome", "refer", "--staff", "c03")
    assert result.exit_code == 2 and "转给哪个部门" in result.stderr
