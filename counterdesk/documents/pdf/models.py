"""What each PDF is made from: plain dataclasses that services fill from the database and catalog.

Personal data arrives already masked where the document is handed to the citizen (receipt,
notice): masking is a domain rule, applied once, before it reaches a renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

KIND_LABELS = {"original": "原件", "copy": "复印件", "both": "原件及复印件"}
"""Catalog material kinds (原件/复印件) as printed."""


def kind_label(kind: str) -> str:
    """The printed name of a material kind; unknown kinds are printed as given."""
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class CardMaterial:
    """One line of the 明白卡 material checklist."""

    name: str
    kind: str
    """``original`` (原件) or ``copy`` (复印件), as in the catalog."""
    copies: int = 1
    required: bool = True
    note: str = ""
    tolerated: bool = False
    """容缺 for the card's answers: printed 容缺（受理后补交） instead of 必填."""
    tolerable_when: tuple[str, ...] | None = None
    """A generic card's 容缺: None when it may never follow later; ``()`` whenever it applies; else the
    situations ("问题 → 选项") in which it may."""
    commitment: bool = False
    """告知承诺: a signed commitment may replace it."""
    when: tuple[str, ...] = ()
    """A generic card's 适用情形: the situations ("问题 → 选项") any of which needs it; empty = everyone."""
    license: str = ""
    """The e-license (电子证照) that can stand in for it, by name; empty for none."""


@dataclass(frozen=True)
class CardData:
    """Everything on a 明白卡 (clarity card) for one matter, place and situation.

    A generic card (``generic``, for the rack) is made without answers: it lists every material
    with the situations that need it, and every question with its options.
    """

    hall_name: str
    matter_name: str
    matter_code: str
    audience_label: str
    """个人办事, 企业办事 or 政策兑现."""
    county_name: str
    """The place's own name (平江县, 长沙市本级), as in the file name."""
    county_code: str
    place_name: str
    """The place with its city, as printed after 湖南省: 岳阳市平江县, 长沙市本级."""
    situation: list[tuple[str, str]]
    """The guidance questions with the answers chosen (办事情形); on a generic card, with every option
    (joined by "；")."""
    materials: list[CardMaterial]
    process: list[str]
    conditions: list[str]
    time_limit_days: int
    """Promised working days (承诺时限); 0 means settled on the spot (即办)."""
    fee: str
    phone: str
    generated_at: datetime
    mode_label: str = "异地代收代办"
    """办理模式 as printed."""
    office: str = ""
    """For a matter handled only in person: where the citizen must go (办理机构 and its address)."""
    generic: bool = False
    legal_time_limit_days: int | None = None
    """法定时限 in working days, when the catalog gives it."""
    departments: list[tuple[str, str]] = field(default_factory=list)
    """The included items (包含事项) with the department handling each."""
    legal_basis: list[str] = field(default_factory=list)
    faq: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReceiptMaterial:
    """A material received with the application: one row however many files it came in."""

    name: str
    pages: int
    source: str = ""
    """How it came: 扫描件, 资料复用, 电子证照 …"""
    kind: str = "copy"
    """``original`` (原件) or ``copy`` (复印件), as the catalog asks for it."""
    copies: int = 1
    """份数 the catalog asks for."""


@dataclass(frozen=True)
class Party:
    """The applicant as printed on a document handed out.

    A person arrives masked (张*三, 430626********1234, 证件号码); an enterprise is a public
    registration and arrives in full, its 统一社会信用代码 and 法定代表人 named.
    """

    name: str
    id_label: str
    id_number: str
    legal_representative: str = ""
    agent_name: str = ""
    """经办人, masked, when someone applies on the applicant's behalf."""
    agent_id: str = ""
    """The agent's ID number, masked: what tells 王** the agent from 王** the applicant."""


@dataclass(frozen=True)
class Issuer:
    """Who issues a document: the body, its seal, the window and the clerk."""

    body: str
    """The hall's name (出具机关)."""
    seal: str
    """受理专用章 or 业务专用章: the seal the window presses in the seal area."""
    window: str
    clerk: str


@dataclass(frozen=True)
class ReceiptData:
    """The 收件凭证: proof that the papers were received — not a decision, so no promised date."""

    issuer: Issuer
    application_number: str
    matter_name: str
    location: str
    """Where it is handled, e.g. 湖南省岳阳市平江县."""
    party: Party
    received_at: datetime
    pickup_method: str
    """现场取件 or 快递寄送."""
    pickup_detail: str
    """Pickup place, or the courier recipient and address (masked)."""
    materials: list[ReceiptMaterial]
    phone: str = ""
    generated_at: datetime | None = None


@dataclass(frozen=True)
class AcceptanceData:
    """The 受理通知书: the 办理地 accepted the application and promises a date."""

    issuer: Issuer
    application_number: str
    matter_name: str
    location: str
    party: Party
    received_at: datetime
    accepted_at: datetime
    promised_date: date | None
    """承诺办结日期 from the legal clock; None for a 即办 matter (settled on the spot)."""
    time_limit_days: int
    holidays_counted: bool = True
    """False when the holiday calendar does not know a year the promise runs into (weekends only)."""
    phone: str = ""
    generated_at: datetime | None = None


@dataclass(frozen=True)
class RefusalData:
    """The 不予受理通知书: why the application was refused and how to challenge the refusal."""

    issuer: Issuer
    application_number: str
    matter_name: str
    location: str
    party: Party
    received_at: datetime
    refused_at: datetime
    reason: str
    review_body: str
    """Where to apply for 行政复议 (the county government of the 办理地)."""
    court: str
    """Where to bring 行政诉讼 (the county people's court of the 办理地)."""
    phone: str = ""
    generated_at: datetime | None = None


@dataclass(frozen=True)
class NoticeItem:
    """A material still missing or refused at pre-check (预审)."""

    name: str
    kind: str
    copies: int = 1
    required: bool = True
    note: str = ""
    reason: str | None = None
    """Why the pre-check failed; ``None`` when the material was simply not provided."""


@dataclass(frozen=True)
class NoticeData:
    """The 一次性告知单: everything to bring back, so the citizen comes only once more."""

    hall_name: str
    matter_name: str
    location: str
    applicant_name: str
    items: list[NoticeItem]
    window: str
    clerk: str
    phone: str
    generated_at: datetime
    application_number: str = ""
    deadline: date | None = None
    """Date by which the supplement is expected, when there is one."""
    reason: str = ""
    """Why the supplement was requested (补正原因); empty for a draft's notice at the counter."""
    notice_seq: int | None = None
    """The supplement request's number (第 n 次补正告知); None for a draft's notice."""


@dataclass(frozen=True)
class PacketData:
    """The cover of an application packet (申请材料汇编) for the back office: everything in full."""

    hall_name: str
    application_number: str
    matter_name: str
    location: str
    applicant_name: str
    applicant_id: str
    submitted_at: datetime
    pickup_method: str
    window: str
    clerk: str
    generated_at: datetime
    status: str = ""
    applicant_id_label: str = "证件号码"
    """证件号码, or 统一社会信用代码 for an enterprise."""
    legal_representative: str = ""
    phone: str = ""
    """The applicant's mobile (a person) or contact phone (an enterprise)."""
    email: str = ""
    addresses: list[tuple[str, str]] = field(default_factory=list)
    """(label, address): 户籍地址 and 居住地址 of a person, 经营地址 of an enterprise."""
    agent: tuple[str, str, str] | None = None
    """经办人 in full: (name, ID number, phone); None when the applicant came in person."""
    pickup_detail: str = ""
    """Courier: recipient, phone and address in full; on-site: where to collect."""
    remark: str = ""
    situation: list[tuple[str, str]] = field(default_factory=list)
    """The situation answers (办事情形) as (question, answer)."""
    promised_date: date | None = None
    """承诺办结日期 from the clock, when it runs (or ran)."""
    promise_note: str = ""
    """What to print beside or instead of the date: 即办, 尚未受理…, 计时暂停中."""
    compiled_by: str = ""
    """Who made the packet (汇编人): name and staff ID."""


@dataclass(frozen=True)
class PacketFile:
    """One attachment to merge into the packet, in material order."""

    material_code: str
    material_name: str
    path: Path
    """The stored file (``FileStore.path_of``)."""
    media_type: str
    original_name: str = ""


@dataclass(frozen=True)
class ReportData:
    """The day's figures for the supervisors' report; each breakdown is (label, count)."""

    hall_name: str
    day: date
    total: int
    by_status: list[tuple[str, int]]
    by_matter: list[tuple[str, int]]
    by_county: list[tuple[str, int]]
    by_clerk: list[tuple[str, int]]
    median_accept_minutes: float | None
    """Median submitted → accepted time, or ``None`` when nothing was accepted."""
    generated_at: datetime
    notes: list[str] = field(default_factory=list)
    completed: int = 0
    """Applications completed on the day."""
    on_time_rate: float | None = None
    """按期办结率 of those, as a share; None when none was completed."""
    overdue: list[tuple[str, str, date, int]] = field(default_factory=list)
    """逾期清单: (number, matter, due date, working days left ≤ 0)."""
    ratings: list[list[str]] = field(default_factory=list)
    """好差评 rows per window and per clerk: who, 评价数, 好评率, 差评数, 差评整改率 (the first is the hall)."""
    visits: list[tuple[str, int]] = field(default_factory=list)
    """The day's visits by outcome (咨询, 帮办 …)."""
    service: list[list[str]] = field(default_factory=list)
    """Service time per window and per clerk: who, 来访数, 平均, P90 (minutes)."""


@dataclass(frozen=True)
class PromisedMaterial:
    """A material the applicant promises instead of handing it in now."""

    name: str
    kind: str
    copies: int = 1
    due_on: date | None = None
    """容缺: the last day to supply it; None for a 告知承诺, which replaces it for good."""
    days: int | None = None
    """容缺: the working days given, counted from 收件."""


@dataclass(frozen=True)
class CommitmentData:
    """The 容缺受理承诺书 (and/or 告知承诺书) the applicant signs at the counter."""

    issuer: Issuer
    application_number: str
    """Empty for a draft not yet submitted: the number comes with the 收件凭证."""
    matter_name: str
    location: str
    party: Party
    tolerated: list[PromisedMaterial]
    committed: list[PromisedMaterial]
    received_at: datetime | None = None
    """When it was received (收件); None for a draft, whose deadlines count from today."""
    phone: str = ""
    generated_at: datetime | None = None

    @property
    def title(self) -> str:
        """容缺受理承诺书, 告知承诺书, or both in one."""
        if self.tolerated and self.committed:
            return "容缺受理及告知承诺书"
        return "容缺受理承诺书" if self.tolerated else "告知承诺书"
