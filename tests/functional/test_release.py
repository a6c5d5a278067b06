"""出件: the result collected by the applicant, by an agent with a power of attorney, or sent by courier."""

from __future__ import annotations

from datetime import date

import pytest

from counterdesk.documents.pdf.release_slip import render_release_slip
from counterdesk.domain.errors import InvalidInput
from counterdesk.services import workflow
from counterdesk.services.queue import progress
from counterdesk.services.release import release, to_release
from tests.factories import advance_through, applicant_form, resident_id, submitted_application

AGENT_ID = resident_id(seq=77, born=date(1990, 3, 8))


@pytest.fixture
def ready(session, clerk, supervisor, catalog, settings):
    """A 平江 application decided here, its result arrived at the window: 待领取."""
    form = applicant_form(agent_id_type="resident_id", agent_id_number=AGENT_ID, agent_name="李代办",
                          agent_phone="13912345678")
    application = submitted_application(session, clerk, catalog, settings, form=form)
    advance_through(session, supervisor, application.number, "accepted", "completed")
    workflow.advance(session, actor=clerk, number_or_id=application.number, to_status="ready")
    return application.number, form["id_number"]


def test_the_applicant_collects_with_their_own_id_and_signs_the_slip(session, clerk, catalog, ready):
    number, own_id = ready
    done = release(session, actor=clerk, catalog=catalog, number=number, collector_id=own_id)
    assert done.move.to_status == "released" and done.slip.manner == "本人领取"
    assert own_id not in done.slip.collector_masked
    last = progress(session, number=number, catalog=catalog).to_dict()["events"][-1]
    assert (last["to"], last["by"], last["detail"]["manner"]) == ("released", "c03", "applicant")
    assert render_release_slip(done.slip).startswith(b"%PDF")


def test_an_agent_needs_the_power_of_attorney(session, clerk, catalog, ready):
    number, _ = ready
    with pytest.raises(InvalidInput) as refused:
        release(session, actor=clerk, catalog=catalog, number=number, collector_id=AGENT_ID)
    assert refused.value.code == "power_of_attorney"
    done = release(session, actor=clerk, catalog=catalog, number=number, collector_id=AGENT_ID.lower(),
                   power_of_attorney=True)
    assert done.slip.manner == "代领（凭授权委托书）"
    detail = progress(session, number=number, catalog=catalog).to_dict()["events"][-1]["detail"]
    assert detail["power_of_attorney"] is True


def test_someone_else_is_refused_and_nothing_moves(session, clerk, catalog, ready):
    number, _ = ready
    with pytest.raises(InvalidInput) as refused:
        release(session, actor=clerk, catalog=catalog, number=number, collector_id=resident_id(seq=500))
    assert refused.value.code == "collector_mismatch"
    assert progress(session, number=number, catalog=catalog).status == "ready"


def test_a_courier_release_records_the_waybill(session, clerk, catalog, ready):
    number, _ = ready
    with pytest.raises(InvalidInput):
        release(session, actor=clerk, catalog=catalog, number=number, courier=True)
    done = release(session, actor=clerk, catalog=catalog, number=number, courier=True, waybill="SF7788990011")
    assert (done.slip.manner, done.slip.waybill) == ("快递寄送", "SF7788990011")


def test_a_result_not_ready_is_refused_with_its_status(session, clerk, supervisor, catalog, settings):
    number = submitted_application(session, clerk, catalog, settings).number
    workflow.advance(session, actor=supervisor, number_or_id=number, to_status="accepted")
    with pytest.raises(InvalidInput) as refused:
        release(session, actor=clerk, catalog=catalog, number=number, courier=True, waybill="SF0001")
    assert refused.value.code == "not_ready" and "已受理" in refused.value.message
    assert to_release(session, actor=clerk, catalog=catalog, number=number).problem == refused.value.message


def test_the_window_reads_a_ready_result_as_the_lookup_reads_numbers(session, clerk, other_clerk, catalog, ready):
    number, _ = ready
    found = to_release(session, actor=clerk, catalog=catalog, number=number.replace("-", " ").lower())
    assert (found.number, found.status, found.problem) == (number, "ready", None)
    assert (found.applicant_masked, found.agent_masked, found.pickup) == ("张*", "李**", "onsite")
    assert "其他窗口" in to_release(session, actor=other_clerk, catalog=catalog, number=number).problem


def test_the_command_line_names_its_option_for_the_power_of_attorney(settings, session, ready):
    from typer.testing import CliRunner

    from counterdesk.cli.main import app
    from tests.conftest import PASSWORD

    number, _ = ready
    result = CliRunner().invoke(app, ["--home", str(settings.home), "--db", settings.db_url, "release", number,
                                      "--collector-id", AGENT_ID, "--staff", "c03"],
                                env={"COUNTERDESK_PASSWORD": PASSWORD})
    assert result.exit_code == 2
    assert "授权委托书" in result.stderr and "--power-of-attorney" in result.stderr
