"""The status workflow: which moves exist, who may make them, which need a reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.domain.workflow import (
    CLERK_MOVES,
    MOVES,
    OPEN_STATUSES,
    STATUSES,
    allowed_moves,
    check_move,
    reason_required,
    status_label,
)

statuses = st.sampled_from(list(STATUSES))
roles = st.sampled_from(["clerk", "supervisor"])


def test_statuses_have_their_chinese_labels():
    assert STATUSES == {
        "draft": "草稿", "submitted": "已提交", "accepted": "已受理", "in_progress": "办理中",
        "completed": "办结", "supplement_requested": "待补正", "resubmitted": "已补正",
        "rejected": "不予受理", "withdrawn": "已撤回",
    }  # fmt: skip
    assert status_label("supplement_requested") == "待补正"


def test_open_statuses_are_those_still_under_way():
    assert OPEN_STATUSES == set(STATUSES) - {"completed", "rejected", "withdrawn"}


def test_finished_applications_cannot_move_at_all():
    for status in ("completed", "rejected", "withdrawn"):
        assert allowed_moves(status, "supervisor") == []


def test_a_supervisor_sees_every_move_out_of_submitted_in_status_order():
    assert allowed_moves("submitted", "supervisor") == ["accepted", "supplement_requested", "rejected", "withdrawn"]


def test_a_clerk_may_only_withdraw_or_record_the_supplement():
    assert allowed_moves("draft", "clerk") == ["withdrawn"]
    assert allowed_moves("submitted", "clerk") == ["withdrawn"]
    assert allowed_moves("supplement_requested", "clerk") == ["resubmitted"]
    assert allowed_moves("accepted", "clerk") == []
    assert allowed_moves("resubmitted", "clerk") == []


def test_an_unknown_role_may_do_nothing():
    assert allowed_moves("submitted", "visitor") == []
    with pytest.raises(Forbidden) as caught:
        check_move("submitted", "withdrawn", "visitor", "申请人要求撤回")
    assert caught.value.code == "role"


def test_the_supervisor_accepts_a_submitted_application():
    check_move("submitted", "accepted", "supervisor", None)


def test_a_clerk_accepting_is_forbidden_and_told_who_may():
    with pytest.raises(Forbidden) as caught:
        check_move("submitted", "accepted", "clerk", None)
    assert caught.value.code == "role"
    assert "已提交" in caught.value.message and "已受理" in caught.value.message
    assert "值班长" in caught.value.message


def test_a_move_the_workflow_does_not_have_names_both_statuses():
    with pytest.raises(InvalidInput) as caught:
        check_move("submitted", "completed", "supervisor", "直接办结")
    assert caught.value.code == "bad_transition"
    assert caught.value.message == "办件不能从“已提交”改为“办结”。"


def test_asking_for_the_missing_materials_needs_the_list():
    with pytest.raises(InvalidInput) as caught:
        check_move("submitted", "supplement_requested", "supervisor", "   ")
    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    assert "缺少的材料" in caught.value.message
    check_move("submitted", "supplement_requested", "supervisor", "缺户口簿复印件")


@pytest.mark.parametrize(
    ("from_status", "to_status", "role"),
    [("submitted", "rejected", "supervisor"), ("resubmitted", "rejected", "supervisor"),
     ("resubmitted", "supplement_requested", "supervisor"), ("draft", "withdrawn", "clerk"),
     ("submitted", "withdrawn", "clerk")],
)  # fmt: skip
def test_refusals_and_withdrawals_need_a_reason(from_status, to_status, role):
    assert reason_required(from_status, to_status)
    with pytest.raises(InvalidInput) as caught:
        check_move(from_status, to_status, role, None)
    assert caught.value.code == "reason_required"
    check_move(from_status, to_status, role, "申请人要求")


def test_role_is_checked_before_the_reason():
    with pytest.raises(Forbidden):
        check_move("submitted", "rejected", "clerk", None)


def test_unknown_statuses_are_refused_by_code():
    with pytest.raises(InvalidInput) as caught:
        check_move("archived", "submitted", "supervisor")
    assert caught.value.code == "unknown_status"
    with pytest.raises(InvalidInput):
        allowed_moves("archived", "supervisor")


def test_clerk_moves_are_a_subset_of_the_workflow():
    assert CLERK_MOVES <= MOVES


@given(statuses, statuses, roles, st.one_of(st.none(), st.text()))
def test_check_move_agrees_with_allowed_moves(from_status, to_status, role, reason):
    allowed = to_status in allowed_moves(from_status, role)
    needs_reason = reason_required(from_status, to_status) and not (reason or "").strip()
    try:
        check_move(from_status, to_status, role, reason)
    except Forbidden:
        assert not allowed and (from_status, to_status) in MOVES
    except InvalidInput as error:
        assert error.code == ("reason_required" if allowed else "bad_transition")
    else:
        assert allowed and not needs_reason
