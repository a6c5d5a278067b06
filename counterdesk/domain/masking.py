"""Masking personal data for screens, lists, receipts and logs that do not need it in full.

Masks never raise: they are applied to stored data, which may predate today's validators.
"""

from __future__ import annotations

import re

from counterdesk.domain.contact import validate_phone
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.text import is_han

_STAR = "*"


def _mask_middle(text: str, keep: int) -> str:
    """``text`` with all but ``keep`` characters at each end starred, never showing over half."""
    keep = min(keep, len(text) // 4)
    return text[:keep] + _STAR * (len(text) - 2 * keep) + text[len(text) - keep :]


def mask_id_number(value: str | None) -> str:
    """An ID number with the first and last four kept: 430626199001010012 → 4306**********0012.

    Shorter numbers (passports, permits) keep fewer, so at most half is ever shown.
    """
    return _mask_middle((value or "").strip(), 4)


def mask_phone(value: str | None) -> str:
    """A phone number: mobile 138****7777; landline keeps the area code and last four digits."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        phone = validate_phone(text)
    except InvalidInput:
        return _mask_middle(text, 4)
    if "-" not in phone:
        return f"{phone[:3]}{_STAR * 4}{phone[-4:]}"
    area, local, *extension = phone.split("-")
    masked = f"{area}-{_STAR * (len(local) - 4)}{local[-4:]}"
    return "-".join([masked, *(_STAR * len(part) for part in extension)])


def mask_name(value: str | None) -> str:
    """A name with only its first character shown: 张三丰 → 张**, 李四 → 李*, Smith → S***.

    Latin names always get three stars, so the mask does not tell the name's length.
    """
    text = (value or "").strip()
    if len(text) <= 1:
        return _STAR * len(text)
    if is_han(text[0]):
        return text[0] + _STAR * (len(text) - 1)
    return text[0] + _STAR * 3


def mask_email(value: str | None) -> str:
    """An e-mail address with the mailbox hidden but its first character: z***@example.com."""
    text = (value or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return _mask_middle(text, 4)
    shown = local[:1] if len(local) > 1 else ""
    return f"{shown}{_STAR * 3}@{domain}"


_PLACE = "(?:(?![省市县区镇乡])[\u3400-\u4dbf\u4e00-\u9fff])"
"""A character of a division's own name: Chinese, and not one of the suffixes that end a level."""
_DIVISIONS = re.compile(
    rf"(?P<province>{_PLACE}{{2,8}}?(?:省|自治区)|北京市|天津市|上海市|重庆市)?"
    rf"(?P<city>{_PLACE}{{2,12}}?(?:自治州|地区|盟|市|州))?"
    rf"(?P<county>{_PLACE}{{1,9}}?(?:自治县|自治旗|县|区|市|旗))"
    rf"(?:{_PLACE}{{1,9}}?(?:街道|镇|乡))?"
)
"""Province, city, county-level division and township or street (街道/镇/乡), each optional but the county:
the part of an address a citizen recognises it by and that points to no door."""


def mask_address(value: str | None) -> str:
    """An address kept down to its township or street and starred below it:
    湖南省岳阳市平江县城关镇汉昌大道66号 → 湖南省岳阳市平江县城关镇****.

    Roads, villages, compounds, buildings and numbers are never shown. Without a recognisable
    county-level division nothing is kept; a bare "…区" with no city before it is not taken for one
    (天岳小区 is a compound). White space inside is dropped; the stars do not tell the length.
    """
    text = "".join((value or "").split())
    if not text:
        return ""
    found = _DIVISIONS.match(text)
    if found is None or (not (found["province"] or found["city"]) and found["county"].endswith("区")):
        return _STAR * 4
    kept = found.group(0)
    return kept if kept == text else kept + _STAR * 4
