"""One submit path: the counter's draft and the batch's rows are received the same way."""

from __future__ import annotations

from sqlmodel import select

from counterdesk.domain.appno import parse_application_number
from counterdesk.domain.clock import today
from counterdesk.services import applications, audit
from counterdesk.services.attachments import store_of
from counterdesk.services.batch import import_batch
from counterdesk.services.batchrows import check_row, normalise
from counterdesk.services.submit import Channel, receive
from counterdesk.store.models import Application, StatusEvent
from tests.batch_helpers import batch_folder, example_row, write_jsonl
from tests.factories import attach_all, draft_application, submitted_application


def received_events(session) -> list[tuple[str | None, str, str, str | None]]:
    rows = session.exec(select(StatusEvent).order_by(StatusEvent.id)).all()
    return [(e.from_status, e.to_status, e.by_staff, e.reason) for e in rows]


def sequence(number: str) -> int:
    return parse_application_number(number).seq


def test_counter_and_batch_take_numbers_from_one_sequence_and_chain_their_events_alike(
        session, clerk, catalog, settings, tmp_path):
    at_the_counter = submitted_application(session, clerk, catalog, settings)
    folder = batch_folder(tmp_path)
    result = import_batch(session, actor=clerk, catalog=catalog, settings=settings,
                          path=write_jsonl(folder / "rows.jsonl", [example_row("r-1"), example_row("r-2")]))

    assert [sequence(n) for n in [at_the_counter.number, *result.numbers]] == [1, 2, 3]
    assert received_events(session) == [("draft", "received", "c03", None),
                                        ("draft", "received", "c03", "批量导入"),
                                        ("draft", "received", "c03", "批量导入")]
    stored = session.exec(select(Application).order_by(Application.id)).all()
    assert {(a.status, a.step, a.submitted_on, a.window) for a in stored} == {("received", "done", today(), 3)}
    assert all(broken is None for _, broken in audit.verify_all(session).values())


def test_one_receive_of_a_draft_and_a_new_row_is_one_transaction(session, clerk, catalog, settings, tmp_path):
    draft = draft_application(session, clerk, catalog)
    attach_all(session, clerk, catalog, settings, draft)
    applications.set_pickup(session, actor=clerk, application_id=draft.id, method="onsite")
    folder = batch_folder(tmp_path)
    row = check_row(normalise(example_row("r-1")), catalog=catalog, base_dir=folder, max_bytes=settings.max_file_bytes)
    for item in row.files:
        store_of(settings).put(item.path, info=item.info)

    taken = receive(session, actor=clerk, channel=Channel.BATCH, drafts=[draft], new=[row])
    assert [sequence(n) for n in taken] == [1, 2]
    session.rollback()

    assert session.get(Application, draft.id).status == "draft"
    assert session.exec(select(Application).where(Application.ref == "r-1")).first() is None
    again = receive(session, actor=clerk, channel=Channel.BATCH, drafts=[draft], new=[row])
    session.commit()
    assert again == taken
    assert [e[1] for e in received_events(session)] == ["received", "received"]
