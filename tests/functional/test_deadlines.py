"""The clock on stored applications: due dates at 受理, pauses, 延期, and the overdue / warning filters."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.domain.clock import today
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import audit, deadlines, queue, workflow
from counterdesk.store.models import Application, StatusEvent
from tests.conftest import PASSWORD
from tests.factories import advance_through, submitted_application

LIMIT = 15
"""The example matter's promised time limit (working days)."""


@pytest.fixture
def accepted(session, supervisor, clerk, catalog, settings) -> Application:
    """An application accepted today."""
    made = submitted_application(session, clerk, catalog, settings)
    workflow.advance(session, actor=supervisor, number_or_id=made.id, to_status="accepted", catalog=catalog)
    return made


def stored_due(session, application):
    session.expire_all()
    return session.get(Application, application.id).due_date


def later(monkeypatch, day):
    """Pretend the hall's day is ``day`` (the events stay where they were)."""
    monkeypatch.setattr("counterdesk.services.deadlines.today", lambda: day)
    monkeypatch.setattr("counterdesk.services.queue.today", lambda: day)


def test_acceptance_starts_the_clock_and_stores_the_due_date(session, catalog, accepted):
    due = add_working_days(today(), LIMIT, catalog.calendar)
    assert stored_due(session, accepted) == due
    clock = queue.progress(session, number=accepted.number, catalog=catalog).to_dict()
    assert (clock["due_date"], clock["remaining_workdays"], clock["clock"]) == (due.isoformat(), LIMIT, "running")


def test_received_but_not_accepted_has_no_clock(session, clerk, catalog, settings):
    made = submitted_application(session, clerk, catalog, settings)
    clock = queue.progress(session, number=made.number, catalog=catalog).to_dict()
    assert (clock["due_date"], clock["remaining_workdays"], clock["clock"]) == (None, None, "not_started")
    assert stored_due(session, made) is None


def test_a_supplement_pauses_the_clock_and_the_papers_resume_it(session, supervisor, clerk, catalog, accepted):
    workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="supplement_requested",
                     reason="缴费凭证不清晰", catalog=catalog)
    assert stored_due(session, accepted) is None
    paused = queue.progress(session, number=accepted.number, catalog=catalog).to_dict()
    assert (paused["clock"], paused["remaining_workdays"]) == ("paused", LIMIT)
    workflow.advance(session, actor=clerk, number_or_id=accepted.id, to_status="resubmitted", catalog=catalog)
    assert stored_due(session, accepted) == add_working_days(today(), LIMIT, catalog.calendar)


def test_special_procedure_pauses_and_completion_stops_the_clock(session, supervisor, catalog, accepted):
    for status, reason in (("in_progress", None), ("special_procedure", "现场勘查"), ("in_progress", None)):
        workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status=status, reason=reason,
                         catalog=catalog)
    assert stored_due(session, accepted) is not None
    advance_through(session, supervisor, accepted.id, "completed", catalog=catalog)
    assert stored_due(session, accepted) is None
    done = deadlines.clock_of(session, accepted, catalog=catalog)
    assert done.state == "stopped" and done.on_time is True


def test_supervisor_extends_the_time_limit_with_a_reason(session, supervisor, catalog, accepted):
    found = deadlines.extend(session, actor=supervisor, number_or_id=accepted.number, days=5,
                             reason="需征求住建部门意见", catalog=catalog)
    assert found.due_date == add_working_days(today(), LIMIT + 5, catalog.calendar) == stored_due(session, accepted)
    event = session.exec(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
    assert (event.kind, json.loads(event.detail), event.reason) == ("extend", {"days": 5}, "需征求住建部门意见")
    assert all(broken is None for _, broken in audit.verify_all(session).values())


def test_extension_is_a_supervisors_act_with_a_reason_on_a_running_clock(session, supervisor, clerk, catalog,
                                                                         settings, accepted):
    with pytest.raises(Forbidden):
        deadlines.extend(session, actor=clerk, number_or_id=accepted.id, days=5, reason="理由", catalog=catalog)
    with pytest.raises(InvalidInput) as no_reason:
        deadlines.extend(session, actor=supervisor, number_or_id=accepted.id, days=5, reason=" ", catalog=catalog)
    assert no_reason.value.code == "reason_required"
    with pytest.raises(InvalidInput) as too_long:
        deadlines.extend(session, actor=supervisor, number_or_id=accepted.id, days=0, reason="理由", catalog=catalog)
    assert too_long.value.code == "days"
    waiting = submitted_application(session, clerk, catalog, settings)
    with pytest.raises(InvalidInput) as not_started:
        deadlines.extend(session, actor=supervisor, number_or_id=waiting.id, days=5, reason="理由", catalog=catalog)
    assert not_started.value.code == "clock_not_running"


def test_queue_filters_overdue_and_warning_applications_of_every_day(session, supervisor, catalog, accepted,
                                                                    monkeypatch):
    due = stored_due(session, accepted)
    later(monkeypatch, due + timedelta(days=1))
    overdue = queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due="overdue")
    assert [r.number for r in overdue.rows] == [accepted.number]
    assert overdue.rows[0].deadline.overdue and overdue.rows[0].to_dict()["remaining_workdays"] <= 0
    later(monkeypatch, due - timedelta(days=1))
    warned = queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due="warning")
    assert [r.number for r in warned.rows] == [accepted.number] and warned.rows[0].deadline.warning
    assert queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due="overdue").rows == []
    later(monkeypatch, today())
    assert queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due="warning").rows == []


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke


def test_cli_extend_then_status_json_shows_the_new_due_date(session, catalog, accepted, run):
    session.commit()
    result = run("extend", accepted.number, "--days", "3", "--reason", "专家评审意见未返回", "--staff", "sup01")
    assert result.exit_code == 0, result.output
    status = json.loads(run("status", accepted.number, "--json").stdout)
    assert status["due_date"] == add_working_days(today(), LIMIT + 3, catalog.calendar).isoformat()
    assert status["remaining_workdays"] == LIMIT + 3 and status["clock"] == "running"


def test_cli_extend_by_a_clerk_or_without_days_is_refused(session, clerk, accepted, run):
    session.commit()
    refused = run("extend", accepted.number, "--days", "3", "--reason", "理由", "--staff", "c03")
    assert refused.exit_code != 0 and "值班长" in refused.stderr
    assert run("extend", accepted.number, "--reason", "理由", "--staff", "sup01").exit_code == 2


def test_cli_queue_overdue_is_empty_today_and_warning_rows_carry_the_clock(session, accepted, run):
    session.commit()
    overdue = run("queue", "--overdue", "--json")
    assert (overdue.exit_code, json.loads(overdue.stdout)) == (0, [])
    assert run("queue", "--overdue", "--warning").exit_code == 2


def test_daily_report_gives_the_on_time_rate_and_lists_the_overdue(session, supervisor, clerk, catalog, settings,
                                                                   accepted):
    from counterdesk.services import report

    done = submitted_application(session, clerk, catalog, settings)
    advance_through(session, supervisor, done.id, "accepted", "completed", catalog=catalog)
    figures = report.daily_report(session, day=today(), catalog=catalog)
    assert (figures.completed, figures.completed_on_time, figures.on_time_rate, figures.overdue) == (1, 1, 1.0, [])
    late_day = stored_due(session, accepted) + timedelta(days=7)
    later_figures = report.daily_report(session, day=late_day, catalog=catalog)
    assert [o.number for o in later_figures.overdue] == [accepted.number]
    assert later_figures.overdue[0].remaining < 0 and later_figures.on_time_rate is None
    assert later_figures.to_dict()["overdue"][0]["due_date"] == stored_due(session, accepted).isoformat()
    assert b"%PDF" in report.render_pdf(later_figures)[:8]


def test_home_counts_for_supervisors(session, supervisor, clerk, catalog, accepted, monkeypatch):
    assert deadlines.due_counts(session, actor=supervisor) == (0, 0)
    later(monkeypatch, stored_due(session, accepted))
    assert deadlines.due_counts(session, actor=supervisor) == (1, 0)
    later(monkeypatch, stored_due(session, accepted) + timedelta(days=1))
    assert deadlines.due_counts(session, actor=supervisor) == (0, 1)
    with pytest.raises(Forbidden):
        deadlines.due_counts(session, actor=clerk)
