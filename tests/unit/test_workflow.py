"""The status model: which moves exist, who may make them, which need a reason, what they do to the clock."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.workflow import (
    MOVES,
    OPEN_STATUSES,
    STATUSES,
    TERMINAL,
    TRANSITIONS,
    ClockEffect,
    Status,
    allowed_moves,
    as_status,
    check_move,
    reason_required,
    status_label,
)

statuses = st.sampled_from(list(STATUSES))
roles = st.sampled_from(["clerk", "supervisor"])


def test_statuses_have_their_chinese_labels_and_stable_codes():
    assert {str(code): label for code, label in STATUSES.items()} == {
        "draft": "草稿", "received": "已收件", "in_transit": "在途", "signed_for": "已签收",
        "accepted": "已受理", "supplement_requested": "补正中", "resubmitted": "已补正",
        "in_progress": "办理中", "special_procedure": "特别程序", "completed": "办结",
        "ready": "待领取", "released": "已出件", "rejected": "不予受理", "withdrawn": "已撤回",
    }  # fmt: skip
    assert list(STATUSES) == list(Status)


def test_events_chained_before_the_model_keep_their_label():
    assert status_label("submitted") == "已收件"
    assert as_status("submitted") is Status.RECEIVED


def test_open_statuses_are_those_still_under_way():
    assert OPEN_STATUSES == set(Status) - {Status.COMPLETED, Status.READY} - TERMINAL


def test_terminal_statuses_cannot_move_at_all():
    for status in TERMINAL:
        assert allowed_moves(status, "supervisor") == []


def test_every_status_but_the_terminal_ones_has_a_way_out():
    sources = {source for source, _ in MOVES}
    assert sources == set(Status) - TERMINAL


def test_the_local_back_office_decides_on_a_received_application_that_never_travels():
    assert allowed_moves("received", "supervisor") == [
        "accepted", "supplement_requested", "rejected", "withdrawn"]
    with pytest.raises(InvalidInput) as caught:
        check_move("received", "in_transit", "clerk")
    assert caught.value.code == "local"


def test_an_application_for_another_county_must_travel_before_anyone_decides():
    assert allowed_moves("received", "supervisor", remote=True) == ["in_transit", "withdrawn"]
    with pytest.raises(InvalidInput) as caught:
        check_move("received", "accepted", "supervisor", remote=True)
    assert caught.value.code == "not_signed_for"
    check_move("signed_for", "accepted", "supervisor", remote=True)


def test_a_clerk_receives_dispatches_signs_for_releases_and_withdraws_what_is_still_at_the_window():
    assert allowed_moves("draft", "clerk") == ["received", "withdrawn"]
    assert allowed_moves("received", "clerk") == ["withdrawn"]
    assert allowed_moves("received", "clerk", remote=True) == ["in_transit", "withdrawn"]
    assert allowed_moves("in_transit", "clerk") == ["signed_for"]
    assert allowed_moves("supplement_requested", "clerk") == ["resubmitted"]
    assert allowed_moves("completed", "clerk") == ["ready"]
    assert allowed_moves("ready", "clerk") == ["released"]
    assert allowed_moves("accepted", "clerk") == []
    assert allowed_moves("signed_for", "clerk") == []


def test_the_clock_starts_at_acceptance_pauses_for_papers_and_procedures_and_stops_at_the_end():
    effect = {pair: move.clock for pair, move in TRANSITIONS.items()}
    assert effect["received", "accepted"] is ClockEffect.START
    assert effect["received", "in_transit"] is ClockEffect.NONE
    assert effect["accepted", "supplement_requested"] is ClockEffect.PAUSE
    assert effect["in_progress", "special_procedure"] is ClockEffect.PAUSE
    assert effect["special_procedure", "in_progress"] is ClockEffect.RESUME
    assert effect["in_progress", "completed"] is ClockEffect.STOP
    ends = {move.clock for move in TRANSITIONS.values()
            if move.target in TERMINAL - {Status.RELEASED} and move.source is not Status.DRAFT}
    assert ends == {ClockEffect.STOP}


def test_an_unknown_role_may_do_nothing():
    assert allowed_moves("received", "visitor") == []
    with pytest.raises(Forbidden) as caught:
        check_move("received", "withdrawn", "visitor", "申请人要求撤回")
    assert caught.value.code == "role"


def test_a_clerk_accepting_is_forbidden_and_told_who_may():
    with pytest.raises(Forbidden) as caught:
        check_move("received", "accepted", "clerk", None)
    assert caught.value.code == "role"
    assert "已收件" in caught.value.message and "已受理" in caught.value.message
    assert "值班长" in caught.value.message


def test_a_move_the_model_does_not_have_names_both_statuses():
    with pytest.raises(InvalidInput) as caught:
        check_move("received", "completed", "supervisor", "直接办结")
    assert caught.value.code == "bad_transition"
    assert caught.value.message == "办件不能从“已收件”改为“办结”。"


def test_asking_for_the_missing_materials_needs_the_list():
    with pytest.raises(InvalidInput) as caught:
        check_move("received", "supplement_requested", "supervisor", "   ")
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    assert "缺少的材料" in caught.value.message
    check_move("received", "supplement_requested", "supervisor", "缺户口簿复印件")


def test_a_special_procedure_says_which_one():
    with pytest.raises(InvalidInput) as caught:
        check_move("in_progress", "special_procedure", "supervisor", "")
    assert "现场勘查" in caught.value.message


@pytest.mark.parametrize(
    ("from_status", "to_status", "role"),
    [("received", "rejected", "supervisor"), ("resubmitted", "rejected", "supervisor"),
     ("resubmitted", "supplement_requested", "supervisor"), ("draft", "withdrawn", "clerk"),
     ("received", "withdrawn", "clerk"), ("accepted", "withdrawn", "supervisor")],
)  # fmt: skip
def test_refusals_and_withdrawals_need_a_reason(from_status, to_status, role):
    assert reason_required(from_status, to_status)
    with pytest.raises(InvalidInput) as caught:
        check_move(from_status, to_status, role, None)
    assert caught.value.code == "reason_required"
    check_move(from_status, to_status, role, "申请人要求")


def test_role_is_checked_before_the_reason():
    with pytest.raises(Forbidden):
        check_move("received", "rejected", "clerk", None)


def test_unknown_statuses_are_refused_by_code():
    with pytest.raises(InvalidInput) as caught:
        check_move("archived", "received", "supervisor")
    assert caught.value.code == "unknown_status"
    with pytest.raises(InvalidInput):
        allowed_moves("archived", "supervisor")


@given(statuses, statuses, roles, st.one_of(st.none(), st.text()), st.booleans())
def test_check_move_agrees_with_allowed_moves(from_status, to_status, role, reason, remote):
    allowed = to_status in allowed_moves(from_status, role, remote=remote)
    needs_reason = reason_required(from_status, to_status) and not (reason or "").strip()
    try:
        check_move(from_status, to_status, role, reason, remote=remote)
    except Forbidden:
        assert not allowed and (from_status, to_status) in MOVES
    except InvalidInput as error:
        if error.code == "reason_required":
            assert allowed
        else:
            assert not allowed and error.code in ("bad_transition", "not_signed_for", "local")
    else:
        assert allowed and not needs_reason
