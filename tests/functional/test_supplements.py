"""补正 as numbered notices, and the papers of each act (收件凭证, 受理通知书, 不予受理通知书, 一次性告知单)."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import DBAPIError
from sqlmodel import select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.domain.clock import today
from counterdesk.domain.errors import Forbidden, InvalidInput, NotFound
from counterdesk.domain.workdays import add_working_days
from counterdesk.services import papers, supplements, workflow
from counterdesk.store.models import Application, Attachment, StatusEvent, SupplementNotice
from tests.batch_helpers import credit_code
from tests.conftest import PASSWORD
from tests.factories import applicant_form, attach_all, draft_application, first_answers, submitted_application

PASSBOOK, ID_COPY = "M05", "M03"


@pytest.fixture
def received(session, clerk, catalog, settings) -> Application:
    return submitted_application(session, clerk, catalog, settings)


@pytest.fixture
def run(settings):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args],
                             env={"COUNTERDESK_PASSWORD": PASSWORD})

    return invoke


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_supervisor_asks_for_the_passbook_and_the_notice_is_numbered_with_a_working_day_deadline(
        session, supervisor, catalog, received):
    moved, notice = supplements.request(session, actor=supervisor, number_or_id=received.number,
                                        materials=[PASSBOOK, ID_COPY], reason="存折复印件缺失，身份证复印件不清晰",
                                        catalog=catalog)
    assert moved.to_status == "supplement_requested"
    assert (notice.seq, notice.materials) == (1, [ID_COPY, PASSBOOK])  # the matter's order
    assert notice.deadline == add_working_days(today(), 5, catalog.calendar)
    event = session.exec(select(StatusEvent).where(StatusEvent.application_id == received.id)
                         .order_by(StatusEvent.id.desc())).first()
    assert json.loads(event.detail) == {"notice": 1, "materials": [ID_COPY, PASSBOOK],
                                        "deadline": notice.deadline.isoformat()}


def test_a_second_request_is_a_new_notice_and_the_first_stays_as_given(session, supervisor, clerk, catalog, received):
    supplements.request(session, actor=supervisor, number_or_id=received.id, materials=[PASSBOOK], reason="缺存折",
                        catalog=catalog)
    workflow.advance(session, actor=clerk, number_or_id=received.id, to_status="resubmitted", catalog=catalog)
    _, second = supplements.request(session, actor=supervisor, number_or_id=received.id, materials=[ID_COPY],
                                    reason="身份证复印件不清晰", deadline_days=3, catalog=catalog)
    assert second.seq == 2 and second.deadline == add_working_days(today(), 3, catalog.calendar)
    rows = session.exec(select(SupplementNotice).where(SupplementNotice.application_id == received.id)
                        .order_by(SupplementNotice.seq)).all()
    assert [(r.seq, json.loads(r.materials), r.reason) for r in rows] == [(1, [PASSBOOK], "缺存折"),
                                                                          (2, [ID_COPY], "身份证复印件不清晰")]
    assert supplements.latest(session, received.id).seq == 2


def test_a_given_notice_cannot_be_edited_at_the_database(session, supervisor, catalog, received):
    supplements.request(session, actor=supervisor, number_or_id=received.id, materials=[PASSBOOK], reason="缺存折",
                        catalog=catalog)
    with pytest.raises(DBAPIError):
        session.exec(SupplementNotice.__table__.update().values(deadline=today()))
        session.commit()
    session.rollback()


@pytest.mark.parametrize(("materials", "days", "code"), [([], None, "materials_required"),
                                                          (["M99"], None, "unknown_material"),
                                                          ([PASSBOOK], 0, "deadline_days"),
                                                          ([PASSBOOK], 61, "deadline_days")])
def test_a_request_names_known_materials_and_a_sane_deadline(session, supervisor, catalog, received, materials,
                                                             days, code):
    with pytest.raises(InvalidInput) as refused:
        supplements.request(session, actor=supervisor, number_or_id=received.id, materials=materials, reason="缺",
                            deadline_days=days, catalog=catalog)
    assert refused.value.code == code
    assert session.exec(select(SupplementNotice)).all() == []


def test_a_refused_move_leaves_no_notice_behind(session, clerk, catalog, received):
    with pytest.raises(Forbidden):
        supplements.request(session, actor=clerk, number_or_id=received.id, materials=[PASSBOOK], reason="缺存折",
                            catalog=catalog)
    assert session.exec(select(SupplementNotice)).all() == []
    assert session.get(Application, received.id).status == "received"


def test_the_notice_prints_exactly_the_request(session, supervisor, catalog, received):
    _, given = supplements.request(session, actor=supervisor, number_or_id=received.id, materials=[PASSBOOK],
                                   reason="未开立存折", catalog=catalog)
    data = papers.notice_for(session, catalog=catalog, number=received.number)
    assert [(i.name, i.kind, i.copies) for i in data.items] == [("邮政储蓄银行活期存折", "copy", 1)]
    assert (data.reason, data.deadline, data.notice_seq) == ("未开立存折", given.deadline, 1)


def test_a_submitted_application_nobody_asked_papers_of_has_no_notice(session, catalog, received):
    with pytest.raises(NotFound) as refused:
        papers.notice_for(session, catalog=catalog, number=received.number)
    assert refused.value.code == "no_supplement"


def test_a_drafts_notice_at_the_counter_still_lists_what_is_missing_or_failed(session, clerk, catalog, settings):
    draft = draft_application(session, clerk, catalog)
    attach_all(session, clerk, catalog, settings, draft)
    first = session.exec(select(Attachment).where(Attachment.application_id == draft.id)).first()
    first.precheck, first.precheck_reason = "failed", "复印件不清晰"
    session.add(first)
    session.commit()
    data = papers.notice_for(session, catalog=catalog, application_id=draft.id)
    assert [i.reason for i in data.items] == ["复印件不清晰"]
    assert data.notice_seq is None and data.deadline is None


def test_supplement_and_notice_from_the_shell(run, supervisor, received, tmp_path):
    asked = run("advance", received.number, "--to", "supplement_requested", "--material", PASSBOOK, "--material",
                ID_COPY, "--reason", "存折未开立", "--deadline-days", "7", "--staff", supervisor.id)
    assert asked.exit_code == 0, asked.output
    out = tmp_path / "告知单.pdf"
    printed = run("notice", received.number, "-o", str(out))
    assert printed.exit_code == 0, printed.output
    text = _text(out)
    for expected in ("邮政储蓄银行活期存折", "身份证、户口簿", "存折未开立", "第 1 次补正告知", "2 项"):
        assert expected in text, expected
    assert "材料已齐全" not in text and "0 项" not in text


def test_the_shell_refuses_materials_on_other_moves_and_unknown_codes(run, supervisor, received):
    stray = run("advance", received.number, "--to", "accepted", "--material", PASSBOOK, "--staff", supervisor.id)
    assert stray.exit_code == 2 and "--material" in stray.stderr
    unknown = run("advance", received.number, "--to", "supplement_requested", "--material", "M99", "--reason", "缺",
                  "--staff", supervisor.id)
    assert unknown.exit_code == 2 and "M99" in unknown.stderr and "Traceback" not in unknown.output


def test_notice_of_a_received_application_without_a_request_exits_1(run, received, tmp_path):
    result = run("notice", received.number, "-o", str(tmp_path / "n.pdf"))
    assert result.exit_code == 1 and "补正" in result.stderr and not (tmp_path / "n.pdf").exists()


def test_receipt_promises_no_date_and_acceptance_does(run, session, supervisor, catalog, received, tmp_path):
    receipt = tmp_path / "收件凭证.pdf"
    assert run("receipt", received.number, "-o", str(receipt)).exit_code == 0
    text = _text(receipt)
    assert "收件凭证" in text and "不表示已经受理" in text and "承诺于" not in text
    early = run("acceptance", received.number, "-o", str(tmp_path / "early.pdf"))
    assert early.exit_code == 1 and "尚未受理" in early.stderr
    workflow.advance(session, actor=supervisor, number_or_id=received.id, to_status="accepted", catalog=catalog)
    out = tmp_path / "受理通知书.pdf"
    accepted = run("acceptance", received.number, "-o", str(out))
    assert accepted.exit_code == 0, accepted.output
    due = add_working_days(today(), 15, catalog.calendar)
    assert f"{due.year}年{due.month}月{due.day}日" in _text(out)


def test_a_same_day_matter_is_accepted_as_immediate(session, supervisor, clerk, catalog, settings):
    made = submitted_application(session, clerk, catalog, settings, matter="GR-LHJY-001",
                                 answers=first_answers(catalog, "GR-LHJY-001"))
    workflow.advance(session, actor=supervisor, number_or_id=made.id, to_status="accepted", catalog=catalog)
    data = papers.acceptance_for(session, catalog=catalog, number=made.number)
    assert data.promised_date is None and data.time_limit_days == 0


def test_refusal_notice_only_for_a_refused_application_with_its_reason(run, session, supervisor, catalog, received,
                                                                       tmp_path):
    out = tmp_path / "不予受理通知书.pdf"
    assert run("refusal", received.number, "-o", str(out)).exit_code == 1 and not out.exists()
    workflow.advance(session, actor=supervisor, number_or_id=received.id, to_status="rejected",
                     reason="申请人不属于认定范围", catalog=catalog)
    result = run("refusal", received.number, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = _text(out)
    for expected in ("不予受理通知书", "申请人不属于认定范围", "行政复议", "60 日", "行政诉讼", "6 个月"):
        assert expected in text, expected


@pytest.mark.parametrize(("county", "review_body", "court"), [
    ("430626", "平江县人民政府", "平江县人民法院"),
    ("430671", "岳阳市人民政府", "有管辖权的人民法院"),
])
def test_a_refusal_names_where_to_seek_review_for_its_place(session, clerk, supervisor, catalog, settings, county,
                                                           review_body, court):
    # A functional area, like a city's own level, is an agency of the city: review goes to the city.
    refused = submitted_application(session, clerk, catalog, settings, county=county)
    workflow.advance(session, actor=supervisor, number_or_id=refused.id, to_status="rejected",
                     reason="申请人不属于认定范围", catalog=catalog)
    data = papers.refusal_for(session, catalog=catalog, number=refused.number)
    assert (data.review_body, data.court) == (review_body, court)


def test_an_enterprise_applicant_is_printed_in_full(session, clerk, catalog, settings):
    form = {"kind": "enterprise", "credit_code": credit_code(), "name": "平江县长寿大药房有限公司",
            "legal_representative": "欧阳建国", "mobile": "13812347777"}
    data = papers.receipt_for(session, catalog=catalog, number=_enterprise(session, clerk, catalog, settings, form))
    assert (data.party.name, data.party.id_label, data.party.legal_representative) == (
        "平江县长寿大药房有限公司", "统一社会信用代码", "欧阳建国")
    assert "*" not in data.party.id_number


def _enterprise(session, clerk, catalog, settings, form) -> str:
    return submitted_application(session, clerk, catalog, settings, matter="QY-KYD-001",
                                 answers=first_answers(catalog, "QY-KYD-001"), form=form).number


def test_receipt_lists_one_row_per_material_with_copies_and_kind(session, catalog, received):
    data = papers.receipt_for(session, catalog=catalog, number=received.number)
    names = [m.name for m in data.materials]
    assert len(names) == len(set(names)) and all(m.copies >= 1 and m.kind for m in data.materials)
    assert applicant_form()["name"][0] in data.party.name and "*" in data.party.id_number
