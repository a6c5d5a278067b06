"""The applicant form (确认信息): every field the counter and the batch importer check alike.

``validate_form`` takes the flat form as typed (field name → text) and returns the cleaned data
or, per field, the Chinese sentence saying what is wrong. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from counterdesk.domain.contact import (
    validate_address,
    validate_email,
    validate_mobile,
    validate_name,
    validate_phone,
    validate_remark,
)
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idcard import validate_identity_check
from counterdesk.domain.idnumbers import (
    CREDIT_CODE_LABEL,
    ID_TYPES,
    IdType,
    ResidentId,
    parse_resident_id,
    validate_credit_code,
    validate_id_number,
)
from counterdesk.domain.text import has_control


class ApplicantKind(StrEnum):
    """申请人类型 as stored."""

    PERSONAL = "personal"
    ENTERPRISE = "enterprise"


KINDS: dict[str, str] = {ApplicantKind.PERSONAL: "个人", ApplicantKind.ENTERPRISE: "企业"}
SEXES = {"M": "男", "F": "女"}

PERSONAL_FIELDS = ("id_type", "id_number", "name", "sex", "mobile", "email",
                   "household_address", "residence_address")
ENTERPRISE_FIELDS = ("credit_code", "name", "legal_representative", "mobile", "email", "residence_address")
AGENT_FIELDS = ("agent_id_type", "agent_id_number", "agent_name", "agent_phone")
OTHER_FIELDS = ("remark", "ticket_no", "identity_check")

LABELS = {
    "kind": "申请人类型", "id_type": "证件类型", "id_number": "证件号码", "name": "姓名", "sex": "性别",
    "mobile": "手机号码", "email": "电子邮箱", "household_address": "户籍地址", "residence_address": "居住地址",
    "credit_code": CREDIT_CODE_LABEL, "legal_representative": "法定代表人",
    "agent_id_type": "经办人证件类型", "agent_id_number": "经办人证件号码", "agent_name": "经办人姓名",
    "agent_phone": "经办人电话", "remark": "备注", "ticket_no": "叫号单号", "identity_check": "身份核验",
}
"""Each form field's name, as the form, the review, the detail and the error messages print it."""
ENTERPRISE_LABELS = {"name": "企业名称", "mobile": "联系电话", "residence_address": "经营地址"}
"""The fields an enterprise applicant names differently from a person."""
ENTERPRISE_NAME_MAX = 100


@dataclass(frozen=True)
class ApplicantData:
    """A validated applicant (申请人), personal or enterprise."""

    kind: str
    id_type: str
    id_number: str
    name: str
    mobile: str
    sex: str | None = None
    birth_date: date | None = None
    email: str | None = None
    household_address: str | None = None
    residence_address: str | None = None
    legal_representative: str | None = None


@dataclass(frozen=True)
class AgentData:
    """A validated agent (经办人) who applies on the applicant's behalf."""

    id_type: str
    id_number: str
    name: str
    phone: str


@dataclass(frozen=True)
class ApplicantForm:
    """Everything the 确认信息 step yields once valid."""

    applicant: ApplicantData
    agent: AgentData | None
    remark: str
    ticket_no: str | None
    identity_check: str | None = None
    """身份核验方式 (see ``idcard.IDENTITY_CHECKS``); None when not checked at a counter (batch rows)."""


def _text(form: Mapping[str, object], key: str) -> str:
    value = form.get(key)
    return "" if value is None else str(value).strip()


_T = TypeVar("_T")


class _Collector:
    """Runs validators field by field and keeps the first problem of each field."""

    def __init__(self, form: Mapping[str, object]) -> None:
        self.form = form
        self.errors: dict[str, str] = {}

    def run(self, key: str, check: Callable[[str], _T], *, required: bool = True) -> _T | None:
        value = _text(self.form, key)
        if not value:
            if required:
                self.errors[key] = f"请填写{LABELS[key]}。"
            return None
        try:
            return check(value)
        except InvalidInput as error:
            self.errors[key] = error.message
            return None


def _enterprise_name(value: str) -> str:
    if len(value) > ENTERPRISE_NAME_MAX or has_control(value):
        raise InvalidInput(f"企业名称不超过 {ENTERPRISE_NAME_MAX} 个字符，且不能含控制字符。", code="enterprise_name")
    return value


def _ticket(value: str) -> str:
    if len(value) > 32 or not value.isascii() or not value.replace("-", "").isalnum():
        raise InvalidInput("叫号单号只能由字母、数字和“-”组成，不超过 32 位。", code="ticket_no")
    return value.upper()


def validate_form(form: Mapping[str, object], *, today: date | None = None) -> tuple[ApplicantForm | None, dict[str, str]]:
    """Check the whole form; returns the cleaned form, or None and the problems by field."""
    c = _Collector(form)
    kind = _text(form, "kind") or ApplicantKind.PERSONAL
    if kind not in KINDS:
        c.errors["kind"] = "申请人类型只能是个人（personal）或企业（enterprise）。"
        return None, c.errors
    applicant = _personal(c, today) if kind == ApplicantKind.PERSONAL else _enterprise(c)
    agent = _agent(c, today)
    remark = c.run("remark", validate_remark, required=False) or ""
    ticket = c.run("ticket_no", _ticket, required=False)
    identity_check = c.run("identity_check", validate_identity_check, required=False)
    if c.errors or applicant is None:  # no applicant without a problem saying why
        return None, c.errors
    return ApplicantForm(applicant, agent, remark, ticket, identity_check), {}


def _personal(c: _Collector, today: date | None) -> ApplicantData | None:
    id_type = _text(c.form, "id_type") or IdType.RESIDENT_ID
    if id_type not in ID_TYPES:
        c.errors["id_type"] = "请选择有效的证件类型。"
        return None
    sex = _text(c.form, "sex").upper() or None
    birth = None
    if id_type == IdType.RESIDENT_ID:
        parsed = c.run("id_number", lambda v: parse_resident_id(v, today=today))
        number = parsed.number if parsed else None
        if parsed is not None:
            birth = parsed.birth_date
            if sex and sex != parsed.sex:
                c.errors["sex"] = "性别与身份证号码不符（身份证号码第 17 位决定性别）。"
            sex = parsed.sex
    else:
        number = c.run("id_number", lambda v: validate_id_number(id_type, v, today=today))
    if id_type != IdType.RESIDENT_ID and sex not in SEXES:
        c.errors["sex"] = "请选择性别。"
    name = c.run("name", validate_name)
    mobile = c.run("mobile", validate_mobile)
    email = c.run("email", validate_email, required=False)
    household_address = c.run("household_address",
                              lambda v: validate_address(v, field="household_address", label="户籍地址"),
                              required=False)
    residence_address = c.run("residence_address",
                              lambda v: validate_address(v, field="residence_address", label="居住地址"),
                              required=False)
    # A required field is None only with its problem recorded.
    if c.errors or number is None or name is None or mobile is None:
        return None
    return ApplicantData(kind=ApplicantKind.PERSONAL, id_type=id_type, id_number=number, sex=sex, birth_date=birth,
                         name=name, mobile=mobile, email=email, household_address=household_address,
                         residence_address=residence_address)


def _enterprise(c: _Collector) -> ApplicantData | None:
    code = c.run("credit_code", validate_credit_code)
    name = c.run("name", _enterprise_name)
    legal_representative = c.run("legal_representative",
                                 lambda v: validate_name(v, field="legal_representative", label="法定代表人"))
    mobile = c.run("mobile", validate_phone)
    email = c.run("email", validate_email, required=False)
    residence_address = c.run("residence_address",
                              lambda v: validate_address(v, field="residence_address",
                                                         label=ENTERPRISE_LABELS["residence_address"]),
                              required=False)
    # A required field is None only with its problem recorded.
    if c.errors or code is None or name is None or mobile is None:
        return None
    return ApplicantData(kind=ApplicantKind.ENTERPRISE, id_type=IdType.CREDIT_CODE, id_number=code, name=name,
                         legal_representative=legal_representative, mobile=mobile, email=email,
                         residence_address=residence_address)


def _agent(c: _Collector, today: date | None) -> AgentData | None:
    if not any(_text(c.form, key) for key in ("agent_id_number", "agent_name", "agent_phone")):
        return None
    id_type = _text(c.form, "agent_id_type") or IdType.RESIDENT_ID
    if id_type not in ID_TYPES:
        c.errors["agent_id_type"] = "请选择有效的经办人证件类型。"
        return None
    number = c.run("agent_id_number", lambda v: validate_id_number(id_type, v, today=today, field="agent_id_number"))
    name = c.run("agent_name", lambda v: validate_name(v, field="agent_name", label="经办人姓名"))
    phone = c.run("agent_phone", lambda v: validate_phone(v, field="agent_phone"))
    if number is None or name is None or phone is None:
        return None
    return AgentData(id_type, number, name, phone)


def resident_facts(form: Mapping[str, object], *, today: date | None = None) -> ResidentId | None:
    """What a personal applicant's resident ID number tells (sex, birth date), or None.

    None for an enterprise, for any other 证件类型 and for a number not (yet) valid: the form
    asks live while the clerk types, so half a number or a passport number is an ordinary state.
    """
    if (_text(form, "kind") or "personal") != "personal" or (_text(form, "id_type") or "resident_id") != "resident_id":
        return None
    try:
        return parse_resident_id(_text(form, "id_number"), today=today)
    except InvalidInput:
        return None


def field_problem(form: Mapping[str, object], key: str, *, today: date | None = None) -> str | None:
    """The problem of one field given the whole form (live validation beside a field)."""
    return validate_form(form, today=today)[1].get(key)
