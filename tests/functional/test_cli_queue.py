"""The supervisor's commands as scripts use them: queue, status, advance, report, audit verify."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.domain.clock import today
from counterdesk.services import workflow
from tests.conftest import PASSWORD
from tests.factories import applicant_form, submitted_application

QUEUE_KEYS = ["number", "status", "matter_code", "county_code", "window", "clerk", "submitted_at",
              "applicant_masked", "due_date", "remaining_workdays", "clock", "tolerated", "tolerated_due",
              "tolerated_overdue"]


@pytest.fixture
def hall(session, supervisor, clerk, other_clerk, catalog, settings):
    """Window 3 took two applications (one accepted), window 5 one; the CLI then opens the database itself."""
    made = [submitted_application(session, clerk, catalog, settings, form=applicant_form(name="张三丰")),
            submitted_application(session, clerk, catalog, settings, form=applicant_form(name="李四")),
            submitted_application(session, other_clerk, catalog, settings, form=applicant_form(name="王五"))]
    numbers = [a.number for a in made]
    workflow.advance(session, actor=supervisor, number_or_id=numbers[1], to_status="accepted")
    session.commit()
    return numbers


@pytest.fixture
def run(settings):
    """Run ``counterdesk`` against the test database."""
    runner = CliRunner()

    def invoke(*args: str, password: str = PASSWORD):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": password})

    return invoke


def test_queue_json_lists_the_days_applications_masked(run, hall):
    result = run("queue", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["number"] for r in rows] == hall
    assert all(list(r) == QUEUE_KEYS for r in rows)
    assert [r["applicant_masked"] for r in rows] == ["张**", "李*", "王*"]
    assert rows[0]["matter_code"] == "ZC-JYKN-001" and rows[0]["county_code"] == "430626"
    assert (rows[0]["window"], rows[0]["clerk"]) == (3, "c03")


def test_queue_filters_by_status_window_and_clerk(run, hall):
    assert [r["number"] for r in json.loads(run("queue", "--status", "accepted", "--json").stdout)] == [hall[1]]
    assert [r["number"] for r in json.loads(run("queue", "--window", "5", "--json").stdout)] == [hall[2]]
    assert [r["number"] for r in json.loads(run("queue", "--clerk", "c03", "--json").stdout)] == hall[:2]


def test_queue_of_a_quiet_day_is_an_empty_list(run, hall):
    result = run("queue", "--date", "2020-01-01", "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_queue_csv_has_the_contract_columns(run, hall):
    result = run("queue", "--csv", "--date", today().isoformat())
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.exit_code == 0
    assert list(rows[0]) == QUEUE_KEYS and [r["number"] for r in rows] == hall


def test_queue_table_for_people(run, hall):
    result = run("queue")
    assert result.exit_code == 0
    # At 80 columns the number breaks after its day, and every heading is whole.
    day, rest = hall[0][:16], hall[0][16:]
    assert f"{day}" in result.stdout and rest in result.stdout and "张**" in result.stdout
    assert "张三丰" not in result.stdout and all(heading in result.stdout for heading in ("申请人", "剩余工作日"))


@pytest.mark.parametrize("args", [["--date", "2026-13-01"], ["--status", "approved"], ["--json", "--csv"]])
def test_queue_refuses_invalid_options_with_exit_2(run, hall, args):
    result = run("queue", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() and "Traceback" not in result.output


def test_status_json_gives_the_timeline(run, hall):
    result = run("status", hall[1], "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["number", "status", "matter", "county", "submitted_at", "received_by", "handled_in",
                          "due_date", "remaining_workdays", "clock", "tolerated", "tolerated_due",
                          "tolerated_overdue", "items", "promises", "events"]
    assert data["clock"] == "running" and data["remaining_workdays"] == 15
    assert (data["received_by"], data["handled_in"]) == ("43062601", "430626")
    assert data["status"] == "accepted"
    assert data["matter"] == {"code": "ZC-JYKN-001", "name": "我要申请认定为就业困难人员"}
    assert data["county"] == {"code": "430626", "name": "平江县"}
    assert [list(e) for e in data["events"]] == [["at", "from", "to", "by", "reason", "kind", "hall_code",
                                                  "detail"]] * 2
    assert [e["hall_code"] for e in data["events"]] == ["43062601", "43062601"]
    assert [(e["from"], e["to"], e["by"]) for e in data["events"]] == [("draft", "received", "c03"),
                                                                       ("received", "accepted", "sup01")]


def test_status_for_people_names_the_status(run, hall):
    result = run("status", hall[1])
    assert result.exit_code == 0 and "已受理" in result.stdout


def test_status_with_a_wrong_check_character_exits_2(run, hall):
    number = hall[0]
    result = run("status", number[:-1] + ("1" if number[-1] != "1" else "2"))
    assert result.exit_code == 2
    assert "校验位" in result.stderr


def test_status_reads_a_number_typed_with_long_dashes(run, hall):
    result = run("status", hall[0].replace("-", "—"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["number"] == hall[0]


def test_status_of_a_malformed_number_exits_2(run, hall):
    result = run("status", "430626-2026")
    assert result.exit_code == 2 and "格式" in result.stderr


def test_status_of_an_unknown_number_exits_1(run, hall):
    result = run("status", "430626-20200101-00001-" + _check("4306262020010100001"))
    assert result.exit_code == 1 and "没有编号为" in result.stderr


def _check(digits: str) -> str:
    from counterdesk.domain.iso7064 import mod11_2_check_char

    return mod11_2_check_char(digits)


def test_supervisor_accepts_from_the_shell(run, hall):
    result = run("advance", hall[0], "--to", "accepted", "--staff", "sup01")
    assert result.exit_code == 0, result.output
    assert "已受理" in result.stdout
    assert json.loads(run("status", hall[0], "--json").stdout)["status"] == "accepted"


def test_supplement_from_the_shell_needs_the_missing_materials(run, hall):
    unnamed = run("advance", hall[0], "--to", "supplement_requested", "--reason", "缺身份证复印件", "--staff", "sup01")
    assert unnamed.exit_code == 2 and "--material" in unnamed.stderr
    done = run("advance", hall[0], "--to", "supplement_requested", "--material", "M03", "--reason", "缺身份证复印件",
               "--staff", "sup01")
    assert done.exit_code == 0, done.output
    assert "第 1 次补正告知" in done.stdout
    events = json.loads(run("status", hall[0], "--json").stdout)["events"]
    assert events[-1]["reason"] == "缺身份证复印件"


def test_clerk_cannot_accept_from_the_shell(run, hall):
    result = run("advance", hall[0], "--to", "accepted", "--staff", "c03")
    assert result.exit_code == 2 and "值班长" in result.stderr


def test_advance_without_staff_or_with_a_wrong_password_is_refused(run, hall):
    assert run("advance", hall[0], "--to", "accepted").exit_code == 2
    wrong = run("advance", hall[0], "--to", "accepted", "--staff", "sup01", password="not-the-password")
    assert wrong.exit_code == 2 and "密码" in wrong.stderr


def test_advance_of_an_unknown_number_exits_1(run, hall):
    result = run("advance", "430626-20200101-00001-" + _check("4306262020010100001"), "--to", "accepted",
                 "--staff", "sup01")
    assert result.exit_code == 1


def test_move_outside_the_workflow_exits_2(run, hall):
    result = run("advance", hall[0], "--to", "completed", "--staff", "sup01")
    assert result.exit_code == 2 and "不能从" in result.stderr


def test_report_pdf_is_written_owner_only(run, hall, tmp_path):
    target = tmp_path / "out" / "report.pdf"
    result = run("report", "--date", today().isoformat(), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    assert target.stat().st_mode & 0o077 == 0


def test_report_csv_to_stdout_and_to_a_file(run, hall, tmp_path):
    printed = run("report", "--csv")
    assert printed.exit_code == 0
    assert ["total", "", f"{today().isoformat()} 合计", "3"] in list(csv.reader(io.StringIO(printed.stdout)))
    target = tmp_path / "report.csv"
    assert run("report", "--csv", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8-sig").startswith("section,code,label,count")


def test_report_json_counts_by_status(run, hall):
    data = json.loads(run("report", "--json").stdout)
    assert data["total"] == 3
    assert {t["code"]: t["count"] for t in data["by_status"]} == {"received": 2, "accepted": 1}


def test_report_without_an_output_is_a_usage_error(run, hall):
    result = run("report")
    assert result.exit_code == 2 and "-o" in result.stderr


def test_audit_verify_passes_on_an_untouched_database(run, hall):
    result = run("audit", "verify", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["status_event"]["ok"] and data["status_event"]["checked"] == 4
    assert data["audit_log"]["ok"] and data["audit_log"]["checked"] >= 3


def tamper_with_status_event(engine, event_id: int) -> None:
    """What someone with direct database access might do: lift the guard and rewrite a reason."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER status_event_no_update"))
        else:
            connection.execute(text("ALTER TABLE status_event DISABLE TRIGGER status_event_append_only"))
        connection.execute(text("UPDATE status_event SET by_staff = 'nobody' WHERE id = :id"), {"id": event_id})


def test_audit_verify_names_the_first_altered_entry_and_exits_1(run, engine, hall):
    tamper_with_status_event(engine, 2)
    result = run("audit", "verify")
    assert result.exit_code == 1
    assert "id=2" in result.stderr and "被改动" in result.stderr
    assert "审计日志：已核对" in result.stdout


def test_queue_and_report_csv_never_hand_a_spreadsheet_a_formula(run, hall, session, clerk):
    from counterdesk.store.models import Staff

    staff = session.get(Staff, clerk.id)
    staff.name = '=HYPERLINK("http://evil.example","王")'
    session.add(staff)
    session.commit()
    for args in (("queue", "--csv"), ("report", "--csv")):
        result = run(*args)
        assert result.exit_code == 0, result.output
        cells = [cell for row in csv.reader(io.StringIO(result.stdout)) for cell in row]
        # The queue names the clerk by ID; the report by name.
        assert args[0] == "queue" or any(cell.startswith("'" + staff.name) for cell in cells)
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
