"""Two halls on one database: the 办理地's back office signs for a batch without any package."""

from __future__ import annotations

import pytest

from counterdesk.domain.errors import Conflict
from counterdesk.services import transfer, workflow
from counterdesk.services.hall import get_hall, set_hall
from counterdesk.services.queue import progress
from tests.factories import submitted_application

CHANGSHA, PINGJIANG = "43010201", "43062601"


@pytest.fixture
def two_halls(session, catalog, supervisor, monkeypatch):
    """The database's own hall is 长沙芙蓉; the 平江 back office joins it with COUNTERDESK_HALL."""
    set_hall(session, actor_id="sup01", name="长沙市芙蓉区政务服务中心", county_code="430102", catalog=catalog,
             hall_code=CHANGSHA)
    monkeypatch.setenv("COUNTERDESK_HALL", PINGJIANG)
    set_hall(session, actor_id="sup01", name="平江县政务服务中心", county_code="430626", catalog=catalog,
             hall_code=PINGJIANG)
    monkeypatch.delenv("COUNTERDESK_HALL")
    assert get_hall(session).code == CHANGSHA


def test_back_office_sees_the_batch_received_elsewhere_and_signs_for_it(session, clerk, supervisor, catalog,
                                                                        settings, two_halls, monkeypatch):
    number = submitted_application(session, clerk, catalog, settings).number
    sent = transfer.dispatch(session, actor=clerk, catalog=catalog, to_county="430626", waybill="EMS0001")

    monkeypatch.setenv("COUNTERDESK_HALL", PINGJIANG)
    assert [(b.batch, b.from_hall, b.from_hall_name, b.count) for b in transfer.incoming(session)] == [
        (sent.batch, CHANGSHA, "长沙市芙蓉区政务服务中心", 1)]
    assert transfer.sign_for(session, actor=supervisor, batch=sent.batch) == [number]
    assert transfer.incoming(session) == []
    with pytest.raises(Conflict):
        transfer.sign_for(session, actor=supervisor, batch=sent.batch)
    workflow.advance(session, actor=supervisor, number_or_id=number, to_status="accepted")

    monkeypatch.delenv("COUNTERDESK_HALL")
    shown = progress(session, number=number, catalog=catalog).to_dict()
    assert shown["status"] == "accepted" and shown["received_by"] == CHANGSHA
    assert [(e["to"], e["hall_code"]) for e in shown["events"]] == [
        ("received", CHANGSHA), ("in_transit", CHANGSHA), ("signed_for", PINGJIANG), ("accepted", PINGJIANG)]
