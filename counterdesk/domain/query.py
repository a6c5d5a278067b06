"""What the clerk typed into 办件查询: an application number or the applicant's document number.

Both are read forgivingly (full width, dashes of any kind, groups separated by spaces), and what
cannot be either is refused with the likely slip named, so "not found" only ever means that the
number is well formed and nobody holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counterdesk.domain.appno import EXAMPLE_NUMBER, parse_application_number
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idnumbers import (
    validate_foreign_permanent,
    validate_hk_macao_permit,
    validate_hmt_residence,
    validate_passport,
    validate_resident_id,
    validate_taiwan_permit,
)
from counterdesk.domain.text import fold_separators, has_control, require

_FIELD = "query"
_ALLOWED = re.compile(r"[0-9A-Z()\-]+")
_NOT_RESIDENT_ID = (validate_passport, validate_hk_macao_permit, validate_taiwan_permit,
                    validate_foreign_permanent)
"""Document types whose numbers are not 18 digits; tried in turn on anything else typed."""
_LONGEST_ID = 18
"""No identity document number is longer; anything longer that is digits is an application number."""


@dataclass(frozen=True)
class LookupQuery:
    """A lookup, read: ``kind`` is "application" (``value`` the printed number) or "id_number"."""

    kind: str
    value: str


def read_lookup_query(text: object) -> LookupQuery:
    """Classify and normalise a lookup; refuse what is neither kind of number, saying why."""
    typed = require(text, label="办件编号或申请人证件号码", field=_FIELD)
    if has_control(typed):
        raise InvalidInput("查询内容含有不可见的控制字符，请重新输入。", code="query_control", field=_FIELD)
    if any(ch.isalpha() and not ch.isascii() for ch in typed):
        raise InvalidInput(
            f"办件查询按办件编号（如 {EXAMPLE_NUMBER}）或申请人证件号码查找，不能按姓名查找。",
            code="query_not_number", field=_FIELD)
    grouped = fold_separators(typed).upper()
    if not _ALLOWED.fullmatch(grouped):
        raise InvalidInput("办件编号和证件号码只由数字、字母和连字符组成，请核对输入的内容。",
                           code="query_chars", field=_FIELD)
    compact = grouped.replace("-", "")
    if len(compact) > _LONGEST_ID and compact[:-1].isdigit():
        return LookupQuery("application", str(parse_application_number(compact)))
    return LookupQuery("id_number", compact)


def refuse_unknown_id_number(number: str, *, today: date | None = None) -> None:
    """For a document number nobody holds: raise InvalidInput if it is most likely a slip.

    Returns quietly when the number is a well-formed number of some document type, so the caller
    may say "not found". Digits only are read as a resident ID (by far the commonest at a Hunan
    counter) even where a foreign passport could be all digits: a missing digit is likelier.
    """
    if len(number) == _LONGEST_ID and number[:17].isdigit():
        if number.startswith(("81", "82", "83")):
            validate_hmt_residence(number, today=today, field=_FIELD)
        elif number.startswith("9"):
            validate_foreign_permanent(number, today=today, field=_FIELD)
        else:
            validate_resident_id(number, today=today, field=_FIELD)
        return
    if number.isdigit():
        raise InvalidInput(
            f"没有以该号码登记的申请人：居民身份证号码应为18位，当前为{len(number)}位，请核对是否漏输或多输。",
            code="id_length", field=_FIELD)
    for validate in _NOT_RESIDENT_ID:
        try:
            validate(number, field=_FIELD)
        except InvalidInput:
            continue
        return
    raise InvalidInput(
        "该号码不符合任何证件的格式（居民身份证18位；护照如 E12345678；港澳通行证如 H12345678；"
        "台湾通行证8位数字），请核对。",
        code="id_format", field=_FIELD)
