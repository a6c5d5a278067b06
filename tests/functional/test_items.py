"""包含事项 of a 一件事 on stored applications: opened at 受理, set one by one, 统一出件 at 办结."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil

import pytest
from sqlalchemy import delete
from sqlmodel import select

from counterdesk.catalog.loader import clear_cache, load_catalog, shipped_data_dir
from counterdesk.domain.clock import today
from counterdesk.domain.errors import Conflict, Forbidden, InvalidInput
from counterdesk.domain.matter import Item
from counterdesk.services import audit, items, queue, workflow
from counterdesk.store.models import Application, ApplicationItem, StatusEvent
from tests.factories import settle_items, submitted_application

EXAMPLE_ITEMS = [("就业困难人员认定", "县级人力资源和社会保障局"), ("灵活就业社会保险补贴申领", "县级人力资源和社会保障局")]
"""The example matter's ``[[items]]`` (policy-jiuye-kunnan.toml)."""


@pytest.fixture
def submitted(session, clerk, catalog, settings) -> Application:
    return submitted_application(session, clerk, catalog, settings)


@pytest.fixture
def accepted(session, supervisor, catalog, submitted) -> Application:
    workflow.advance(session, actor=supervisor, number_or_id=submitted.id, to_status="accepted", catalog=catalog)
    return submitted


def rows(session, application) -> list[tuple[int, str, str, str]]:
    session.expire_all()
    found = session.exec(select(ApplicationItem).where(ApplicationItem.application_id == application.id)
                         .order_by(ApplicationItem.number)).all()
    return [(r.number, r.name, r.department, r.status) for r in found]


def last_event(session, application) -> StatusEvent:
    return session.exec(select(StatusEvent).where(StatusEvent.application_id == application.id)
                        .order_by(StatusEvent.id.desc())).first()


def version_of(session, application) -> int:
    session.expire_all()
    return session.get(Application, application.id).version


def test_acceptance_opens_the_matters_items_pending_and_the_event_names_them(session, catalog, accepted):
    assert rows(session, accepted) == [(1, *EXAMPLE_ITEMS[0], "pending"), (2, *EXAMPLE_ITEMS[1], "pending")]
    event = last_event(session, accepted)
    assert (event.kind, event.to_status) == ("move", "accepted")
    assert json.loads(event.detail) == {"items": [{"name": n, "department": d} for n, d in EXAMPLE_ITEMS]}
    shown = queue.progress(session, number=accepted.number, catalog=catalog).to_dict()["items"]
    assert shown == [{"number": i, "name": n, "department": d, "status": "pending", "date": today().isoformat()}
                     for i, (n, d) in enumerate(EXAMPLE_ITEMS, 1)]


def test_before_acceptance_the_items_are_listed_from_the_matter_and_cannot_change(session, clerk, catalog, submitted):
    shown = queue.progress(session, number=submitted.number, catalog=catalog).to_dict()["items"]
    assert [(i["name"], i["status"], i["date"]) for i in shown] == [(n, "pending", None) for n, _ in EXAMPLE_ITEMS]
    with pytest.raises(InvalidInput) as refused:
        items.set_status(session, actor=clerk, number_or_id=submitted.number, item=1, to_status="done",
                         catalog=catalog)
    assert refused.value.code == "items_closed" and "受理后" in refused.value.message
    assert rows(session, submitted) == []


def test_completion_waits_for_every_item_and_names_those_still_open(session, supervisor, clerk, catalog, accepted):
    items.set_status(session, actor=clerk, number_or_id=accepted.number, item=1, to_status="done", catalog=catalog)
    version = version_of(session, accepted)
    with pytest.raises(Conflict) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="completed", catalog=catalog)
    message = refused.value.message
    assert refused.value.code == "items_open"
    assert "还有 1 项包含事项未办结" in message and "灵活就业社会保险补贴申领" in message and "就业困难人员认定" not in message
    assert (session.get(Application, accepted.id).status, version_of(session, accepted)) == ("accepted", version)
    items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=2, to_status="refused",
                     note="申请人不符合补贴条件", catalog=catalog)
    moved = workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="completed",
                             catalog=catalog)
    assert moved.to_status == "completed"
    assert [r[3] for r in rows(session, accepted)] == ["done", "refused"]
    with pytest.raises(InvalidInput) as closed:
        items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=2, to_status="done",
                         catalog=catalog)
    assert closed.value.code == "items_closed"


def test_a_change_is_a_chained_event_with_the_note_and_bumps_the_version(session, clerk, catalog, accepted):
    before = version_of(session, accepted)
    change = items.set_status(session, actor=clerk, number_or_id=accepted.number, item=2, to_status="in_progress",
                              note="已转社保经办窗口", catalog=catalog)
    assert (change.from_status, change.item.status, change.item.status_label) == ("pending", "in_progress", "办理中")
    assert change.version == before + 1 == version_of(session, accepted)
    event = last_event(session, accepted)
    assert (event.kind, event.from_status, event.to_status, event.by_staff, event.reason) == (
        "item", "accepted", "accepted", "c03", "已转社保经办窗口")
    assert json.loads(event.detail) == {"item": 2, "name": EXAMPLE_ITEMS[1][0], "department": EXAMPLE_ITEMS[1][1],
                                        "from": "pending", "to": "in_progress"}
    stored = session.get(ApplicationItem, (accepted.id, 2))
    assert (stored.status, stored.changed_by, stored.note) == ("in_progress", "c03", "已转社保经办窗口")
    assert all(broken is None for _, broken in audit.verify_all(session).values())


@pytest.mark.parametrize(("item", "status", "code"), [
    (3, "done", "item_unknown"),
    (1, "finished", "unknown_item_status"),
    (1, "pending", "item_unchanged"),
])
def test_a_wrong_item_or_status_is_refused_and_nothing_changes(session, supervisor, catalog, accepted,
                                                               item, status, code):
    with pytest.raises(InvalidInput) as refused:
        items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=item, to_status=status,
                         catalog=catalog)
    assert refused.value.code == code
    assert [r[3] for r in rows(session, accepted)] == ["pending", "pending"]


def test_another_window_may_not_and_a_stale_version_is_refused(session, supervisor, other_clerk, catalog, accepted):
    with pytest.raises(Forbidden):
        items.set_status(session, actor=other_clerk, number_or_id=accepted.id, item=1, to_status="done",
                         catalog=catalog)
    seen = version_of(session, accepted)
    items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=1, to_status="in_progress",
                     expected_version=seen, catalog=catalog)
    with pytest.raises(Conflict) as stale:
        items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=2, to_status="done",
                         expected_version=seen, catalog=catalog)
    assert stale.value.code == "stale"


def test_the_items_keep_their_names_when_the_catalog_changes(session, supervisor, catalog, accepted):
    renamed = dataclasses.replace(catalog.find(accepted.matter_code), items=(Item("新名称", "新部门"),))

    class Changed:
        calendar = catalog.calendar
        matters = catalog.matters

        @staticmethod
        def find(code):
            return renamed

    shown = items.items_of(session, accepted, Changed())
    assert [(i.name, i.department) for i in shown] == EXAMPLE_ITEMS


def test_a_second_acceptance_after_a_supplement_keeps_the_items_progress(session, supervisor, clerk, catalog,
                                                                         accepted):
    items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=1, to_status="done", catalog=catalog)
    workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="supplement_requested",
                     reason="缴费凭证不清晰", catalog=catalog)
    items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=2, to_status="in_progress",
                     catalog=catalog)
    workflow.advance(session, actor=clerk, number_or_id=accepted.id, to_status="resubmitted", catalog=catalog)
    workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="accepted", catalog=catalog)
    assert [r[3] for r in rows(session, accepted)] == ["done", "in_progress"]
    assert last_event(session, accepted).detail is None


def test_an_application_accepted_before_items_were_kept_gets_them_at_its_first_change(session, supervisor, catalog,
                                                                                       accepted):
    session.exec(delete(ApplicationItem).where(ApplicationItem.application_id == accepted.id))
    session.commit()
    with pytest.raises(Conflict) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=accepted.id, to_status="completed", catalog=catalog)
    assert "还有 2 项" in refused.value.message
    items.set_status(session, actor=supervisor, number_or_id=accepted.id, item=2, to_status="done", catalog=catalog)
    assert [r[3] for r in rows(session, accepted)] == ["pending", "done"]


def test_a_matter_without_items_completes_as_before(session, supervisor, clerk, settings, tmp_path):
    folder = tmp_path / "catalog"
    shutil.copytree(shipped_data_dir(), folder)
    example = folder / "matters" / "policy-jiuye-kunnan.toml"
    example.write_text(re.sub(r"\[\[items\]\]\nname = .*\ndepartment = .*\n\n", "", example.read_text("utf-8")),
                       "utf-8")
    clear_cache()
    bare = load_catalog(folder)
    assert bare.find("ZC-JYKN-001").items == ()
    made = submitted_application(session, clerk, bare, settings)
    for status in ("accepted", "completed"):
        workflow.advance(session, actor=supervisor, number_or_id=made.id, to_status=status, catalog=bare)
    assert rows(session, made) == []
    assert queue.progress(session, number=made.number, catalog=bare).to_dict()["items"] == []
    with pytest.raises(InvalidInput) as none:
        items.set_status(session, actor=supervisor, number_or_id=made.id, item=1, to_status="done", catalog=bare)
    assert none.value.code == "no_items"
    clear_cache()


def test_settled_items_let_the_application_complete_and_be_released(session, supervisor, clerk, catalog, accepted):
    settle_items(session, supervisor, accepted.number)
    for actor, status in ((supervisor, "completed"), (clerk, "ready")):
        workflow.advance(session, actor=actor, number_or_id=accepted.id, to_status=status, catalog=catalog)
    shown = queue.progress(session, number=accepted.number, catalog=catalog)
    assert shown.status == "ready" and [i.status for i in shown.items] == ["done", "done"]
    assert [e.kind for e in shown.events].count("item") == 2


# -- the command line ------------------------------------------------------------------------------

def test_item_command_sets_an_item_and_status_shows_it(cli, session, catalog, accepted):
    done = cli("item", accepted.number, "--item", "1", "--to", "done", "--note", "已核准认定", "--staff", "sup01")
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == f"办件 {accepted.number} 的事项 1“就业困难人员认定”已由“待办”改为“已办结”。"
    shown = json.loads(cli("status", accepted.number, "--json").stdout)
    assert shown["items"] == [
        {"number": 1, "name": EXAMPLE_ITEMS[0][0], "department": EXAMPLE_ITEMS[0][1], "status": "done",
         "date": today().isoformat()},
        {"number": 2, "name": EXAMPLE_ITEMS[1][0], "department": EXAMPLE_ITEMS[1][1], "status": "pending",
         "date": today().isoformat()}]
    assert shown["events"][-1]["kind"] == "item" and shown["events"][-1]["reason"] == "已核准认定"
    people = cli("status", accepted.number)
    assert people.exit_code == 0
    flat = re.sub(r"[\s│]+", "", people.stdout)
    assert all(words in flat for words in ("包含事项", "办理部门", "1就业困难人员认定", "已办结", "2灵活就业"))
    assert "：待办→已办结" in flat and "已核准认定" in flat


def test_advance_to_completed_exits_1_naming_the_open_items_until_they_are_settled(cli, accepted):
    refused = cli("advance", accepted.number, "--to", "completed", "--staff", "sup01")
    assert refused.exit_code == 1
    assert "还有 2 项包含事项未办结" in refused.stderr and "统一出件" in refused.stderr and "Traceback" not in refused.output
    for number, status in (("1", "done"), ("2", "refused")):
        assert cli("item", accepted.number, "--item", number, "--to", status, "--staff", "sup01").exit_code == 0
    assert cli("advance", accepted.number, "--to", "completed", "--staff", "sup01").exit_code == 0
    assert json.loads(cli("status", accepted.number, "--json").stdout)["status"] == "completed"


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--item", "9", "--to", "done", "--staff", "sup01"], 2, "共 2 项"),
    (["--item", "1", "--to", "finished", "--staff", "sup01"], 2, "未知的事项状态"),
    (["--item", "1", "--to", "done"], 2, "--staff"),
    (["--item", "1", "--to", "done", "--note", "a\x07b", "--staff", "sup01"], 2, "控制字符"),
])
def test_item_command_refuses_with_one_sentence_and_its_exit_code(cli, accepted, args, code, words):
    result = cli("item", accepted.number, *args)
    assert result.exit_code == code and words in result.stderr and "Traceback" not in result.output


def test_item_command_on_an_unknown_number_exits_1(cli, accepted):
    from counterdesk.domain.iso7064 import mod11_2_check_char

    result = cli("item", "430626-20200101-00001-" + mod11_2_check_char("4306262020010100001"), "--item", "1",
                 "--to", "done", "--staff", "sup01")
    assert result.exit_code == 1 and "没有编号为" in result.stderr
