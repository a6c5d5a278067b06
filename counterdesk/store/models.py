"""SQLModel tables. One module, so that Alembic sees the whole schema in ``SQLModel.metadata``.

Applications keep their wizard state in columns (step, form data typed so far) so a draft
survives a crash at any step. Status events and the audit log are append-only: triggers created by
the migrations refuse UPDATE and DELETE on them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol, TypeVar

from pydantic import ConfigDict
from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from counterdesk.domain.attachment import PRECHECK_REASON_MAX
from counterdesk.domain.clock import now
from counterdesk.domain.contact import REMARK_MAX
from counterdesk.domain.visits import COMMENT_MAX


class _Numbered(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Numbered) -> int:
    """The primary key of a row that is in the database.

    A table numbers its rows on insert, so ``id`` is None only between creating the object and the
    session's next flush. Every service hands on rows it has read or flushed: a row without an id
    here is a mistake in the code, never something a user did.
    """
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id: it was not flushed to the database")
    return row.id


_Row = TypeVar("_Row")


def present(value: _Row | None, what: str) -> _Row:
    """A row or column the stored data promises is there: a foreign key points at the row, or the
    status the query selected on sets the column (a rated rating has its score).

    ``session.get`` answers None for a missing key; where a constraint or the query itself rules
    that out, None is a mistake in the code, so it is raised as one rather than shown to a user.
    """
    if value is None:
        raise RuntimeError(f"{what} is missing though the stored data promises it")
    return value


class _Table(SQLModel):
    """The base of every table: pydantic builds a model's validator only if one is ever used.

    Rows are made by the services and read from the database, never validated from outside data;
    building 21 validators at import cost a command about 50 ms before it did anything.
    """

    model_config = ConfigDict(defer_build=True)  # type: ignore[assignment]  # SQLModel types it as its own private TypedDict; pydantic merges the two


class Setting(_Table, table=True):
    """Hall settings (hall name, home county), changeable from the CLI."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=500)


class Staff(_Table, table=True):
    """A staff account (窗口工作人员 or 值班长)."""

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=64)
    role: str = Field(max_length=16)
    """``clerk`` or ``supervisor``."""
    window: int | None = None
    """The window (窗口) number this account works at."""
    password_hash: str = Field(max_length=200)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=now)


class Applicant(_Table, table=True):
    """A citizen (personal) or a company (enterprise) that applies (申请人)."""

    __table_args__ = (UniqueConstraint("id_type", "id_number"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    """``personal`` or ``enterprise``."""
    id_type: str = Field(max_length=32)
    """证件类型; ``credit_code`` for enterprises."""
    id_number: str = Field(max_length=64, index=True)
    name: str = Field(max_length=200)
    sex: str | None = Field(default=None, max_length=1)
    birth_date: date | None = None
    mobile: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    household_address: str | None = Field(default=None, max_length=500)
    residence_address: str | None = Field(default=None, max_length=500)
    legal_representative: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)


class Application(_Table, table=True):
    """One 一件事 application, from draft to completion (办件)."""

    __table_args__ = (
        Index("ix_application_day_status", "submitted_on", "status"),
        Index("ix_application_day_window", "submitted_on", "window"),
        Index("ix_application_window_status", "window", "status"),
        Index("ix_application_due_status", "due_date", "status"),
        Index("ix_application_county_status", "county_code", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=32, unique=True)
    """办件编号, given at submit."""
    ref: str | None = Field(default=None, max_length=128, unique=True)
    """The batch row's ``ref`` for applications that came through an import."""
    ref_digest: str | None = Field(default=None, max_length=64)
    matter_code: str = Field(max_length=64, index=True)
    county_code: str = Field(max_length=6)
    status: str = Field(default="draft", max_length=32)
    """``domain.workflow.Status``."""
    window: int | None = None
    clerk_id: str = Field(foreign_key="staff.id", max_length=32, index=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id", index=True)
    ticket_no: str | None = Field(default=None, max_length=32)
    """叫号单号, the hall queue ticket."""
    remark: str = Field(default="", max_length=REMARK_MAX)
    agent_id_type: str | None = Field(default=None, max_length=32)
    agent_id_number: str | None = Field(default=None, max_length=64)
    agent_name: str | None = Field(default=None, max_length=64)
    agent_phone: str | None = Field(default=None, max_length=32)
    step: str = Field(default="guidance", max_length=32)
    """The wizard step the draft was left at."""
    identity_check: str | None = Field(default=None, max_length=16)
    """身份核验方式: reader (读卡器), original (原件核验) or face (人证比对); None for batch rows."""
    form_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """What the clerk typed on the applicant form, valid or not, so nothing typed is lost."""
    applicant_json: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """The applicant as submitted (JSON), written at submit: papers and status read it, so a later
    application of the same person cannot rewrite what was submitted here."""
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
    submitted_at: datetime | None = None
    submitted_on: date | None = None
    """The hall's day of submission: the queue's main filter."""
    version: int = 1
    """Bumped on every status move (optimistic locking)."""
    due_date: date | None = None
    """承诺办结日期 while the legal clock runs, else None (``services.deadlines`` keeps it)."""
    received_by: str | None = Field(default=None, max_length=8)
    """The hall code of the window that received it (收件); kept when it travels to its 办理地."""
    transfer_batch: str | None = Field(default=None, max_length=40, index=True)
    """The transfer batch (寄递批次) it travelled in, if any."""
    repeat_override_by: str | None = Field(default=None, max_length=32)
    """The supervisor who let the counter open it beside an open application of the same applicant
    and matter (audited as ``repeat_override``); None for an ordinary application."""


class GuidanceAnswer(_Table, table=True):
    """An answer to a situation question (办事情形)."""

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    question_id: str = Field(primary_key=True, max_length=64)
    option_id: str = Field(max_length=64)


class Pickup(_Table, table=True):
    """取件方式: on-site pickup or courier delivery of the result."""

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    method: str = Field(max_length=16)
    """``onsite`` or ``courier``."""
    recipient: str | None = Field(default=None, max_length=64)
    phone: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=500)


class StoredFile(_Table, table=True):
    """A file in the content-addressed store (``scans/store/<2 hex>/<sha256>``)."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    pages: int
    media_type: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=now)


class ELicense(_Table, table=True):
    """An e-license (电子证照) tied to an ID number or credit code."""

    __tablename__ = "elicense"
    __table_args__ = (UniqueConstraint("holder_id_number", "license_type", "license_no"),)

    id: int | None = Field(default=None, primary_key=True)
    holder_id_number: str = Field(max_length=64, index=True)
    license_type: str = Field(max_length=64)
    license_no: str = Field(max_length=64)
    title: str = Field(max_length=200)
    issuer: str = Field(default="", max_length=200)
    issued_on: date | None = None
    valid_until: date | None = None
    sha256: str | None = Field(default=None, foreign_key="storedfile.sha256", max_length=64)


class Attachment(_Table, table=True):
    """A file attached to one material of an application."""

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    material_code: str = Field(max_length=64)
    sha256: str = Field(foreign_key="storedfile.sha256", max_length=64, index=True)
    original_name: str = Field(max_length=255)
    source: str = Field(max_length=16)
    """``inbox``, ``reuse``, ``license`` or ``batch``."""
    license_id: int | None = Field(default=None, foreign_key="elicense.id")
    precheck: str = Field(default="pending", max_length=16)
    """预审: ``pending``, ``passed`` or ``failed``."""
    precheck_reason: str | None = Field(default=None, max_length=PRECHECK_REASON_MAX)
    created_at: datetime = Field(default_factory=now)


class StatusEvent(_Table, table=True):
    """One event of an application's life: a status move, an extension, an item's progress.

    Append-only and hash-chained.
    """

    __tablename__ = "status_event"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    at: datetime = Field(default_factory=now)
    from_status: str | None = Field(default=None, max_length=32)
    to_status: str = Field(max_length=32)
    by_staff: str = Field(max_length=32)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    kind: str = Field(default="move", max_length=16)
    """``domain.workflow.EventKind``: a status move, an extension, an included item's progress."""
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """JSON of what the act carries beyond the move (waybill, transfer batch, days, result …)."""
    hall_code: str | None = Field(default=None, max_length=16)
    """The hall whose staff made the move (hand-overs cross halls)."""
    origin: str | None = Field(default=None, max_length=40, unique=True)
    """``<hall code>:<event id>`` of an event copied from another hall's package (never twice)."""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class SupplementNotice(_Table, table=True):
    """A numbered supplement request (补正告知): never edited, a later request is the next number."""

    __tablename__ = "supplement_notice"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    seq: int
    """1 for the application's first request, 2 for the next …"""
    materials: str = Field(sa_column=Column(Text, nullable=False))
    """JSON list of the matter's material codes asked for, in the matter's order."""
    reason: str = Field(sa_column=Column(Text, nullable=False))
    deadline: date
    """The date by which the materials are due (working days from the request)."""
    by_staff: str = Field(max_length=32)
    at: datetime = Field(default_factory=now)


class MaterialPromise(_Table, table=True):
    """A material promised instead of handed in (``domain.promise``): 容缺 or 告知承诺.

    Marked on a draft at the counter (or carried by a batch row); submit dates a 容缺 promise
    (``due_on``). A tolerated material is owed until it is attached (``supplied_at``); a commitment
    waits for a supervisor's 事后核查 (``outcome``).
    """

    __tablename__ = "material_promise"
    __table_args__ = (UniqueConstraint("application_id", "material_code"),
                      Index("ix_material_promise_open", "kind", "supplied_at", "outcome"))

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    material_code: str = Field(max_length=64)
    kind: str = Field(max_length=16)
    """``tolerated`` (容缺) or ``commitment`` (告知承诺)."""
    days: int | None = None
    """容缺: working days given to supply it, counted from 收件."""
    due_on: date | None = None
    """容缺: the last day to supply it, set at submit."""
    by_staff: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=now)
    supplied_at: datetime | None = None
    """容缺: when the material was attached after all."""
    supplied_by: str | None = Field(default=None, max_length=32)
    outcome: str | None = Field(default=None, max_length=16)
    """告知承诺: the check's outcome, ``true`` (属实) or ``false`` (不属实); None while open."""
    outcome_note: str | None = Field(default=None, max_length=500)
    checked_at: datetime | None = None
    checked_by: str | None = Field(default=None, max_length=32)


class ApplicationItem(_Table, table=True):
    """One included item (包含事项) of an accepted 一件事 and its progress at its department.

    Written at 受理 from the matter's ``[[items]]``: name and department are kept as they were then,
    so a later change of the catalog does not rewrite the application's history. Every change is
    also a chained status event (kind ``item``).
    """

    __tablename__ = "application_item"

    application_id: int = Field(foreign_key="application.id", primary_key=True)
    number: int = Field(primary_key=True)
    """The item's place in the matter's list at 受理, from 1."""
    name: str = Field(sa_column=Column(Text, nullable=False))
    department: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=16)
    """``domain.items.ItemStatus``."""
    changed_at: datetime = Field(default_factory=now)
    """When the status was last set (at 受理 for a pending item)."""
    changed_by: str = Field(max_length=32)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class AuditEntry(_Table, table=True):
    """An entry of the audit log (logins, full views of personal data, staff changes …)."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now)
    staff_id: str | None = Field(default=None, max_length=32)
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=128)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class NumberSequence(_Table, table=True):
    """The last sequence number a hall gave for a handling county on a day (application numbers)."""

    __tablename__ = "number_sequence"

    hall_code: str = Field(primary_key=True, max_length=8)
    county_code: str = Field(primary_key=True, max_length=6)
    day: str = Field(primary_key=True, max_length=8)
    last: int = 0


class Visit(_Table, table=True):
    """来访: one queue ticket or walk-in at a window and how it ended (咨询, 帮办, 收件 …)."""

    __table_args__ = (Index("ix_visit_day_window", "day", "window"),)

    id: int | None = Field(default=None, primary_key=True)
    outcome: str = Field(max_length=16)
    """``consult``, ``assist``, ``receive``, ``notify``, ``refer`` or ``failed`` (see domain.visits)."""
    matter_code: str | None = Field(default=None, max_length=64)
    county_code: str | None = Field(default=None, max_length=6)
    ticket_no: str | None = Field(default=None, max_length=32)
    application_id: int | None = Field(default=None, foreign_key="application.id")
    """The application a 收件 visit took."""
    note: str = Field(default="", max_length=500)
    referred_to: str | None = Field(default=None, max_length=200)
    """转办: the office the citizen was sent to."""
    window: int | None = None
    staff_id: str = Field(foreign_key="staff.id", max_length=32)
    called_at: datetime = Field(default_factory=now)
    """When the ticket was called (or the walk-in came to the window)."""
    ended_at: datetime = Field(default_factory=now)
    day: date
    """The hall's day of the visit."""


class FailedCase(_Table, table=True):
    """办不成事: what could not be done, where, by when it is to be resolved, and how it was."""

    __tablename__ = "failed_case"

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="visit.id", unique=True)
    what: str = Field(max_length=500)
    where: str = Field(default="", max_length=200)
    due_on: date
    resolution: str | None = Field(default=None, max_length=500)
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=32)


class Rating(_Table, table=True):
    """好差评: one rating per service (an application or a visit), asked at the window it was given.

    The row is created when the window asks for the rating (the pad then shows it); ``score`` stays
    empty until the citizen rates.
    """

    __table_args__ = (Index("ix_rating_window_pending", "window", "score"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int | None = Field(default=None, foreign_key="application.id", unique=True)
    visit_id: int | None = Field(default=None, foreign_key="visit.id", unique=True)
    window: int | None = None
    clerk_id: str = Field(foreign_key="staff.id", max_length=32)
    requested_at: datetime = Field(default_factory=now)
    score: int | None = None
    """5 非常满意 … 1 非常不满意."""
    reasons: str = Field(default="", max_length=200)
    """Second-level reason codes of a bad rating, comma-separated."""
    comment: str = Field(default="", max_length=COMMENT_MAX)
    channel: str | None = Field(default=None, max_length=16)
    """``pad`` (评价器), ``counter`` (screen turned to the citizen) or ``cli`` (a late rating)."""
    rated_at: datetime | None = None
    rated_on: date | None = Field(default=None, index=True)


class RatingCase(_Table, table=True):
    """The 差评 ledger: a bad rating called back (回访), rectified (整改), reviewed (复核), answered."""

    __tablename__ = "rating_case"

    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="rating.id", unique=True)
    opened_at: datetime = Field(default_factory=now)
    due_on: date = Field(index=True)
    status: str = Field(default="open", max_length=16)
    """``open`` → ``called_back`` → ``rectified`` → ``reviewed`` → ``closed`` (feedback given)."""
    callback_note: str | None = Field(default=None, max_length=500)
    rectification: str | None = Field(default=None, max_length=500)
    review_note: str | None = Field(default=None, max_length=500)
    reviewed_by: str | None = Field(default=None, max_length=32)
    feedback: str | None = Field(default=None, max_length=500)
    updated_at: datetime = Field(default_factory=now)


class Hall(_Table, table=True):
    """A registered hall (大厅): this database's own, or a partner whose packages are trusted."""

    code: str = Field(primary_key=True, max_length=8)
    """County code plus a two-digit site."""
    name: str = Field(max_length=100)
    county_code: str = Field(max_length=6)
    public_key: str | None = Field(default=None, max_length=64)
    """Ed25519 public key (base64 of the 32 raw bytes) that signs the hall's packages."""
    own: bool = False
    """Whether the hall works on this database (several do on a shared PostgreSQL)."""
    registered_at: datetime = Field(default_factory=now)


class TransferBatch(_Table, table=True):
    """A transfer batch (寄递批次): applications sent together to one 办理地."""

    __tablename__ = "transfer_batch"
    __table_args__ = (Index("ix_transfer_batch_to_county", "to_county", "signed_at"),)

    id: str = Field(primary_key=True, max_length=40)
    """``<sending hall code>-<YYYYMMDD>-<NN>``: unique across halls too."""
    from_hall: str = Field(max_length=8)
    to_county: str = Field(max_length=6)
    waybill: str | None = Field(default=None, max_length=64)
    """The courier's waybill number (运单号)."""
    count: int
    created_at: datetime = Field(default_factory=now)
    created_by: str = Field(max_length=32)
    signed_at: datetime | None = None
    """When the 办理地 signed for it (签收)."""
    signed_by: str | None = Field(default=None, max_length=32)
    signed_hall: str | None = Field(default=None, max_length=8)


class TransferLog(_Table, table=True):
    """A transfer or return package written or read (replays are recognised by the digest)."""

    __tablename__ = "transfer_log"
    __table_args__ = (UniqueConstraint("direction", "digest"), Index("ix_transfer_log_hall", "hall_code", "kind",
                                                                       "direction"))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    """``transfer`` or ``return``."""
    direction: str = Field(max_length=8)
    """``out`` (written here) or ``in`` (imported here)."""
    hall_code: str = Field(max_length=8)
    """The partner: the sender of an ``in`` package, the hall a return is written for, or the
    办理地 county a transfer package is written for."""
    batch: str | None = Field(default=None, max_length=40)
    digest: str = Field(max_length=64)
    """SHA-256 of the package's signed manifest."""
    last_event_id: int | None = None
    """For a return written here: the last status event it carried (the next return starts after it)."""
    count: int
    at: datetime = Field(default_factory=now)
    by_staff: str = Field(max_length=32)


def number_of(application: Application) -> str:
    """The number of an application past the draft stage: submit gives it one, a draft has none."""
    return present(application.number, "number of a submitted application")


def submitted_at_of(application: Application) -> datetime:
    """When an application past the draft stage was submitted (收件): submit sets it with the number."""
    return present(application.submitted_at, "submission time of a submitted application")
