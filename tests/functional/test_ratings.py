"""好差评 at the window and the 差评 ledger that follows a bad rating."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from counterdesk.domain.clock import today
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import ratings
from counterdesk.services.visits import record_visit
from tests.factories import submitted_application


@pytest.fixture
def served(session, clerk, catalog, settings):
    """An application submitted at window 3, and the window asking for its rating."""
    application = submitted_application(session, clerk, catalog, settings)
    return application, ratings.request_rating(session, actor=clerk, application_id=application.id)


def test_the_pad_of_the_window_shows_the_service_waiting_for_a_rating(session, clerk, served):
    application, request = served
    pending = ratings.pending_for_window(session, 3)
    assert (pending.id, pending.number, pending.clerk_name) == (request.id, application.number, "李娜")
    assert ratings.pending_for_window(session, 5) is None
    assert ratings.request_rating(session, actor=clerk, application_id=application.id).id == request.id


def test_a_good_rating_is_stored_once_and_a_second_is_refused(session, served):
    application, request = served
    ratings.rate(session, rating_id=request.id, score=5)
    assert ratings.score_of(session, request.id) == 5 and ratings.pending_for_window(session, 3) is None
    with pytest.raises(InvalidInput) as refused:
        ratings.rate(session, rating_id=request.id, score=1)
    assert refused.value.code == "already_rated" and refused.value.exit_code == 2
    [row] = ratings.ratings_of_day(session)
    assert (row["number"], row["score"], row["window"], row["clerk"], row["case_status"]) == (
        application.number, 5, 3, "c03", None)


@pytest.mark.parametrize(("score", "reasons", "code"), [(0, (), "rating_score"), (6, (), "rating_score"),
                                                         (2, ("rude",), "rating_reason"),
                                                         (5, ("slow",), "rating_reason")])
def test_a_score_outside_one_to_five_or_a_wrong_reason_is_refused(session, served, score, reasons, code):
    _, request = served
    with pytest.raises(InvalidInput) as refused:
        ratings.rate(session, rating_id=request.id, score=score, reasons=reasons)
    assert refused.value.code == code and ratings.score_of(session, request.id) is None


def test_a_bad_rating_opens_a_case_that_goes_callback_rectify_review_feedback(session, clerk, supervisor, served,
                                                                                 catalog):
    application, request = served
    ratings.rate(session, rating_id=request.id, score=1, reasons=("slow", "unclear"), comment="跑了三趟",
                 calendar=catalog.calendar, case_days=5)
    [case] = ratings.cases(session, open_only=True)
    assert case["number"] == application.number and case["status"] == "open"
    assert case["due_on"] == add_working_days(today(), 5, catalog.calendar).isoformat() and not case["overdue"]
    with pytest.raises(InvalidInput):
        ratings.advance_case(session, actor=clerk, case_id=case["id"], step="rectify", text="先整改")
    ratings.advance_case(session, actor=clerk, case_id=case["id"], step="callback", text="已电话回访，群众反映等候过久")
    ratings.advance_case(session, actor=clerk, case_id=case["id"], step="rectify", text="高峰时段增开一个窗口")
    with pytest.raises(Forbidden):
        ratings.advance_case(session, actor=clerk, case_id=case["id"], step="review", text="同意")
    ratings.advance_case(session, actor=supervisor, case_id=case["id"], step="review", text="整改到位")
    closed = ratings.advance_case(session, actor=clerk, case_id=case["id"], step="feedback", text="已告知群众整改结果")
    assert closed["status"] == "closed" and closed["reviewed_by"] == "sup01"
    assert ratings.cases(session, open_only=True) == []
    assert ratings.ratings_of_day(session, bad_only=True)[0]["case_status"] == "closed"


def test_a_case_not_reviewed_by_its_due_date_is_overdue_for_the_supervisor(session, clerk, supervisor, served, catalog,
                                                                           monkeypatch):
    application, request = served
    ratings.rate(session, rating_id=request.id, score=2, reasons=("slow",), calendar=catalog.calendar, case_days=5)
    [case] = ratings.cases(session)
    due = date.fromisoformat(case["due_on"])
    monkeypatch.setattr("counterdesk.services.ratings.today", lambda: due)
    assert ratings.overdue_cases(session, actor=supervisor) == []
    monkeypatch.setattr("counterdesk.services.ratings.today", lambda: due + timedelta(days=1))
    [late] = ratings.overdue_cases(session, actor=supervisor)
    assert (late["number"], late["status_label"], late["overdue"]) == (application.number, "待回访", True)
    with pytest.raises(Forbidden):
        ratings.overdue_cases(session, actor=clerk)
    for step, actor in (("callback", clerk), ("rectify", clerk), ("review", supervisor)):
        ratings.advance_case(session, actor=actor, case_id=case["id"], step=step, text="已处理")
    assert ratings.overdue_cases(session, actor=supervisor) == []


def test_a_visit_can_be_rated_and_the_day_summary_counts_per_window_and_clerk(session, clerk, catalog, served):
    _, request = served
    visit = record_visit(session, actor=clerk, catalog=catalog, outcome="consult")
    asked = ratings.request_rating(session, actor=clerk, visit_id=visit.id)
    ratings.rate(session, rating_id=request.id, score=4)
    ratings.rate(session, rating_id=asked.id, score=2, reasons=("attitude",))
    summary = ratings.day_summary(session, today())
    assert summary["window"]["3"] == {"ratings": 2, "good": 1, "bad": 1, "rectified": 0}
    assert summary["clerk"]["c03"]["bad"] == 1


def test_a_late_rating_by_number_credits_the_window_that_took_it(session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    rating = ratings.rate_by_number(session, number=application.number, score=3)
    assert (rating.window, rating.clerk_id, rating.channel) == (3, "c03", "cli")
    with pytest.raises(InvalidInput):
        ratings.rate_by_number(session, number=application.number, score=5)
