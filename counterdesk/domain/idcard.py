"""Reading the applicant from an ID-card reader (身份证读卡器), and how identity was checked.

The reader's own software reads the chip of a 居民身份证 and writes one JSON object per card
on a line: ``name``, ``sex``, ``nation``, ``birth``, ``address``, ``id_number``, ``issuer``,
``valid_from``, ``valid_to``. ``card_form`` checks such a line as the counter checks a typed
form and returns the form values it fills. Nothing here reads files or touches the database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from counterdesk.domain import clock
from counterdesk.domain.contact import validate_address, validate_name
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.idnumbers import parse_resident_id

IDENTITY_CHECKS = {"original": "原件核验", "reader": "读卡器", "face": "人证比对"}
"""身份核验方式: how the clerk made sure the applicant is who the papers say (stored code → label)."""
LINE_MAX = 4096
"""A card's line is a few hundred bytes; anything far longer is not a card."""
_SEXES = {"男": "M", "女": "F", "M": "M", "F": "F", "1": "M", "2": "F"}


@dataclass(frozen=True)
class CardRead:
    """What a card gave the form, and the card's own expiry."""

    form: dict[str, str]
    """Form values: id_type, id_number, name, sex, household_address, identity_check."""
    valid_to: date | None


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(f"读卡信息无法使用：{message}", code="id_card", field="id_number")


def _date(value: object, label: str) -> date | None:
    """A card date as the readers write it (20300101 or 2030-01-01); 长期 (no expiry) is None."""
    text = str(value or "").strip().replace("-", "").replace(".", "")
    if not text or text == "长期":
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else date.fromisoformat(text)
    except ValueError:
        raise _refuse(f"{label}“{str(value)[:20]}”不是有效日期。") from None


def card_form(line: str, *, today: date | None = None) -> CardRead:
    """Check one line from the reader and return the form values it fills.

    Refused, with the reason, when the line is not a card's JSON object, the number is not a
    valid resident ID, the printed sex or birth date disagrees with the number, or the card has
    expired.
    """
    if len(line) > LINE_MAX:
        raise _refuse("数据过长，不是身份证信息。")
    try:
        card = json.loads(line)
    except ValueError:
        raise _refuse("不是读卡器输出的 JSON 行。") from None
    if not isinstance(card, dict):
        raise _refuse("不是读卡器输出的 JSON 对象。")
    person = parse_resident_id(str(card.get("id_number") or ""), today=today)
    name = validate_name(str(card.get("name") or ""))
    sex = _SEXES.get(str(card.get("sex") or "").strip())
    if sex is not None and sex != person.sex:
        raise _refuse("性别与身份证号码不符。")
    birth = _date(card.get("birth"), "出生日期")
    if birth is not None and birth != person.birth_date:
        raise _refuse("出生日期与身份证号码不符。")
    valid_to = _date(card.get("valid_to"), "有效期限")
    if valid_to is not None and valid_to < (today or clock.today()):
        raise _refuse(f"身份证已于 {valid_to:%Y年%m月%d日} 过期，请申请人出示有效证件。")
    address = str(card.get("address") or "").strip()
    form = {"kind": "personal", "id_type": "resident_id", "id_number": person.number, "name": name,
            "sex": person.sex, "identity_check": "reader"}
    if address:
        form["household_address"] = validate_address(address, field="household_address", label="住址")
    return CardRead(form, valid_to)


def validate_identity_check(value: str) -> str:
    """One of IDENTITY_CHECKS' codes."""
    if value not in IDENTITY_CHECKS:
        raise InvalidInput("身份核验方式只能是读卡器、原件核验或人证比对。", code="identity_check",
                           field="identity_check")
    return value
