"""容缺受理 and 告知承诺 after the form: submitted without the paper, owed by a date, checked afterwards.

Also the repeat-application rule: a second open application of one applicant and matter.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select, update

from counterdesk.domain.clock import today
from counterdesk.domain.errors import Conflict, Forbidden, InvalidInput
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import applications, attachments, promises, queue
from counterdesk.services.batch import import_batch
from counterdesk.services.export import application_digest
from counterdesk.store.models import Application, Attachment, AuditEntry, MaterialPromise, StatusEvent
from tests.batch_helpers import batch_folder, example_row, read_jsonl, write_jsonl
from tests.conftest import write_pdf
from tests.factories import (
    applicant_form,
    attach_all,
    draft_application,
    resident_id,
    settle_items,
    submitted_application,
)

NO_PASSBOOK = {"category": "laid_off", "flexible": "yes", "bank": "no"}
ZERO_EMPLOYMENT = {"category": "zero_employment", "flexible": "no"}
PASSBOOK, FAMILY_PROOF = "M05", "M08"


def _attach_all_but(session, actor, catalog, settings, application, *skipped):
    for row in attachments.material_rows(session, catalog, application):
        if row.material.code not in skipped:
            scan = write_pdf(settings.scans_dir / f"{row.material.code}-{application.id}.pdf", row.material.name)
            attachments.attach_from_inbox(session, actor=actor, settings=settings, catalog=catalog,
                                          application_id=application.id, material_code=row.material.code, path=scan)


def _ready(session, actor, catalog, settings, answers, *skipped, form=None) -> Application:
    draft = draft_application(session, actor, catalog, answers=answers, form=form)
    _attach_all_but(session, actor, catalog, settings, draft, *skipped)
    applications.set_pickup(session, actor=actor, application_id=draft.id, method="onsite")
    return draft


def _tolerated(session, clerk, catalog, settings, days: int = 7) -> Application:
    draft = _ready(session, clerk, catalog, settings, NO_PASSBOOK, PASSBOOK)
    promises.mark(session, actor=clerk, catalog=catalog, application_id=draft.id, material_code=PASSBOOK, days=days)
    applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    return session.get(Application, draft.id)


@pytest.fixture
def tolerated(session, clerk, catalog, settings) -> Application:
    """The passbook not opened yet: marked 容缺 for 7 working days, submitted without it."""
    return _tolerated(session, clerk, catalog, settings)


def _due_passed(session, application: Application, days_ago: int = 1) -> None:
    """The tolerated material's deadline has come and gone: seen from ``days_ago`` days after it."""
    session.exec(update(MaterialPromise).where(MaterialPromise.application_id == application.id)
                 .values(due_on=today() - timedelta(days=days_ago)))
    session.commit()


# -- 容缺 at the counter ---------------------------------------------------------------------------------


def test_a_tolerated_passbook_lets_the_counter_submit_and_is_owed_by_a_working_day_deadline(
        session, catalog, tolerated):
    due = add_working_days(today(), 7, catalog.calendar)
    [row] = session.exec(select(MaterialPromise).where(MaterialPromise.application_id == tolerated.id)).all()
    assert (row.material_code, row.kind, row.days, row.due_on, row.supplied_at) == (PASSBOOK, "tolerated", 7, due,
                                                                                    None)
    received = session.exec(select(StatusEvent).where(StatusEvent.application_id == tolerated.id)).one()
    assert json.loads(received.detail) == {"tolerated": {PASSBOOK: due.isoformat()}}
    found = queue.progress(session, number=tolerated.number, catalog=catalog)
    assert found.to_dict()["tolerated"] == [PASSBOOK] and found.to_dict()["tolerated_due"] == due.isoformat()
    assert found.status_label == "已收件·容缺待补"
    [listed] = queue.day_queue(session, actor=None, day=today(), catalog=catalog).rows
    assert (listed.to_dict()["tolerated"], listed.to_dict()["tolerated_overdue"]) == ([PASSBOOK], False)


def test_without_the_mark_the_missing_passbook_still_stops_submit(session, clerk, catalog, settings):
    draft = _ready(session, clerk, catalog, settings, NO_PASSBOOK, PASSBOOK)
    with pytest.raises(InvalidInput) as refused:
        applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    assert refused.value.code == "incomplete" and "邮政储蓄银行活期存折" in refused.value.message


def test_a_passbook_already_opened_cannot_be_tolerated_and_a_changed_answer_drops_the_mark(
        session, clerk, catalog, settings):
    opened = _ready(session, clerk, catalog, settings, {**NO_PASSBOOK, "bank": "yes"}, PASSBOOK)
    with pytest.raises(InvalidInput) as refused:
        promises.mark(session, actor=clerk, catalog=catalog, application_id=opened.id, material_code=PASSBOOK)
    assert refused.value.code == "not_tolerable"
    draft = _ready(session, clerk, catalog, settings, NO_PASSBOOK, PASSBOOK)
    promises.mark(session, actor=clerk, catalog=catalog, application_id=draft.id, material_code=PASSBOOK)
    applications.save_answers(session, actor=clerk, catalog=catalog, application_id=draft.id,
                              answers={**NO_PASSBOOK, "bank": "yes"})
    problems = applications.missing_for_submit(session, catalog, session.get(Application, draft.id))
    assert problems == ["缺少必填材料：邮政储蓄银行活期存折"], "the mark no longer holds"


def test_a_material_with_a_file_is_not_marked_and_a_file_attached_later_wins(session, clerk, catalog, settings):
    draft = _ready(session, clerk, catalog, settings, NO_PASSBOOK)
    with pytest.raises(InvalidInput) as refused:
        promises.mark(session, actor=clerk, catalog=catalog, application_id=draft.id, material_code=PASSBOOK)
    assert refused.value.code == "already_attached"
    other = _ready(session, clerk, catalog, settings, NO_PASSBOOK, PASSBOOK)
    promises.mark(session, actor=clerk, catalog=catalog, application_id=other.id, material_code=PASSBOOK)
    _attach_all_but(session, clerk, catalog, settings, other, "M01", "M02", "M03", "M04", "M06")
    applications.submit(session, actor=clerk, catalog=catalog, application_id=other.id)
    assert session.exec(select(MaterialPromise).where(MaterialPromise.application_id == other.id)).all() == []
    assert promises.unmark(session, actor=clerk, application_id=draft.id, material_code=PASSBOOK) is False


def test_a_tolerated_material_still_missing_after_its_deadline_shows_as_overdue(session, catalog, tolerated):
    _due_passed(session, tolerated)
    found = queue.progress(session, number=tolerated.number, catalog=catalog)
    assert (found.to_dict()["tolerated"], found.to_dict()["tolerated_overdue"]) == ([PASSBOOK], True)
    assert found.status_label == "已收件·容缺逾期"
    assert [(p["material_code"], p["state"], p["state_label"]) for p in found.to_dict()["promises"]] == [
        (PASSBOOK, "overdue", "容缺逾期")]
    [row] = queue.day_queue(session, actor=None, day=today(), catalog=catalog).rows
    assert row.to_dict()["tolerated_overdue"] is True and row.status_label == "已收件·容缺逾期"
    assert row.to_dict()["tolerated"] == found.to_dict()["tolerated"], "queue and status say the same"


def test_the_queue_lists_every_day_s_applications_owing_a_material_soonest_deadline_first(
        session, clerk, supervisor, catalog, settings):
    from counterdesk.services import workflow

    late, later, soon = (_tolerated(session, clerk, catalog, settings, days) for days in (30, 20, 3))
    plain = submitted_application(session, clerk, catalog, settings)
    withdrawn = _tolerated(session, clerk, catalog, settings, 1)
    workflow.advance(session, actor=clerk, number_or_id=withdrawn.number, to_status="withdrawn", reason="群众申请撤回")
    _due_passed(session, late, days_ago=2)
    # Received on another day: the filters look at every day's applications.
    session.exec(update(Application).where(Application.id == later.id)
                 .values(submitted_on=today() - timedelta(days=40)))
    session.commit()

    def listed(due: str, **options) -> list[str]:
        page = queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due=due, **options)
        assert page.total == len(page.rows) and sum(page.counts_by_status.values()) == page.total
        return [row.number for row in page.rows]

    assert listed("owed") == [late.number, soon.number, later.number], "by the earliest deadline owed"
    assert listed("owed", sort="-tolerated_due") == [later.number, soon.number, late.number]
    assert listed("owed_overdue") == [late.number]
    assert plain.number not in listed("owed", page_size=None)
    assert queue.DUE_FILTERS["owed"] == "容缺待补" and queue.DUE_FILTERS["owed_overdue"] == "容缺逾期"


def test_a_withdrawn_or_refused_application_owes_nothing_and_its_promises_are_void(
        session, clerk, supervisor, catalog, settings, tolerated):
    from counterdesk.services import workflow

    _due_passed(session, tolerated)
    workflow.advance(session, actor=clerk, number_or_id=tolerated.number, to_status="withdrawn", reason="群众申请撤回")
    found = queue.progress(session, number=tolerated.number, catalog=catalog)
    assert (found.owed.codes, found.status_label) == ((), "已撤回")
    assert [(p["state"], p["state_label"], p["due_on"] is not None) for p in found.to_dict()["promises"]] == [
        ("void", "已失效", True)], "the row stays, for history"
    assert session.exec(select(MaterialPromise).where(MaterialPromise.application_id == tolerated.id)).one()
    [row] = queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog).rows
    assert (row.to_dict()["tolerated"], row.to_dict()["tolerated_overdue"], row.status_label) == ([], False, "已撤回")
    assert queue.day_queue(session, actor=supervisor, day=today(), catalog=catalog, due="owed_overdue").rows == []
    with pytest.raises(InvalidInput) as refused:
        attachments.supply_owed(session, actor=clerk, settings=settings, catalog=catalog,
                                number_or_id=tolerated.number, material_code=PASSBOOK,
                                path=write_pdf(settings.scans_dir / "late.pdf"))
    assert refused.value.code == "promise_void" and "已撤回" in refused.value.message
    # Refused (不予受理) by the 办理地: the same.
    other = _tolerated(session, clerk, catalog, settings)
    workflow.advance(session, actor=supervisor, number_or_id=other.number, to_status="rejected", reason="不符合条件")
    assert queue.progress(session, number=other.number, catalog=catalog).to_dict()["tolerated"] == []


def test_completion_is_refused_while_a_tolerated_material_is_owed_naming_it(session, clerk, supervisor, catalog,
                                                                            settings, tolerated):
    from counterdesk.services import workflow

    workflow.advance(session, actor=supervisor, number_or_id=tolerated.number, to_status="accepted", catalog=catalog)
    settle_items(session, supervisor, tolerated.number)
    with pytest.raises(Conflict) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=tolerated.number, to_status="completed",
                         catalog=catalog)
    assert refused.value.code == "tolerated_owed"
    assert "邮政储蓄银行活期存折" in refused.value.message and PASSBOOK in refused.value.message
    assert "不能办结" in refused.value.message
    stored = session.get(Application, tolerated.id)
    session.refresh(stored)
    assert stored.status == "accepted" and not session.exec(select(StatusEvent).where(
        StatusEvent.application_id == tolerated.id, StatusEvent.to_status == "completed")).all()
    # A move the workflow does not have is still named as such, owed or not.
    with pytest.raises(InvalidInput) as wrong:
        workflow.advance(session, actor=supervisor, number_or_id=tolerated.number, to_status="ready")
    assert wrong.value.code == "bad_transition"
    attachments.supply_owed(session, actor=clerk, settings=settings, catalog=catalog, number_or_id=tolerated.number,
                            material_code=PASSBOOK, path=write_pdf(settings.scans_dir / "存折.pdf"))
    moved = workflow.advance(session, actor=supervisor, number_or_id=tolerated.number, to_status="completed",
                             catalog=catalog)
    assert moved.to_status == "completed"
    found = queue.progress(session, number=tolerated.number, catalog=catalog).to_dict()
    assert [p["state"] for p in found["promises"]] == ["supplied"]


def test_supplying_the_passbook_later_clears_what_was_owed_and_is_audited(session, clerk, other_clerk, catalog,
                                                                          settings, tolerated):
    scan = write_pdf(settings.scans_dir / "存折.pdf", "passbook")
    with pytest.raises(Forbidden):
        attachments.supply_owed(session, actor=other_clerk, settings=settings, catalog=catalog,
                                number_or_id=tolerated.number, material_code=PASSBOOK, path=scan)
    attachments.supply_owed(session, actor=clerk, settings=settings, catalog=catalog, number_or_id=tolerated.number,
                            material_code=PASSBOOK, path=scan)
    assert [a.material_code for a in session.exec(select(Attachment).where(
        Attachment.application_id == tolerated.id, Attachment.material_code == PASSBOOK))] == [PASSBOOK]
    assert not scan.exists() and (settings.scans_dir / "attached" / "存折.pdf").is_file()
    found = queue.progress(session, number=tolerated.number, catalog=catalog)
    assert found.to_dict()["tolerated"] == [] and found.status_label == "已收件"
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "tolerated_supplied")).one()
    assert entry.target == f"application:{tolerated.number}" and json.loads(entry.detail)["late"] is False
    with pytest.raises(InvalidInput) as again:
        attachments.supply_owed(session, actor=clerk, settings=settings, catalog=catalog,
                                number_or_id=tolerated.number, material_code=PASSBOOK,
                                path=write_pdf(settings.scans_dir / "again.pdf"))
    assert again.value.code == "not_owed"


def test_the_export_of_a_tolerated_application_keeps_its_deadline_and_imports_back_as_a_duplicate(
        session, supervisor, catalog, settings, tolerated, tmp_path):
    from counterdesk.services.export import export

    export(session, actor=supervisor, settings=settings, out=tmp_path / "day.jsonl")
    [row] = read_jsonl(tmp_path / "day.jsonl")
    due = session.exec(select(MaterialPromise.due_on)).one()
    assert row["tolerated"] == [f"{PASSBOOK}@{due.isoformat()}"] and PASSBOOK not in row["attachments"]
    result = import_batch(session, actor=supervisor, catalog=catalog, settings=settings, path=tmp_path / "day.jsonl")
    assert (result.duplicates, result.rejected) == (1, 0), result.rejections
    assert application_digest(session, tolerated)


# -- batch rows ------------------------------------------------------------------------------------------


def _import(session, actor, catalog, settings, folder, rows, **options):
    return import_batch(session, actor=actor, catalog=catalog, settings=settings,
                        path=write_jsonl(folder / "rows.jsonl", rows), **options)


def test_a_batch_row_carrying_tolerated_is_received_without_the_file_and_owes_it(session, clerk, catalog, settings,
                                                                                 tmp_path):
    folder = batch_folder(tmp_path)
    row = example_row("t-1", answers=NO_PASSBOOK, tolerated=[PASSBOOK])
    del row["attachments"][PASSBOOK]
    result = _import(session, clerk, catalog, settings, folder, [row])
    assert result.imported == 1, result.rejections
    found = queue.progress(session, number=result.numbers[0], catalog=catalog).to_dict()
    assert found["tolerated"] == [PASSBOOK]
    assert found["tolerated_due"] == add_working_days(today(), 10, catalog.calendar).isoformat()


@pytest.mark.parametrize(("answers", "extra", "code"), [
    ({**NO_PASSBOOK, "bank": "yes"}, {"tolerated": [PASSBOOK]}, "not_tolerable"),
    (NO_PASSBOOK, {"tolerated": ["M03"]}, "not_tolerable"),
    (NO_PASSBOOK, {"tolerated": [f"{PASSBOOK}@2026-13-01"]}, "tolerated_format"),
    (NO_PASSBOOK, {"tolerated": "M05"}, None),
    ({"category": "laid_off", "flexible": "no"}, {"tolerated": [PASSBOOK]}, "material_not_applicable"),
    (NO_PASSBOOK, {"committed": [PASSBOOK]}, "no_commitment"),
])
def test_a_batch_row_promising_what_the_catalog_does_not_allow_is_rejected(session, clerk, catalog, settings,
                                                                           tmp_path, answers, extra, code):
    folder = batch_folder(tmp_path)
    row = example_row("t-1", answers=answers, **extra)
    for skipped in ("M02", "M05") if answers.get("flexible") == "no" else (PASSBOOK,):
        row["attachments"].pop(skipped, None)
    result = _import(session, clerk, catalog, settings, folder, [row])
    assert [r.code for r in result.rejections] == ([code] if code else []), result.rejections


def test_a_csv_row_names_its_tolerated_materials_in_one_cell(session, clerk, catalog, settings, tmp_path):
    import csv

    from counterdesk.services.batchrows import flatten

    folder = batch_folder(tmp_path)
    row = example_row("t-csv", answers=NO_PASSBOOK, tolerated=[PASSBOOK])
    del row["attachments"][PASSBOOK]
    flat = flatten(row)
    assert flat["tolerated"] == PASSBOOK
    with open(folder / "rows.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(flat))
        writer.writeheader()
        writer.writerow(flat)
    result = import_batch(session, actor=clerk, catalog=catalog, settings=settings, path=folder / "rows.csv")
    assert result.imported == 1, result.rejections
    assert queue.progress(session, number=result.numbers[0], catalog=catalog).owed.codes == (PASSBOOK,)


# -- repeat applications ---------------------------------------------------------------------------------


def test_batch_refuses_a_second_open_application_of_an_applicant_and_matter_with_its_reason(
        session, clerk, catalog, settings, tmp_path):
    id_number = resident_id()
    stored = submitted_application(session, clerk, catalog, settings, form=applicant_form(id_number=id_number))
    folder = batch_folder(tmp_path)
    again = example_row("rep-1")
    again["applicant"]["id_number"] = id_number
    twin = example_row("rep-3")
    first = example_row("rep-2", applicant={**twin["applicant"]})
    result = _import(session, clerk, catalog, settings, folder, [again, first, twin])
    assert result.imported == 1 and [(r.line, r.code) for r in result.rejections] == [
        (1, "repeat_application"), (3, "repeat_application")]
    assert stored.number in result.rejections[0].reason and "已收件" in result.rejections[0].reason
    assert "rep-2" in result.rejections[1].reason
    rejects = read_jsonl(folder / "rows.rejects.jsonl")
    assert [r["_code"] for r in rejects] == ["repeat_application"] * 2


def test_batch_lets_an_applicant_apply_again_once_the_first_application_is_closed(
        session, clerk, supervisor, catalog, settings, tmp_path):
    from counterdesk.services import workflow

    id_number = resident_id()
    stored = submitted_application(session, clerk, catalog, settings, form=applicant_form(id_number=id_number))
    workflow.advance(session, actor=clerk, number_or_id=stored.number, to_status="withdrawn", reason="群众申请撤回")
    row = example_row("rep-4")
    row["applicant"]["id_number"] = id_number
    result = _import(session, clerk, catalog, settings, batch_folder(tmp_path), [row])
    assert result.imported == 1, result.rejections


def test_the_counter_refuses_a_repeat_until_a_supervisor_overrides_it_on_the_record(
        session, clerk, supervisor, catalog, settings):
    form = applicant_form()
    first = submitted_application(session, clerk, catalog, settings, form=form)
    draft = draft_application(session, clerk, catalog, form=form)
    attach_all(session, clerk, catalog, settings, draft)
    applications.set_pickup(session, actor=clerk, application_id=draft.id, method="onsite")
    with pytest.raises(InvalidInput) as refused:
        applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    assert refused.value.code == "repeat_application" and first.number in refused.value.message
    with pytest.raises(Forbidden):
        applications.override_repeat(session, actor=clerk, application_id=draft.id, supervisor=clerk)
    assert applications.override_repeat(session, actor=clerk, application_id=draft.id,
                                        supervisor=supervisor) == [first.number]
    assert applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "repeat_override")).one()
    assert entry.staff_id == "sup01" and json.loads(entry.detail) == {"clerk": "c03", "open": [first.number]}
    assert session.get(Application, draft.id).repeat_override_by == "sup01"


# -- 告知承诺 and its check --------------------------------------------------------------------------------


@pytest.fixture
def committed(session, clerk, catalog, settings) -> Application:
    """A zero-employment family's proof replaced by a signed commitment."""
    draft = _ready(session, clerk, catalog, settings, ZERO_EMPLOYMENT, FAMILY_PROOF)
    promises.mark(session, actor=clerk, catalog=catalog, application_id=draft.id, material_code=FAMILY_PROOF,
                  kind="commitment")
    applications.submit(session, actor=clerk, catalog=catalog, application_id=draft.id)
    return session.get(Application, draft.id)


def test_a_commitment_opens_a_check_for_a_supervisor_who_records_its_outcome_once(
        session, clerk, supervisor, catalog, committed):
    [check] = promises.checks(session, actor=supervisor, catalog=catalog)
    assert (check.number, check.material_code, check.material_name, check.outcome) == (
        committed.number, FAMILY_PROOF, "城镇零就业家庭证明", None)
    assert queue.progress(session, number=committed.number, catalog=catalog).owed.codes == (), "not owed: replaced"
    with pytest.raises(Forbidden):
        promises.checks(session, actor=clerk)
    with pytest.raises(Forbidden):
        promises.record_check(session, actor=clerk, check_id=check.id, outcome="true", note=None)
    with pytest.raises(InvalidInput) as no_note:
        promises.record_check(session, actor=supervisor, check_id=check.id, outcome="false", note=" ")
    assert no_note.value.code == "check_note"
    done = promises.record_check(session, actor=supervisor, check_id=check.id, outcome="false",
                                 note="社区核实：家庭成员一人已就业", catalog=catalog)
    assert (done.outcome, done.checked_by, done.to_dict()["outcome_label"]) == ("false", "sup01", "不属实")
    assert promises.checks(session, actor=supervisor) == []
    assert [c.outcome for c in promises.checks(session, actor=supervisor, include_done=True)] == ["false"]
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "commitment_check")).one()
    assert json.loads(entry.detail) == {"check": check.id, "material": FAMILY_PROOF, "outcome": "false",
                                        "note": "社区核实：家庭成员一人已就业"}
    with pytest.raises(Conflict):
        promises.record_check(session, actor=supervisor, check_id=check.id, outcome="true", note=None)


def test_a_commitment_is_still_checked_after_completion_but_void_once_the_application_is_refused(
        session, clerk, supervisor, catalog, settings, committed):
    from counterdesk.services import workflow

    workflow.advance(session, actor=supervisor, number_or_id=committed.number, to_status="accepted", catalog=catalog)
    settle_items(session, supervisor, committed.number)
    workflow.advance(session, actor=supervisor, number_or_id=committed.number, to_status="completed", catalog=catalog)
    [check] = promises.checks(session, actor=supervisor, catalog=catalog)
    assert (check.number, check.state, check.applicant_masked) == (committed.number, "to_check", "张*")
    assert check.due_on == add_working_days(today(), 20, catalog.calendar) and not check.overdue
    refused = _ready(session, clerk, catalog, settings, ZERO_EMPLOYMENT, FAMILY_PROOF)
    promises.mark(session, actor=clerk, catalog=catalog, application_id=refused.id, material_code=FAMILY_PROOF,
                  kind="commitment")
    number = applications.submit(session, actor=clerk, catalog=catalog, application_id=refused.id)
    workflow.advance(session, actor=supervisor, number_or_id=number, to_status="rejected", reason="不符合申领条件")
    assert [c.number for c in promises.checks(session, actor=supervisor)] == [committed.number]
    void = next(c for c in promises.checks(session, actor=supervisor, catalog=catalog, include_done=True)
                if c.number == number)
    assert (void.state, void.outcome, void.to_dict()["outcome_label"]) == ("void", None, "已失效")
    with pytest.raises(Conflict) as again:
        promises.record_check(session, actor=supervisor, check_id=void.id, outcome="true", note=None)
    assert again.value.code == "check_void" and "不予受理" in again.value.message
    assert session.get(MaterialPromise, void.id).outcome is None


def test_a_batch_row_committed_opens_the_same_check(session, clerk, supervisor, catalog, settings, tmp_path):
    row = example_row("c-1", answers=ZERO_EMPLOYMENT, committed=[FAMILY_PROOF])
    for code in ("M02", "M05"):
        del row["attachments"][code]
    result = _import(session, clerk, catalog, settings, batch_folder(tmp_path), [row])
    assert result.imported == 1, result.rejections
    assert [c.number for c in promises.checks(session, actor=supervisor)] == result.numbers


# -- the command line --------------------------------------------------------------------------------------


def test_catalog_show_says_which_materials_are_tolerable_for_the_answers_given(cli):
    def tolerable(*answers: str) -> dict[str, bool]:
        result = cli("catalog", "show", "ZC-JYKN-001", *[a for pair in answers for a in ("--answer", pair)],
                     "--json")
        assert result.exit_code == 0, result.output
        return {m["code"]: m["tolerable"] for m in json.loads(result.stdout)["materials"]}

    assert tolerable("category=laid_off", "flexible=yes", "bank=no")[PASSBOOK] is True
    assert tolerable("category=laid_off", "flexible=yes", "bank=yes")[PASSBOOK] is False
    assert PASSBOOK not in tolerable("category=laid_off", "flexible=no")


def test_the_commitment_paper_lists_the_tolerated_passbook_with_its_deadline(cli, session, catalog, tolerated,
                                                                             tmp_path):
    out = tmp_path / "承诺书.pdf"
    result = cli("commitment", tolerated.number, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    due = session.exec(select(MaterialPromise.due_on)).one()
    assert "容缺受理承诺书" in text and "邮政储蓄银行活期存折" in text
    assert f"{due.year}年{due.month}月{due.day}日" in text and tolerated.number in text.replace("\n", "")
    assert "张*" in text and "张三" not in text


def test_the_commitment_paper_is_refused_for_an_application_that_promised_nothing(cli, session, clerk, catalog,
                                                                                  settings, tmp_path):
    plain = submitted_application(session, clerk, catalog, settings)
    result = cli("commitment", plain.number, "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "容缺" in result.stderr and not (tmp_path / "x.pdf").exists()


def test_supply_checks_and_check_from_the_command_line(cli, session, catalog, settings, tolerated, committed):
    scan = write_pdf(settings.scans_dir / "存折-补交.pdf", "passbook")
    result = cli("supply", tolerated.number, PASSBOOK, str(scan), "--staff", "c03")
    assert result.exit_code == 0, result.output
    assert json.loads(cli("status", tolerated.number, "--json").stdout)["tolerated"] == []
    listed = json.loads(cli("checks", "--json").stdout)
    assert [(c["number"], c["material_code"], c["outcome"]) for c in listed] == [(committed.number, FAMILY_PROOF,
                                                                                  None)]
    refused = cli("check", str(listed[0]["id"]), "--outcome", "true", "--staff", "c03")
    assert refused.exit_code == 2 and "值班长" in refused.stderr and "Traceback" not in refused.output
    done = cli("check", str(listed[0]["id"]), "--outcome", "属实", "--note", "已核实", "--staff", "sup01")
    assert done.exit_code == 0, done.output
    assert json.loads(cli("checks", "--json").stdout) == []
    assert json.loads(cli("checks", "--all", "--json").stdout)[0]["outcome_label"] == "属实"


def test_queue_owed_status_and_a_refused_completion_from_the_command_line(cli, session, catalog, settings, clerk,
                                                                          supervisor, tolerated, committed):
    plain = submitted_application(session, clerk, catalog, settings)

    def owing(*flags: str) -> list[dict]:
        result = cli("queue", *flags, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    [row] = owing("--owed")
    assert (row["number"], row["tolerated"], row["tolerated_overdue"]) == (tolerated.number, [PASSBOOK], False)
    assert owing("--owed-overdue") == []
    _due_passed(session, tolerated)
    [late] = owing("--owed-overdue")
    status = json.loads(cli("status", tolerated.number, "--json").stdout)
    assert {k: late[k] for k in ("tolerated", "tolerated_due", "tolerated_overdue")} == {
        k: status[k] for k in ("tolerated", "tolerated_due", "tolerated_overdue")}, "queue and status agree"
    assert [(p["material_code"], p["kind"], p["state"]) for p in status["promises"]] == [
        (PASSBOOK, "tolerated", "overdue")]
    human = cli("queue", "--owed-overdue")
    assert human.exit_code == 0 and "容缺逾期办件 共 1 件" in human.stdout and "容缺逾期" in human.stdout
    assert plain.number not in human.stdout
    both = cli("queue", "--owed", "--overdue")
    assert both.exit_code == 2 and "只能选一个" in both.stderr
    assert "容缺 邮政储蓄银行活期存折（M05）：容缺逾期" in cli("status", tolerated.number).stdout
    assert cli("advance", tolerated.number, "--to", "accepted", "--staff", "sup01").exit_code == 0
    settle_items(session, supervisor, tolerated.number)
    refused = cli("advance", tolerated.number, "--to", "completed", "--staff", "sup01")
    assert refused.exit_code == 1 and "邮政储蓄银行活期存折" in refused.stderr and "不能办结" in refused.stderr
    assert "Traceback" not in refused.output
    assert json.loads(cli("status", tolerated.number, "--json").stdout)["status"] == "accepted"
    [check] = json.loads(cli("checks", "--json").stdout)
    assert (check["number"], check["applicant_masked"], check["state"], check["overdue"]) == (
        committed.number, "张*", "to_check", False)
    assert check["due_on"] == add_working_days(today(), 20, catalog.calendar).isoformat()
    assert cli("advance", committed.number, "--to", "withdrawn", "--reason", "群众申请撤回", "--staff", "c03").exit_code == 0
    assert json.loads(cli("checks", "--json").stdout) == []
    void = cli("check", str(check["id"]), "--outcome", "属实", "--staff", "sup01")
    assert void.exit_code == 1 and "已失效" in void.stderr
    assert [c["outcome_label"] for c in json.loads(cli("checks", "--all", "--json").stdout)] == ["已失效"]
