"""``insert_rows`` and ``insert_ids``: the bulk path the importers use writes what the ORM would."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from counterdesk.domain.workflow import EventKind, Status
from counterdesk.store.engine import insert_ids, insert_rows
from counterdesk.store.models import Applicant, Application, Staff, StatusEvent


def _applicant(number: str, **values) -> dict:
    moment = datetime(2026, 12, 2, 8, 30, 15, 123456, tzinfo=UTC)
    return {"kind": "personal", "id_type": "resident_id", "id_number": number, "name": "张三", "mobile": "13900001111",
            "sex": None, "birth_date": None, "email": None, "created_at": moment, "updated_at": moment} | values


def test_rows_keep_every_value_none_and_date_as_stored(engine):
    with Session(engine) as session:
        ids = insert_ids(session, Applicant, [
            _applicant("430626199001010011", sex="M", birth_date=date(1990, 1, 1), email="a@b.cn"),
            _applicant("E12345678", id_type="passport", name="䶮𠮷"),
        ])
        session.commit()
    with Session(engine) as session:
        first, second = (session.get(Applicant, i) for i in ids)
    assert ids[1] == ids[0] + 1
    assert (first.sex, first.birth_date, first.email) == ("M", date(1990, 1, 1), "a@b.cn")
    assert (second.id_type, second.name, second.sex, second.birth_date, second.email) == (
        "passport", "䶮𠮷", None, None, None)
    assert first.created_at.replace(tzinfo=first.created_at.tzinfo or UTC) == datetime(
        2026, 12, 2, 8, 30, 15, 123456, tzinfo=UTC)


def test_columns_left_out_take_their_defaults(engine):
    """Events without ``at`` or ``kind`` get the model's defaults, as through the ORM."""
    before = datetime.now(UTC).replace(microsecond=0)
    with Session(engine) as session:
        session.add(Staff(id="sup01", name="王科长", role="supervisor", password_hash="x"))
        session.flush()
        session.add(Application(matter_code="ZC-JYKN-001", county_code="430626", clerk_id="sup01"))
        session.flush()
        app_id = session.exec(select(Application.id)).one()
        insert_rows(session, StatusEvent, [
            {"application_id": app_id, "from_status": Status.DRAFT, "to_status": Status.RECEIVED,
             "by_staff": "sup01", "prev_hash": "0" * 64, "hash": f"{n:064x}"} for n in range(3)])
        session.commit()
        events = session.exec(select(StatusEvent).order_by(StatusEvent.id)).all()
    assert [(e.kind, e.to_status) for e in events] == [(EventKind.MOVE, Status.RECEIVED)] * 3
    assert all(e.at.replace(tzinfo=e.at.tzinfo or UTC) >= before for e in events)


def test_nothing_to_insert_is_no_statement(engine):
    with Session(engine) as session:
        insert_rows(session, Applicant, [])
        assert insert_ids(session, Applicant, []) == []
