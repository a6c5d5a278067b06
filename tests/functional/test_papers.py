"""The receipt, the one-time notice and the packet, built from what the counter stored."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from counterdesk.documents.pdf.notice import render_notice
from counterdesk.documents.pdf.receipt import render_receipt
from counterdesk.domain.appno import format_application_number
from counterdesk.domain.errors import Forbidden, InvalidInput, NotFound
from counterdesk.services import attachments
from counterdesk.services.papers import notice_for, packet_for, receipt_for
from counterdesk.services.review import pickup_defaults, review_of
from tests.factories import applicant_form, draft_application, resident_id, submitted_application


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_receipt_masks_the_citizen_and_lists_the_six_scans(session, clerk, catalog, settings, tmp_path):
    application = submitted_application(session, clerk, catalog, settings, courier=True)
    receipt = receipt_for(session, catalog=catalog, number=application.number)
    assert receipt.party.name == "张*" and "*" in receipt.party.id_number
    assert receipt.location == "湖南省岳阳市平江县" and receipt.issuer.window == "3 号窗口"
    assert receipt.issuer.clerk == "李娜"
    assert receipt.materials[0].name == "湖南省就业困难人员灵活就业社会保险补贴对象申报表"
    assert len(receipt.materials) == 6 and receipt.pickup_method == "快递寄送"
    assert "13812347777" not in receipt.pickup_detail
    assert application.number in _text(render_receipt(receipt), tmp_path)


def test_applicant_and_agent_of_one_surname_are_told_apart_by_their_masked_id_numbers(session, clerk, catalog,
                                                                                       settings, tmp_path):
    applicant_id, agent_id = resident_id(seq=235), resident_id(seq=513, born=date(1990, 6, 18))
    form = applicant_form(name="王䶮𠮷", id_number=applicant_id, agent_id_type="resident_id", agent_id_number=agent_id,
                          agent_name="王建国", agent_phone="15807306789")
    application = submitted_application(session, clerk, catalog, settings, form=form, courier=True)
    receipt = receipt_for(session, catalog=catalog, number=application.number)
    party = receipt.party
    assert party.name == party.agent_name == "王**"
    assert (party.id_number, party.agent_id) == (applicant_id[:4] + "*" * 10 + applicant_id[-4:],
                                                 agent_id[:4] + "*" * 10 + agent_id[-4:])
    assert party.id_number != party.agent_id
    text = _text(render_receipt(receipt), tmp_path)
    assert party.id_number in text and "经办人证件号码" in text and party.agent_id in text
    assert agent_id not in text and applicant_id not in text


def test_a_courier_receipt_shows_the_address_down_to_the_township_and_hides_the_door(session, clerk, catalog,
                                                                                     settings, tmp_path):
    application = submitted_application(session, clerk, catalog, settings, courier=True)
    receipt = receipt_for(session, catalog=catalog, number=application.number)
    assert receipt.pickup_detail == "寄至 湖南省岳阳市平江县汉昌镇****，收件人 张*（138****7777）"
    text = _text(render_receipt(receipt), tmp_path)
    assert "湖南省岳阳市平江县汉昌镇****" in text and "建设路" not in text and "8号" not in text


def test_a_draft_has_no_receipt_yet(session, clerk, catalog):
    draft = draft_application(session, clerk, catalog)
    with pytest.raises(InvalidInput) as refused:
        receipt_for(session, catalog=catalog, actor=clerk, application_id=draft.id)
    assert refused.value.code == "not_submitted"


def test_a_mistyped_number_is_named_as_a_slip_not_as_missing(session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    wrong_check = application.number[:-1] + ("0" if application.number[-1] != "0" else "1")
    with pytest.raises(InvalidInput):
        receipt_for(session, catalog=catalog, number=wrong_check)
    never_given = format_application_number("430626", application.submitted_on, 2)
    with pytest.raises(NotFound):
        receipt_for(session, catalog=catalog, number=never_given)


def test_another_windows_clerk_cannot_print_a_notice_for_this_draft(session, clerk, other_clerk, catalog):
    draft = draft_application(session, clerk, catalog)
    with pytest.raises(Forbidden):
        notice_for(session, catalog=catalog, actor=other_clerk, application_id=draft.id)


def test_notice_lists_what_is_missing_and_why_a_scan_was_refused(session, clerk, catalog, settings, tmp_path):
    from tests.conftest import write_pdf

    draft = draft_application(session, clerk, catalog)
    scan = write_pdf(settings.scans_dir / "申报表.pdf")
    attached = attachments.attach_from_inbox(session, actor=clerk, settings=settings, catalog=catalog,
                                             application_id=draft.id, material_code="M01", path=scan)
    attachments.precheck(session, actor=clerk, attachment_id=attached.id, passed=False, reason="缺少本人签字")
    notice = notice_for(session, catalog=catalog, actor=clerk, application_id=draft.id)
    assert len(notice.items) == 6
    assert notice.items[0].reason == "缺少本人签字"
    assert all(item.reason is None for item in notice.items[1:])
    text = _text(render_notice(notice), tmp_path)
    assert "缺少本人签字" in text and "失业登记证" in text


def test_packet_holds_every_stored_file_in_material_order(session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    data, files = packet_for(session, catalog=catalog, settings=settings, number=application.number)
    assert data.applicant_name == "张三" and data.status
    assert [f.material_code for f in files] == ["M01", "M02", "M03", "M04", "M05", "M06"]
    assert all(f.path.is_file() for f in files)


def test_packet_cover_carries_contacts_agent_courier_remark_situation_promise_and_who_compiled_it(
        session, clerk, supervisor, catalog, settings):
    from counterdesk.domain.clock import today
    from counterdesk.domain.workdays import add_working_days
    from counterdesk.services import workflow

    form = applicant_form(agent_id_type="resident_id", agent_id_number=resident_id(seq=513), agent_name="王建国",
                          agent_phone="15807306789", remark="纸质申报表已签字，原件留存窗口。")
    application = submitted_application(session, clerk, catalog, settings, form=form, courier=True)
    waiting, _ = packet_for(session, catalog=catalog, settings=settings, actor=clerk, number=application.number)
    assert (waiting.promised_date, waiting.promise_note) == (None, "尚未受理（受理后 15 个工作日内办结）")
    workflow.advance(session, actor=supervisor, number_or_id=application.number, to_status="accepted")
    data, _ = packet_for(session, catalog=catalog, settings=settings, actor=supervisor, number=application.number)
    assert (data.phone, data.email) == ("13812347777", "zhangsan@example.com")
    assert data.addresses == [("户籍地址", "湖南省岳阳市平江县城关镇天岳大道1号"), ("居住地址", "湖南省岳阳市平江县汉昌镇建设路8号")]
    assert data.agent == ("王建国", resident_id(seq=513), "15807306789")
    assert data.pickup_detail == "寄至 湖南省岳阳市平江县汉昌镇建设路8号，收件人 张三（13812347777）"
    assert data.remark == "纸质申报表已签字，原件留存窗口。"
    assert ("申请人是否已开立邮政储蓄银行活期存折？", "已开立") in data.situation
    assert data.promised_date == add_working_days(today(), 15, catalog.calendar) and data.promise_note == ""
    assert data.compiled_by == "王科长（sup01）"


def test_review_lists_the_situation_and_what_still_blocks_submit(session, clerk, catalog):
    draft = draft_application(session, clerk, catalog)
    review = review_of(session, actor=clerk, catalog=catalog, application_id=draft.id)
    assert review.place == "岳阳市平江县"
    assert ("申请人是否已开立邮政储蓄银行活期存折？", "已开立") in review.situation
    assert "缺少必填材料：失业登记证" in review.missing and "尚未选择取件方式。" in review.missing


def test_courier_pickup_is_prefilled_from_the_applicant(session, clerk, catalog):
    draft = draft_application(session, clerk, catalog)
    defaults = pickup_defaults(session, actor=clerk, application_id=draft.id)
    assert defaults == {"method": "onsite", "recipient": "张三", "phone": "13812347777",
                        "address": "湖南省岳阳市平江县汉昌镇建设路8号"}
