"""``counterdesk rate``, ``ratings`` and ``cases``: the contract scripts and the supervisor rely on."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from counterdesk.cli.main import app
from tests.conftest import PASSWORD
from tests.factories import submitted_application

RATING_KEYS = {"number", "score", "reasons", "window", "clerk", "at", "case_status"}


@pytest.fixture
def number(session, clerk, supervisor, catalog, settings):
    return submitted_application(session, clerk, catalog, settings).number


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke


def test_a_late_rating_by_number_is_listed_with_the_window_and_clerk(run, number):
    result = run("rate", number, "--score", "4", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["score"] == 4
    [row] = json.loads(run("ratings", "--json").stdout)
    assert set(row) == RATING_KEYS
    assert (row["number"], row["score"], row["window"], row["clerk"], row["case_status"]) == (number, 4, 3, "c03", None)
    assert json.loads(run("ratings", "--bad", "--json").stdout) == []


@pytest.mark.parametrize("score", ["0", "6"])
def test_a_score_outside_one_to_five_is_exit_2(run, number, score):
    result = run("rate", number, "--score", score)
    assert result.exit_code == 2 and result.stderr.strip().startswith("评价只能是 1 到 5 分")


def test_a_second_rating_of_the_same_service_is_exit_2(run, number):
    assert run("rate", number, "--score", "5").exit_code == 0
    second = run("rate", number, "--score", "1")
    assert second.exit_code == 2 and "已评价过" in second.stderr


def test_an_unknown_number_is_exit_1(run, number):
    from datetime import date

    from counterdesk.domain.appno import format_application_number

    assert run("rate", format_application_number("430626", date(2026, 11, 24), 99999), "--score", "5").exit_code == 1


def test_a_bad_rating_runs_through_the_ledger_with_a_supervisor_s_review(run, number):
    result = run("rate", number, "--score", "1", "--reason", "slow", "--reason", "attitude", "--comment", "态度差",
                 "--json")
    assert json.loads(result.stdout)["case_status"] == "open"
    [case] = json.loads(run("cases", "list", "--open", "--json").stdout)
    assert case["reasons"] == ["等候或办理时间太长", "工作人员服务态度差"] and not case["overdue"]
    for step, staff in (("callback", "c03"), ("rectify", "c03")):
        assert run("cases", step, str(case["id"]), "--text", "已处理", "--staff", staff).exit_code == 0
    refused = run("cases", "review", str(case["id"]), "--text", "同意", "--staff", "c03")
    assert refused.exit_code == 2 and "值班长" in refused.stderr
    assert run("cases", "review", str(case["id"]), "--text", "整改到位", "--staff", "sup01").exit_code == 0
    done = run("cases", "feedback", str(case["id"]), "--text", "已电话告知群众", "--staff", "c03", "--json")
    assert json.loads(done.stdout)["status"] == "closed"
    assert json.loads(run("ratings", "--bad", "--json").stdout)[0]["case_status"] == "closed"


def test_a_reason_for_a_good_rating_is_refused(run, number):
    result = run("rate", number, "--score", "5", "--reason", "slow")
    assert result.exit_code == 2 and "不满意" in result.stderr


def test_a_number_typed_with_spaces_around_it_is_understood(run, number):
    result = run("rate", f"  {number}  ", "--score", "5", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["number"] == number


def test_a_malformed_number_is_exit_2(run, number):
    assert run("rate", "430626-2026", "--score", "5").exit_code == 2
