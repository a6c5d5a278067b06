"""The visit log and 办理模式: a window's day is more than applications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from counterdesk.domain.clock import now, today
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import applications
from counterdesk.services.batch import import_batch
from counterdesk.services.ratings import pending_for_window
from counterdesk.services.visits import (
    close_as_consultation,
    counts_by_outcome,
    failed_cases,
    record_visit,
    resolve_failed,
    visits_of_day,
)
from counterdesk.store.models import Application, Visit
from tests.batch_helpers import batch_folder, example_row, write_jsonl
from tests.factories import PINGJIANG

MARRIAGE = "GR-JHDJ-001"
FIRST_MARRIAGE = {"previous_marriage": "none", "soldier": "no", "update_hukou": "no"}


def test_a_question_answered_with_a_card_is_logged_with_ticket_window_and_service_time(session, clerk, catalog):
    called = now() - timedelta(minutes=7)
    visit = record_visit(session, actor=clerk, catalog=catalog, outcome="consult", matter_code="ZC-JYKN-001",
                         ticket_no="A017", called_at=called)
    [row] = visits_of_day(session)
    assert (row.id, row.outcome_label, row.ticket_no, row.window, row.staff_id) == (visit.id, "咨询", "A017", 3, "c03")
    assert 7 * 60 <= row.service_seconds <= 7 * 60 + 5
    assert row.as_dict()["matter"] == "ZC-JYKN-001" and row.case is None


def test_a_referral_must_say_where_to_and_an_unknown_outcome_is_refused(session, clerk, catalog):
    with pytest.raises(InvalidInput) as refused:
        record_visit(session, actor=clerk, catalog=catalog, outcome="refer")
    assert refused.value.code == "visit_referred_to"
    with pytest.raises(InvalidInput) as refused:
        record_visit(session, actor=clerk, catalog=catalog, outcome="chat")
    assert refused.value.code == "visit_outcome"
    visit = record_visit(session, actor=clerk, catalog=catalog, outcome="refer", referred_to="县不动产登记中心")
    assert visit.referred_to == "县不动产登记中心"


def test_something_that_could_not_be_done_opens_a_case_due_in_working_days_until_resolved(
        session, clerk, supervisor, catalog):
    with pytest.raises(InvalidInput):
        record_visit(session, actor=clerk, catalog=catalog, outcome="failed")
    visit = record_visit(session, actor=clerk, catalog=catalog, outcome="failed", matter_code="ZC-JYKN-001",
                         note="社保系统查不到缴费记录，无法认定", case_days=5)
    [case] = failed_cases(session, open_only=True)
    assert case["what"].startswith("社保系统") and case["where"] == "我要申请认定为就业困难人员"
    assert case["due_on"] == add_working_days(visit.day, 5, catalog.calendar).isoformat()
    assert not case["overdue"]
    resolved = resolve_failed(session, actor=supervisor, case_id=case["id"], resolution="已协调人社局补录缴费记录")
    assert resolved["resolution"] and failed_cases(session, open_only=True) == []


def test_visit_counts_by_outcome_list_every_outcome(session, clerk, catalog):
    for outcome in ("consult", "consult", "assist"):
        record_visit(session, actor=clerk, catalog=catalog, outcome=outcome)
    assert counts_by_outcome(session, today()) == {"consult": 2, "assist": 1, "receive": 0, "notify": 0,
                                                   "refer": 0, "failed": 0}


def test_an_in_person_matter_is_never_submitted_from_a_window(session, clerk, catalog):
    draft = applications.start_draft(session, actor=clerk, catalog=catalog, matter_code=MARRIAGE,
                                     county_code=PINGJIANG)
    with pytest.raises(InvalidInput) as refused:
        applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    assert refused.value.code == "in_person_only" and "现场办理" in refused.value.message


def test_closing_an_in_person_draft_leaves_a_consultation_and_no_application(session, clerk, catalog):
    draft = applications.start_draft(session, actor=clerk, catalog=catalog, matter_code=MARRIAGE,
                                     county_code=PINGJIANG)
    applications.save_answers(session, actor=clerk, catalog=catalog, application_id=draft.id, answers=FIRST_MARRIAGE)
    visit = close_as_consultation(session, actor=clerk, catalog=catalog, application_id=draft.id)
    assert (visit.outcome, visit.matter_code, visit.county_code) == ("consult", MARRIAGE, PINGJIANG)
    assert session.exec(select(Application)).all() == []
    assert session.exec(select(Visit)).one().id == visit.id
    pending = pending_for_window(session, 3)
    assert (pending.number, pending.matter_code, pending.clerk_name) == (None, MARRIAGE, "李娜")


def test_a_batch_row_for_an_in_person_matter_is_refused_with_the_reason(session, clerk, catalog, settings, tmp_path):
    folder = batch_folder(tmp_path)
    row = example_row("wed-01", matter=MARRIAGE, answers=FIRST_MARRIAGE, attachments={})
    result = import_batch(session, actor=clerk, catalog=catalog, settings=settings,
                          path=write_jsonl(folder / "rows.jsonl", [row, example_row("ok-01")]))
    assert (result.imported, result.rejected) == (1, 1)
    [rejection] = result.rejections
    assert rejection.code == "in_person_only" and "现场办理" in rejection.reason

