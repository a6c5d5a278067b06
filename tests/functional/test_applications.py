"""The wizard's services, step by step, as the counter uses them."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from counterdesk.domain.clock import today
from counterdesk.domain.errors import Forbidden, InvalidInput
from counterdesk.services import applications, attachments
from counterdesk.store.models import Applicant, Application, Attachment, GuidanceAnswer, Pickup, StatusEvent
from tests.factories import (
    EXAMPLE_MATTER,
    PINGJIANG,
    applicant_form,
    attach_all,
    draft_application,
    first_answers,
    submitted_application,
)


def test_clerk_submits_the_guide_example_and_gets_a_pingjiang_number(session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings, courier=True)
    assert application.status == "received"
    assert re.fullmatch(rf"430626-{today():%Y%m%d}-43062601-00001-[0-9X]", application.number)
    assert application.window == 3 and application.clerk_id == "c03"
    stored = session.exec(select(Attachment).where(Attachment.application_id == application.id)).all()
    assert sorted(a.material_code for a in stored) == ["M01", "M02", "M03", "M04", "M05", "M06"]
    pickup = session.get(Pickup, application.id)
    assert (pickup.method, pickup.recipient) == ("courier", "张三")
    events = session.exec(select(StatusEvent).where(StatusEvent.application_id == application.id)).all()
    assert [(e.from_status, e.to_status) for e in events] == [("draft", "received")]


def test_attached_scan_leaves_the_inbox_for_attached_after_it_is_stored(session, clerk, catalog, settings):
    application = draft_application(session, clerk, catalog)
    attach_all(session, clerk, catalog, settings, application)
    assert [p.name for p in settings.scans_dir.iterdir() if p.is_file()] == []
    assert len(list(settings.attached_dir.iterdir())) == 6
    for attachment in session.exec(select(Attachment)):
        assert attachments.store_of(settings).verify(attachment.sha256)


def test_submit_is_refused_while_a_required_material_is_missing(session, clerk, catalog, settings):
    application = draft_application(session, clerk, catalog)
    applications.set_pickup(session, actor=clerk, application_id=application.id, method="onsite")
    with pytest.raises(InvalidInput) as refused:
        applications.submit(session, actor=clerk, catalog=catalog, application_id=application.id)
    assert "缺少必填材料：湖南省就业困难人员灵活就业社会保险补贴对象申报表" in refused.value.message
    assert session.get(Application, application.id).status == "draft"


def test_failed_precheck_blocks_submit_until_the_material_is_replaced(session, clerk, catalog, settings):
    application = draft_application(session, clerk, catalog)
    attach_all(session, clerk, catalog, settings, application)
    applications.set_pickup(session, actor=clerk, application_id=application.id, method="onsite")
    passbook = session.exec(select(Attachment).where(Attachment.material_code == "M05")).one()
    attachments.precheck(session, actor=clerk, attachment_id=passbook.id, passed=False, reason="存折户名不是申请人本人")
    problems = applications.missing_for_submit(session, catalog, session.get(Application, application.id))
    assert problems == ["材料预审未通过：邮政储蓄银行活期存折"]


def test_changing_an_answer_drops_the_follow_up_it_made_moot(session, clerk, catalog):
    application = draft_application(session, clerk, catalog)
    kept = applications.save_answers(session, actor=clerk, catalog=catalog, application_id=application.id,
                                     answers={"category": "laid_off", "flexible": "no", "bank": "yes"})
    assert kept == {"category": "laid_off", "flexible": "no"}
    stored = session.exec(select(GuidanceAnswer.question_id)).all()
    assert sorted(stored) == ["category", "flexible"]


def test_unknown_option_is_refused(session, clerk, catalog):
    application = draft_application(session, clerk, catalog)
    with pytest.raises(InvalidInput):
        applications.save_answers(session, actor=clerk, catalog=catalog, application_id=application.id,
                                  answers={"category": "astronaut"})


def test_invalid_form_is_kept_as_typed_and_problems_named_by_field(session, clerk, catalog):
    draft = applications.start_draft(session, actor=clerk, catalog=catalog, matter_code=EXAMPLE_MATTER,
                                     county_code=PINGJIANG)
    typed = applicant_form(id_number="43062619850615001", mobile="1381234")
    applicant, errors = applications.confirm_applicant(session, actor=clerk, application_id=draft.id, form=typed)
    assert applicant is None
    assert set(errors) == {"id_number", "mobile"}
    assert applications.saved_form(session.get(Application, draft.id)) == typed


def test_returning_applicant_is_found_and_their_data_updated(session, clerk, catalog):
    form = applicant_form(mobile="13900001111")
    draft_application(session, clerk, catalog, form=form)
    found = applications.find_applicant(session, "resident_id", form["id_number"])
    assert found.name == "张三"
    assert found.sex == ("M" if int(form["id_number"][16]) % 2 else "F")
    assert applications.applicant_form_values(found)["mobile"] == "13900001111"
    second = draft_application(session, clerk, catalog, form={**form, "mobile": "13900002222"})
    assert session.exec(select(Applicant)).all() == [found]
    assert found.mobile == "13900002222"
    same = applications.open_applications_for(session, applicant_id=found.id, matter_code=EXAMPLE_MATTER,
                                              exclude_id=second.id)
    assert len(same) == 1


def test_matter_not_handled_in_the_county_is_refused(session, clerk, catalog):
    limited = next(m for m in catalog.matters.values() if m.counties is not None)
    elsewhere = next(c.code for city in catalog.cities for c in city.counties if c.code not in limited.counties)
    with pytest.raises(InvalidInput) as refused:
        applications.start_draft(session, actor=clerk, catalog=catalog, matter_code=limited.code,
                                 county_code=elsewhere)
    assert refused.value.code == "county_not_handled"


def test_a_city_level_matter_is_received_for_the_city_s_own_level_and_numbered_with_the_city_s_code(
        session, clerk, catalog, settings):
    # No hall is set up here, so the number's hall part is site 01 of the handling place.
    application = submitted_application(session, clerk, catalog, settings, matter="GR-ESFZY-001", county="430100",
                                        answers=first_answers(catalog, "GR-ESFZY-001"))
    assert re.fullmatch(rf"430100-{today():%Y%m%d}-43010001-00001-[0-9X]", application.number)
    with pytest.raises(InvalidInput) as refused:
        applications.start_draft(session, actor=clerk, catalog=catalog, matter_code="GR-DBSQ-001",
                                 county_code="430100")
    assert refused.value.code == "county_not_handled" and "长沙市本级" in refused.value.message


def test_the_guide_example_is_received_for_a_functional_area(session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings, county="430671")
    assert re.fullmatch(rf"430671-{today():%Y%m%d}-43067101-00001-[0-9X]", application.number)


def test_clerk_cannot_touch_another_windows_draft(session, clerk, other_clerk, catalog):
    application = draft_application(session, clerk, catalog)
    with pytest.raises(Forbidden):
        applications.set_pickup(session, actor=other_clerk, application_id=application.id, method="onsite")
    assert applications.drafts_of_window(session, actor=other_clerk) == []
    assert [d.id for d in applications.drafts_of_window(session, actor=clerk)] == [application.id]


def test_courier_pickup_needs_recipient_phone_and_address(session, clerk, catalog):
    application = draft_application(session, clerk, catalog)
    with pytest.raises(InvalidInput) as refused:
        applications.set_pickup(session, actor=clerk, application_id=application.id, method="courier",
                                recipient="张三", phone="13812347777", address="")
    assert refused.value.field == "address"
