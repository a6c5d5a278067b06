"""Going back in the wizard to another county or matter replaces the draft instead of doubling it."""

from __future__ import annotations

from sqlmodel import select

from counterdesk.services.applications import answers_of, save_answers
from counterdesk.services.drafts import SUPERSEDED_REASON, place_draft
from counterdesk.store.models import Application, StatusEvent
from tests.factories import EXAMPLE_ANSWERS, EXAMPLE_MATTER, PINGJIANG

YUEYANG_COUNTY = "430621"


def test_first_placement_starts_a_draft_in_the_county(session, clerk, catalog):
    draft = place_draft(session, actor=clerk, catalog=catalog, application_id=None, matter_code=EXAMPLE_MATTER,
                        county_code=PINGJIANG)
    assert (draft.status, draft.county_code, draft.window) == ("draft", PINGJIANG, 3)


def test_same_county_again_keeps_the_draft_and_its_answers(session, clerk, catalog):
    first = place_draft(session, actor=clerk, catalog=catalog, application_id=None, matter_code=EXAMPLE_MATTER,
                        county_code=PINGJIANG)
    save_answers(session, actor=clerk, catalog=catalog, application_id=first.id, answers=EXAMPLE_ANSWERS)
    again = place_draft(session, actor=clerk, catalog=catalog, application_id=first.id,
                        matter_code=EXAMPLE_MATTER, county_code=PINGJIANG)
    assert again.id == first.id
    assert answers_of(session, first.id) == EXAMPLE_ANSWERS


def test_another_county_withdraws_the_old_draft_and_carries_the_answers(session, clerk, catalog):
    first = place_draft(session, actor=clerk, catalog=catalog, application_id=None, matter_code=EXAMPLE_MATTER,
                        county_code=PINGJIANG)
    save_answers(session, actor=clerk, catalog=catalog, application_id=first.id, answers=EXAMPLE_ANSWERS)
    moved = place_draft(session, actor=clerk, catalog=catalog, application_id=first.id,
                        matter_code=EXAMPLE_MATTER, county_code=YUEYANG_COUNTY)
    assert moved.id != first.id and moved.county_code == YUEYANG_COUNTY
    assert answers_of(session, moved.id) == EXAMPLE_ANSWERS
    assert session.get(Application, first.id).status == "withdrawn"
    event = session.exec(select(StatusEvent).where(StatusEvent.application_id == first.id)).one()
    assert (event.to_status, event.reason) == ("withdrawn", SUPERSEDED_REASON)


def test_another_matter_starts_afresh_without_the_old_answers(session, clerk, catalog):
    first = place_draft(session, actor=clerk, catalog=catalog, application_id=None, matter_code=EXAMPLE_MATTER,
                        county_code=PINGJIANG)
    save_answers(session, actor=clerk, catalog=catalog, application_id=first.id, answers=EXAMPLE_ANSWERS)
    other = next(code for code, m in catalog.matters.items() if code != EXAMPLE_MATTER and m.handled_in(PINGJIANG))
    moved = place_draft(session, actor=clerk, catalog=catalog, application_id=first.id, matter_code=other,
                        county_code=PINGJIANG)
    assert moved.matter_code == other and answers_of(session, moved.id) == {}
    assert session.get(Application, first.id).status == "withdrawn"


def test_clerk_discards_a_draft_it_leaves_the_resume_list_with_a_recorded_reason(session, clerk, catalog):
    from counterdesk.services.applications import drafts_of_window
    from counterdesk.services.drafts import DISCARDED_REASON, discard_draft

    draft = place_draft(session, actor=clerk, catalog=catalog, application_id=None, matter_code=EXAMPLE_MATTER,
                        county_code=PINGJIANG)
    discard_draft(session, actor=clerk, application_id=draft.id)
    assert drafts_of_window(session, actor=clerk) == []
    event = session.exec(select(StatusEvent).where(StatusEvent.application_id == draft.id)).one()
    assert (event.to_status, event.reason, event.by_staff) == ("withdrawn", DISCARDED_REASON, clerk.id)


def test_a_submitted_application_cannot_be_discarded_as_a_draft(session, clerk, catalog, settings):
    import pytest

    from counterdesk.domain.errors import InvalidInput
    from counterdesk.services.drafts import discard_draft
    from tests.factories import submitted_application

    application = submitted_application(session, clerk, catalog, settings)
    with pytest.raises(InvalidInput, match="只能作废尚未提交的草稿"):
        discard_draft(session, actor=clerk, application_id=application.id)
    assert session.get(Application, application.id).status == "received"
