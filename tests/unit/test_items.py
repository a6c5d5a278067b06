"""包含事项: the item statuses, 统一出件 (complete only when every item is settled), and item changes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.errors import Conflict, InvalidInput
from counterdesk.domain.items import (
    ITEM_STATUSES,
    SETTLED,
    ItemState,
    ItemStatus,
    as_item_status,
    check_item_change,
    check_settled,
    find_item,
    item_event_detail,
    item_event_text,
    may_change_items,
    unsettled,
)
from counterdesk.domain.workflow import STATUSES


def items_with(statuses: list[str]) -> list[ItemState]:
    # Names no other name contains, so the refusal can be searched for each.
    return [ItemState(n, f"〔事项{n}〕", f"部门{n}", status) for n, status in enumerate(statuses, 1)]


def test_item_statuses_have_stable_codes_and_chinese_labels():
    assert {str(code): label for code, label in ITEM_STATUSES.items()} == {
        "pending": "待办", "in_progress": "办理中", "done": "已办结", "refused": "不予办理"}
    assert list(ITEM_STATUSES) == list(ItemStatus) and SETTLED == {"done", "refused"}
    with pytest.raises(InvalidInput) as refused:
        as_item_status("finished")
    assert refused.value.code == "unknown_item_status" and "done（已办结）" in refused.value.message


@given(st.lists(st.sampled_from(list(ItemStatus)), max_size=8))
def test_completion_is_refused_exactly_while_an_item_is_open_and_the_refusal_names_those(statuses):
    listed = items_with(statuses)
    open_ones = [item for item in listed if item.status not in SETTLED]
    assert unsettled(listed) == open_ones
    if not open_ones:
        check_settled(listed)
        return
    with pytest.raises(Conflict) as refused:
        check_settled(listed)
    message = refused.value.message
    assert refused.value.code == "items_open" and f"还有 {len(open_ones)} 项包含事项未办结" in message
    for item in listed:
        assert (item.name in message) == (item in open_ones)
    for item in open_ones:
        assert f"{item.number}. {item.name}（{item.department}，{ITEM_STATUSES[item.status]}）" in message


def test_an_application_without_items_completes():
    check_settled([])


@given(st.sampled_from(list(STATUSES)), st.booleans())
def test_items_change_only_between_acceptance_and_completion(status, opened):
    may = may_change_items(status, opened=opened)
    assert may == (status in ("accepted", "in_progress", "special_procedure")
                   or (opened and status in ("supplement_requested", "resubmitted")))
    item = ItemState(1, "企业设立登记", "县级市场监督管理局", "pending")
    if may:
        assert check_item_change(status, item, "done", opened=opened) is ItemStatus.DONE
        return
    with pytest.raises(InvalidInput) as refused:
        check_item_change(status, item, "done", opened=opened)
    assert refused.value.code == "items_closed" and "受理后、办结前" in refused.value.message


def test_an_unchanged_status_and_an_unknown_item_are_refused():
    listed = items_with(["pending", "done"])
    with pytest.raises(InvalidInput) as same:
        check_item_change("accepted", listed[1], "done", opened=True)
    assert same.value.code == "item_unchanged" and "已是“已办结”" in same.value.message
    assert find_item(listed, 2) is listed[1]
    with pytest.raises(InvalidInput) as unknown:
        find_item(listed, 3)
    assert unknown.value.code == "item_unknown" and "共 2 项" in unknown.value.message
    with pytest.raises(InvalidInput) as none:
        find_item([], 1)
    assert none.value.code == "no_items"


def test_an_item_event_reads_as_one_line_of_history():
    detail = item_event_detail(ItemState(3, "新办纳税人套餐（发票申领）", "县级税务局", "pending"), "in_progress")
    assert detail == {"item": 3, "name": "新办纳税人套餐（发票申领）", "department": "县级税务局",
                      "from": "pending", "to": "in_progress"}
    assert item_event_text(detail) == "事项 3“新办纳税人套餐（发票申领）”：待办 → 办理中"
