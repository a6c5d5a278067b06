"""寄递 at the window and 签收 on a shared database: batches, the 材料流转单, remote rules."""

from __future__ import annotations

import pytest

from counterdesk.domain.errors import InvalidInput, NotFound
from counterdesk.services import transfer, workflow
from counterdesk.services.hall import set_hall
from counterdesk.services.queue import progress
from tests.factories import submitted_application

FURONG, PINGJIANG = "430102", "430626"


@pytest.fixture
def changsha(session, catalog, supervisor):
    """The 长沙芙蓉 hall (43010201), which receives for 平江 among others."""
    return set_hall(session, actor_id="sup01", name="长沙市芙蓉区政务服务中心", county_code=FURONG, catalog=catalog,
                    hall_code="43010201")


def test_a_remote_application_cannot_be_accepted_before_it_travels(session, clerk, supervisor, catalog, settings,
                                                                   changsha):
    application = submitted_application(session, clerk, catalog, settings)
    assert application.received_by == "43010201" and application.number.split("-")[2] == "43010201"
    with pytest.raises(InvalidInput) as refused:
        workflow.advance(session, actor=supervisor, number_or_id=application.number, to_status="accepted")
    assert refused.value.code == "not_signed_for"


def test_clerk_dispatches_the_days_pingjiang_applications_with_a_waybill(session, clerk, catalog, settings,
                                                                         changsha):
    made = [submitted_application(session, clerk, catalog, settings).number for _ in range(2)]
    sent = transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG, waybill="SF1234567890")
    assert (sent.count, sorted(sent.numbers)) == (2, sorted(made))
    assert sent.batch.startswith("43010201-") and sent.batch.endswith("-01")
    shown = progress(session, number=made[0], catalog=catalog).to_dict()
    assert shown["status"] == "in_transit" and shown["received_by"] == "43010201"
    assert shown["handled_in"] == PINGJIANG
    last = shown["events"][-1]
    assert (last["to"], last["hall_code"], last["detail"]) == ("in_transit", "43010201",
                                                               {"batch": sent.batch, "waybill": "SF1234567890"})
    with pytest.raises(NotFound):
        transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG)


def test_the_halls_own_county_never_travels(session, clerk, catalog, settings, changsha):
    with pytest.raises(InvalidInput) as refused:
        transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=FURONG)
    assert refused.value.code == "local"
    with pytest.raises(InvalidInput):
        transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG, waybill="运单 1")


def test_the_transfer_sheet_lists_every_application_with_its_materials(session, clerk, catalog, settings, changsha):
    submitted_application(session, clerk, catalog, settings)
    sent = transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG, waybill="SF0001")
    data = transfer.sheet_data(session, catalog=catalog, batch=sent.batch)
    assert [line.number for line in data.lines] == sent.numbers
    assert data.lines[0].materials and all(m.pages >= 1 for m in data.lines[0].materials)
    assert data.sender == "李娜（c03）" and data.to_county_name == "平江县"
    pdf = transfer.transfer_sheet_pdf(session, catalog=catalog, batch=sent.batch)
    assert pdf.startswith(b"%PDF")


def test_the_queue_watches_batches_in_transit_and_those_late_in_being_signed_for(session, clerk, supervisor, catalog,
                                                                                settings, changsha):
    from datetime import timedelta

    from counterdesk.domain.clock import now, today
    from counterdesk.services.queue import day_queue
    from counterdesk.store.models import TransferBatch

    made = [submitted_application(session, clerk, catalog, settings).number for _ in range(3)]
    old = transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG)
    batch = session.get(TransferBatch, old.batch)
    batch.created_at = now() - timedelta(days=10)  # sent ten days ago: more than three working days
    session.add(batch)
    session.commit()
    assert sorted(old.numbers) == sorted(made)

    def listed(due: str) -> list[str]:
        return [row.number for row in day_queue(session, actor=supervisor, day=today(), catalog=catalog,
                                                due=due).rows]

    assert sorted(listed("in_transit")) == sorted(old.numbers)
    assert sorted(listed("unsigned")) == sorted(old.numbers)
    batch.created_at = now()
    session.add(batch)
    session.commit()
    assert listed("unsigned") == [] and len(listed("in_transit")) == 3
    # The 平江 back office on the same database signs for the batch: nothing travels any more.
    set_hall(session, actor_id="sup01", name="平江县政务服务中心", county_code=PINGJIANG, catalog=catalog,
             hall_code="43062601")
    transfer.sign_for(session, actor=supervisor, batch=old.batch)
    assert listed("in_transit") == [] and listed("unsigned") == []


def test_the_window_sees_what_waits_for_each_county_until_it_is_sent(session, clerk, catalog, settings, changsha):
    for county in (PINGJIANG, PINGJIANG, "430602", FURONG):
        submitted_application(session, clerk, catalog, settings, county=county)
    assert [(w.county_code, w.county_name, w.count) for w in transfer.waiting(session, catalog=catalog)] == [
        ("430602", "岳阳楼区", 1), (PINGJIANG, "平江县", 2)], "the hall's own county never travels"
    transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG)
    [left] = transfer.waiting(session, catalog=catalog)
    assert (left.county_code, left.count) == ("430602", 1) and left.oldest is not None


def test_the_sheet_is_saved_in_the_output_folder_beside_an_earlier_copy(session, clerk, catalog, settings, changsha):
    submitted_application(session, clerk, catalog, settings)
    sent = transfer.dispatch(session, actor=clerk, catalog=catalog, to_county=PINGJIANG)
    first = transfer.save_sheet(session, catalog=catalog, settings=settings, batch=sent.batch)
    second = transfer.save_sheet(session, catalog=catalog, settings=settings, batch=sent.batch)
    assert first.parent == settings.output_dir and first.name == f"材料流转单-{sent.batch}.pdf"
    assert second != first and second.read_bytes().startswith(b"%PDF")
