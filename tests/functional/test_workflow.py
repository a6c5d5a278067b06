"""Moving applications through their statuses: who may make which move, and two people at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from counterdesk.domain.appno import format_application_number
from counterdesk.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from counterdesk.services import workflow
from counterdesk.store.models import Application, StatusEvent
from tests.factories import advance_through, draft_application, submitted_application


@pytest.fixture
def submitted(session, clerk, catalog, settings) -> Application:
    """An application window 3 has just submitted."""
    return submitted_application(session, clerk, catalog, settings)


def events_of(session, application_id: int) -> list[tuple[str | None, str, str, str | None]]:
    rows = session.exec(select(StatusEvent).where(StatusEvent.application_id == application_id)
                        .order_by(StatusEvent.id)).all()
    return [(e.from_status, e.to_status, e.by_staff, e.reason) for e in rows]


def test_supervisor_accepts_a_submitted_application_and_the_move_is_recorded(session, supervisor, submitted):
    moved = workflow.advance(session, actor=supervisor, number_or_id=submitted.number, to_status="accepted")
    assert (moved.from_status, moved.to_status, moved.version) == ("received", "accepted", 2)
    stored = session.get(Application, submitted.id)
    session.refresh(stored)
    assert (stored.status, stored.version) == ("accepted", 2)
    assert events_of(session, submitted.id)[-1] == ("received", "accepted", "sup01", None)


def test_accepted_application_goes_through_in_progress_to_completed(session, supervisor, submitted):
    advance_through(session, supervisor, submitted.id, "accepted", "in_progress", "completed")
    kinds = session.exec(select(StatusEvent.kind, StatusEvent.to_status)
                         .where(StatusEvent.application_id == submitted.id).order_by(StatusEvent.id)).all()
    assert kinds == [("move", "received"), ("move", "accepted"), ("move", "in_progress"), ("item", "in_progress"),
                     ("item", "in_progress"), ("move", "completed")]


def test_supplement_request_must_name_the_missing_materials(session, supervisor, submitted):
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=submitted.number, to_status="supplement_requested",
                         reason="  ")
    assert refused.value.code == "reason_required"
    assert "缺少的材料" in refused.value.message
    workflow.advance(session, actor=supervisor, number_or_id=submitted.number, to_status="supplement_requested",
                     reason="缴费凭证不清晰，请补交原件扫描件")
    assert events_of(session, submitted.id)[-1][3] == "缴费凭证不清晰，请补交原件扫描件"


def test_clerk_records_the_brought_papers_and_the_supervisor_then_accepts(session, supervisor, clerk, submitted):
    workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="supplement_requested",
                     reason="缺身份证复印件")
    workflow.advance(session, actor=clerk, number_or_id=submitted.id, to_status="resubmitted")
    moved = workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="accepted")
    assert moved.from_status == "resubmitted"
    assert [e[1] for e in events_of(session, submitted.id)][1:] == ["supplement_requested", "resubmitted", "accepted"]


def test_refusal_needs_its_grounds(session, supervisor, submitted):
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="rejected")
    assert refused.value.code == "reason_required"
    workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="rejected",
                     reason="申请人不属于就业困难人员认定范围")
    assert events_of(session, submitted.id)[-1][1] == "rejected"


def test_clerk_cannot_accept_and_nothing_changes(session, clerk, submitted):
    with pytest.raises(Forbidden) as refused:
        workflow.advance(session, actor=clerk, number_or_id=submitted.number, to_status="accepted")
    assert refused.value.code == "role"
    assert "值班长" in refused.value.message
    stored = session.get(Application, submitted.id)
    session.refresh(stored)
    assert (stored.status, stored.version) == ("received", 1)
    assert len(events_of(session, submitted.id)) == 1


def test_clerk_withdraws_their_windows_application_at_the_citizens_request(session, clerk, submitted):
    moved = workflow.withdraw(session, actor=clerk, number_or_id=submitted.number, reason="申请人本人要求撤回")
    assert moved.to_status == "withdrawn"
    assert events_of(session, submitted.id)[-1] == ("received", "withdrawn", "c03", "申请人本人要求撤回")


def test_clerk_of_another_window_cannot_withdraw(session, other_clerk, submitted):
    with pytest.raises(Forbidden) as refused:
        workflow.withdraw(session, actor=other_clerk, number_or_id=submitted.number, reason="误操作")
    assert refused.value.code == "other_window"


def test_withdrawal_needs_a_reason(session, clerk, submitted):
    with pytest.raises(InvalidInput) as refused:
        workflow.withdraw(session, actor=clerk, number_or_id=submitted.number, reason="")
    assert refused.value.code == "reason_required"


def test_clerk_withdraws_a_draft_that_has_no_number_yet(session, clerk, catalog, settings):
    draft = draft_application(session, clerk, catalog)
    workflow.withdraw(session, actor=clerk, number_or_id=draft.id, reason="群众决定改日再办")
    assert events_of(session, draft.id) == [("draft", "withdrawn", "c03", "群众决定改日再办")]


@pytest.mark.parametrize(("before", "target"), [
    ([], "completed"),
    (["accepted"], "received"),
    (["accepted", "in_progress", "completed"], "in_progress"),
    (["accepted", "in_progress", "completed"], "withdrawn"),
])
def test_moves_outside_the_workflow_are_refused_with_both_statuses_named(session, supervisor, submitted,
                                                                         before, target):
    advance_through(session, supervisor, submitted.id, *before)
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status=target, reason="理由")
    assert refused.value.code == "bad_transition"
    assert "不能从" in refused.value.message


def test_unknown_target_status_is_refused(session, supervisor, submitted):
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="approved")
    assert refused.value.code == "unknown_status"


def test_mistyped_check_character_is_named_not_reported_as_unknown(session, supervisor, submitted):
    wrong = submitted.number[:-1] + ("0" if submitted.number[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=wrong, to_status="accepted")
    assert refused.value.code == "app_no_check"


def test_number_nobody_was_given_is_not_found(session, supervisor, submitted):
    never_given = format_application_number("430626", date(2020, 1, 1), 1)
    with pytest.raises(NotFound):
        workflow.advance(session, actor=supervisor, number_or_id=never_given, to_status="accepted")


def test_reason_with_terminal_escapes_is_refused(session, supervisor, submitted):
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="rejected",
                         reason="不符合条件\x1b[2J")
    assert refused.value.code == "reason_control"


def test_two_supervisors_move_the_same_application_one_wins_the_other_is_told_to_refresh(engine, session,
                                                                                          supervisor, submitted):
    app_id = submitted.id
    session.commit()  # the fixture's read must not hold SQLite's write lock while two others work
    with Session(engine) as first, Session(engine) as second:
        seen_first = first.get(Application, app_id).version
        first.rollback()
        seen_second = second.get(Application, app_id).version
        second.rollback()
        workflow.advance(first, actor=supervisor, number_or_id=app_id, to_status="accepted",
                         expected_version=seen_first)
        with pytest.raises(Conflict) as late:
            workflow.advance(second, actor=supervisor, number_or_id=app_id, to_status="rejected",
                             reason="材料不全", expected_version=seen_second)
    assert late.value.code == "stale"
    assert late.value.message == "该办件已被他人修改，请刷新后重试。"
    with Session(engine) as check:
        assert check.get(Application, app_id).status == "accepted"
        assert [e[1] for e in events_of(check, app_id)] == ["received", "accepted"]
