"""The day's queue, progress lookup and the detail view: what each role sees, masked or in full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import select

from counterdesk.domain.clock import today
from counterdesk.domain.errors import CounterdeskError, Forbidden, InvalidInput, NotFound
from counterdesk.services import queue, workflow
from counterdesk.services.detail import HIDDEN, detail, save_packet, supplement_choices
from counterdesk.store.models import AuditEntry
from tests.factories import applicant_form, draft_application, resident_id, submitted_application


@pytest.fixture
def hall_day(session, supervisor, clerk, other_clerk, catalog, settings):
    """Three applications: two at window 3 (one accepted), one at window 5."""
    first = submitted_application(session, clerk, catalog, settings, form=applicant_form(name="张三丰"))
    second = submitted_application(session, clerk, catalog, settings, form=applicant_form(name="李四"))
    third = submitted_application(session, other_clerk, catalog, settings, form=applicant_form(name="Smith"))
    workflow.advance(session, actor=supervisor, number_or_id=second.id, to_status="accepted")
    return [first.number, second.number, third.number]


def numbers(page: queue.QueuePage) -> list[str]:
    return [row.number for row in page.rows]


def test_supervisor_sees_the_days_applications_with_counts_per_status(session, supervisor, catalog, hall_day):
    page = queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog)
    assert numbers(page) == hall_day
    assert page.total == 3
    assert page.counts_by_status == {"received": 2, "accepted": 1}
    row = page.rows[0]
    assert (row.matter_name, row.county_name, row.window, row.clerk, row.clerk_name) == (
        "我要申请认定为就业困难人员", "平江县", 3, "c03", "李娜")
    assert [r.applicant_masked for r in page.rows] == ["张**", "李*", "S***"]


def test_status_filter_keeps_the_counts_of_every_status(session, supervisor, hall_day):
    page = queue.day_queue(session, actor=supervisor, day=today(), status="received")
    assert numbers(page) == [hall_day[0], hall_day[2]]
    assert page.total == 2
    assert page.counts_by_status == {"received": 2, "accepted": 1}


def test_filters_by_window_and_clerk(session, supervisor, hall_day):
    assert numbers(queue.day_queue(session, actor=supervisor, day=today(), window=5)) == [hall_day[2]]
    assert numbers(queue.day_queue(session, actor=supervisor, day=today(), clerk="c03")) == hall_day[:2]


def test_another_day_is_empty(session, supervisor, hall_day):
    page = queue.day_queue(session, actor=supervisor, day=today() - timedelta(days=1))
    assert (page.rows, page.total, page.counts_by_status, page.pages) == ([], 0, {}, 1)


def test_pages_and_sorting(session, supervisor, hall_day):
    first = queue.day_queue(session, actor=supervisor, day=today(), page_size=2, sort="-number")
    second = queue.day_queue(session, actor=supervisor, day=today(), page=1, page_size=2, sort="-number")
    assert first.pages == 2
    assert numbers(first) + numbers(second) == sorted(hall_day, reverse=True)


def test_find_by_number_whole_or_the_sequence_part(session, supervisor, hall_day):
    assert numbers(queue.day_queue(session, actor=supervisor, day=today(), search=hall_day[1])) == [hall_day[1]]
    sequence = hall_day[2].split("-")[3]
    assert numbers(queue.day_queue(session, actor=supervisor, day=today(), search=sequence)) == [hall_day[2]]


@pytest.mark.parametrize(("typed", "found"), [("张**", [0]), ("张", [0]), ("李*", [1]), ("李**", []), ("S***", [2])])
def test_find_by_masked_name(session, supervisor, hall_day, typed, found):
    page = queue.day_queue(session, actor=supervisor, day=today(), search=typed)
    assert numbers(page) == [hall_day[i] for i in found]


def test_clerk_may_not_open_the_halls_queue(session, clerk, hall_day):
    with pytest.raises(Forbidden) as refused:
        queue.day_queue(session, actor=clerk, day=today())
    assert refused.value.code == "role"


def test_unknown_sort_or_status_is_refused(session, supervisor):
    with pytest.raises(InvalidInput):
        queue.day_queue(session, actor=supervisor, day=today(), sort="name")
    with pytest.raises(InvalidInput):
        queue.day_queue(session, actor=supervisor, day=today(), status="approved")


def test_queue_row_json_has_exactly_the_contract_keys(session, supervisor, hall_day):
    row = queue.day_queue(session, actor=None, day=today()).rows[0].to_dict()
    assert list(row) == ["number", "status", "matter_code", "county_code", "window", "clerk", "submitted_at",
                         "applicant_masked", "due_date", "remaining_workdays", "clock", "tolerated",
                         "tolerated_due", "tolerated_overdue"]
    assert (row["tolerated"], row["tolerated_due"], row["tolerated_overdue"]) == ([], None, False)
    assert row["submitted_at"].endswith("+08:00")


def test_lookup_by_number_gives_the_timeline(session, clerk, catalog, hall_day):
    [found] = queue.lookup(session, actor=clerk, text=hall_day[1], catalog=catalog)
    assert found.status_label == "已受理"
    assert [(e.from_status, e.to_status, e.by) for e in found.events] == [
        ("draft", "received", "c03"), ("received", "accepted", "sup01")]


def test_lookup_by_number_typed_without_dashes_and_lowercase_x(session, clerk, hall_day):
    typed = hall_day[0].replace("-", "").lower()
    assert [p.number for p in queue.lookup(session, actor=clerk, text=typed)] == [hall_day[0]]


def test_lookup_names_a_mistyped_check_character(session, clerk, hall_day):
    number = hall_day[0]
    swapped = number[:-1] + ("1" if number[-1] != "1" else "2")
    with pytest.raises(InvalidInput) as refused:
        queue.lookup(session, actor=clerk, text=swapped)
    assert refused.value.code == "app_no_check"


def test_lookup_by_id_number_lists_the_applicants_applications_and_is_audited(session, supervisor, clerk, catalog,
                                                                             settings):
    id_number = resident_id()
    made = [submitted_application(session, clerk, catalog, settings, form=applicant_form(id_number=id_number),
                                  override=supervisor if again else None) for again in range(2)]
    found = queue.lookup(session, actor=clerk, text=id_number)
    assert [p.number for p in found] == [made[1].number, made[0].number]
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "lookup_id")).one()
    assert entry.staff_id == "c03" and id_number not in entry.target


def test_lookup_by_id_number_names_a_typo_in_the_id(session, clerk, hall_day):
    id_number = resident_id()
    typo = id_number[:-1] + ("0" if id_number[-1] != "0" else "1")
    with pytest.raises(InvalidInput) as refused:
        queue.lookup(session, actor=clerk, text=typo)
    assert refused.value.code == "id_check_digit"


@pytest.mark.parametrize("typed, code", [
    ("12345", "id_length"),
    ("4306261985061500", "id_length"),
    ("张三丰", "query_not_number"),
    ("ABC", "id_format"),
    ("E1234567%", "query_chars"),
    ("810000198506150011", "id_check_digit"),
])
def test_lookup_names_what_is_wrong_with_something_that_cannot_be_an_id_number(session, clerk, hall_day,
                                                                                typed, code):
    with pytest.raises(InvalidInput) as refused:
        queue.lookup(session, actor=clerk, text=typed)
    assert refused.value.code == code
    assert "没有该证件号码" not in refused.value.message


@pytest.mark.parametrize("separator", ["—", "_", "－", "–", " "])
def test_lookup_reads_an_application_number_typed_with_other_dashes(session, clerk, hall_day, separator):
    typed = hall_day[0].replace("-", separator)
    assert [p.number for p in queue.lookup(session, actor=clerk, text=typed)] == [hall_day[0]]


@pytest.mark.parametrize("separator", ["—", "_", " ", "-"])
def test_lookup_reads_an_id_number_typed_in_groups(session, clerk, catalog, settings, separator):
    id_number = resident_id()
    made = submitted_application(session, clerk, catalog, settings, form=applicant_form(id_number=id_number))
    typed = separator.join([id_number[:6], id_number[6:14], id_number[14:]])
    assert [p.number for p in queue.lookup(session, actor=clerk, text=typed)] == [made.number]


def test_lookup_of_a_well_formed_passport_number_nobody_holds_is_not_found(session, clerk, hall_day):
    with pytest.raises(NotFound) as missing:
        queue.lookup(session, actor=clerk, text="E99887766")
    assert missing.value.code == "applicant_unknown"


def test_lookup_finds_a_passport_holder(session, clerk, catalog, settings):
    made = submitted_application(session, clerk, catalog, settings,
                                 form=applicant_form(id_type="passport", id_number="E12345678", sex="M"))
    assert [p.number for p in queue.lookup(session, actor=clerk, text="e1234 5678")] == [made.number]


def test_lookup_of_a_valid_id_without_applications_is_not_found(session, clerk, hall_day):
    with pytest.raises(NotFound):
        queue.lookup(session, actor=clerk, text=resident_id())


def test_supervisor_sees_everything_in_full_and_the_view_is_audited(session, supervisor, catalog, hall_day):
    shown = detail(session, actor=supervisor, number_or_id=hall_day[0], catalog=catalog)
    assert shown.full and shown.applicant.name == "张三丰"
    assert len(shown.applicant.id_number) == 18 and "*" not in shown.applicant.id_number
    assert shown.moves == ["accepted", "supplement_requested", "rejected", "withdrawn"]
    assert {a.material_code for a in shown.attachments} >= {"M01", "M02"}
    assert shown.situation and shown.events[0].to_status == "received"
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "view_full")).one()
    assert (entry.staff_id, entry.target) == ("sup01", hall_day[0])


def test_the_window_that_took_it_sees_it_in_full_and_may_only_withdraw(session, clerk, catalog, hall_day):
    shown = detail(session, actor=clerk, number_or_id=hall_day[0], catalog=catalog)
    assert shown.full and shown.moves == ["withdrawn"]


def test_another_window_sees_it_masked_and_unaudited(session, other_clerk, catalog, hall_day):
    shown = detail(session, actor=other_clerk, number_or_id=hall_day[0], catalog=catalog)
    assert not shown.full
    assert shown.applicant.name == "张**"
    assert "*" in shown.applicant.id_number and "*" in shown.applicant.mobile
    assert shown.applicant.residence_address == HIDDEN
    assert shown.moves == []
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "view_full")).all() == []


def test_another_windows_draft_stays_hidden(session, clerk, other_clerk, catalog):
    draft = draft_application(session, clerk, catalog)
    with pytest.raises(Forbidden):
        detail(session, actor=other_clerk, number_or_id=draft.id, catalog=catalog)


def test_supplement_choices_are_the_materials_of_the_situation_outstanding_ones_marked(
        session, supervisor, clerk, catalog, settings):
    made = draft_application(session, clerk, catalog)
    choices = supplement_choices(session, actor=supervisor, catalog=catalog, number_or_id=made.id)
    names = [m.name for m in catalog.matter("ZC-JYKN-001").materials]
    assert [name for _, name, _ in choices] == [n for n in names if n not in ("残疾人证", "城镇零就业家庭证明")]
    assert all(outstanding for _, _, outstanding in choices) and all(code.startswith("M") for code, _, _ in choices)


def test_packet_is_saved_for_a_supervisor_and_audited(session, supervisor, other_clerk, catalog, settings,
                                                      hall_day):
    with pytest.raises(Forbidden):
        save_packet(session, actor=other_clerk, catalog=catalog, settings=settings, number_or_id=hall_day[0])
    outcome = save_packet(session, actor=supervisor, catalog=catalog, settings=settings, number_or_id=hall_day[0])
    saved = list(settings.output_dir.glob("申请材料汇编-*.pdf"))
    assert len(saved) == 1 and str(saved[0]) in outcome.message and outcome.warning is None
    assert saved[0].read_bytes().startswith(b"%PDF")
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "view_full")).one()
    assert (entry.target, entry.detail) == (hall_day[0], "申请材料汇编")


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=40) | st.sampled_from(["\x00", "张\x00", "[bold]x[/bold]", "\x1b[2J", "%_\\", "4306-"]))
def test_anything_typed_into_search_or_lookup_is_answered_or_refused_clearly(session, supervisor, typed):
    for attempt in (lambda: queue.day_queue(session, actor=supervisor, day=today(), search=typed).total,
                    lambda: queue.day_queue(session, actor=supervisor, day=today(), clerk=typed).total,
                    lambda: queue.lookup(session, actor=supervisor, text=typed)):
        try:
            assert not attempt()
        except CounterdeskError as refused:
            assert refused.message and refused.code
