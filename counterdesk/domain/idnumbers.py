"""Identity document numbers (证件号码) and the unified social credit code (统一社会信用代码).

Each ``validate_*`` takes what was typed, returns the number in its stored form (upper case, no
spaces, full-width digits folded) or raises InvalidInput with a sentence saying what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counterdesk.domain import clock
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.iso7064 import mod11_2_check_char
from counterdesk.domain.text import fold_width, require


class IdType(StrEnum):
    """证件类型 as stored: a person's identity documents, and an enterprise's credit code."""

    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAO_PERMIT = "hk_macao_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    FOREIGN_PERMANENT = "foreign_permanent"
    HMT_RESIDENCE = "hmt_residence"
    CREDIT_CODE = "credit_code"
    """统一社会信用代码, the ``id_type`` of every enterprise applicant."""


ID_TYPES: dict[str, str] = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGN_PERMANENT: "外国人永久居留身份证",
    IdType.HMT_RESIDENCE: "港澳台居民居住证",
}
"""A person's 证件类型: code → label, in the order the provincial portal lists them."""

CREDIT_CODE_LABEL = "统一社会信用代码"


def id_type_label(code: str | None) -> str:
    """The Chinese label of a stored ``id_type`` (an unknown code is shown as it is)."""
    if code == IdType.CREDIT_CODE:
        return CREDIT_CODE_LABEL
    return ID_TYPES.get(code or "", code or "")

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省",
    "36": "江西省", "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip
"""Province-level division codes (GB/T 2260) that appear as the first two digits of an ID."""

EARLIEST_BIRTH = date(1900, 1, 1)
"""Birth dates before this are refused as typing errors rather than centenarians' records."""

_FIELD = "id_number"
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")
_HMT_RESIDENCE = re.compile(r"8[123]0000[0-9]{11}[0-9X]")
_FOREIGN_OLD = re.compile(r"[A-Z]{3}[0-9]{12}")
_FOREIGN_NEW = re.compile(r"9[0-9]{16}[0-9X]")
_PASSPORT = re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{5,9}")
_HK_MACAO = re.compile(r"[HM](?:[0-9]{8}|[0-9]{10})")
_TAIWAN = re.compile(r"[0-9]{8}(?:[A-Z0-9]{2}|\([A-Z0-9]{1,2}\))?")


@dataclass(frozen=True)
class ResidentId:
    """A valid resident ID number (居民身份证号码) and what it encodes."""

    number: str
    """The 18 characters, with an upper-case X check character."""
    region_code: str
    """The 6-digit address code of the place of first registration."""
    birth_date: date
    sex: str
    """'M' or 'F', from the parity of the 17th digit."""


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    if len(first17) != 17:
        raise ValueError(f"a resident ID body has 17 digits, got {first17!r}")
    return mod11_2_check_char(first17)


def build_resident_id(region_code: str, birth_date: date, seq: int) -> str:
    """A valid resident ID for sample data and tests: region, birth date, 3-digit sequence."""
    first17 = f"{region_code}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + resident_id_check_char(first17)


def _compact(value: object, label: str, field: str) -> str:
    """Stripped, width-folded, upper-cased, inner spaces removed; empty refused."""
    return fold_width(require(value, label=label, field=field)).replace(" ", "").upper()


def _birth_date(digits: str, label: str, today: date | None, field: str) -> date:
    """The date encoded by 8 digits YYYYMMDD, refused if impossible, future or before 1900."""
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidInput(
            f"{label}号码中的出生日期“{digits}”不是有效日期。", code="id_birth_date", field=field
        ) from None
    if born > (today or clock.today()):
        raise InvalidInput(
            f"{label}号码中的出生日期“{digits}”晚于今天，请核对。", code="id_birth_date", field=field
        )
    if born < EARLIEST_BIRTH:
        raise InvalidInput(
            f"{label}号码中的出生日期“{digits}”早于1900年，请核对。", code="id_birth_date", field=field
        )
    return born


def _check(number: str, label: str, field: str) -> None:
    """Refuse ``number`` unless its last character is the MOD 11-2 check of the rest."""
    if mod11_2_check_char(number[:-1]) != number[-1]:
        raise InvalidInput(f"{label}号码校验位不正确，请核对最后一位。", code="id_check_digit", field=field)


def parse_resident_id(value: str, *, today: date | None = None, field: str = _FIELD) -> ResidentId:
    """Check a resident ID number (GB 11643-1999) and return what it encodes.

    Only the province (first two digits) is checked against a list. The remaining four digits
    of the address code are only format-checked, because a number keeps the county code of the
    place where it was first issued: counties merged or renamed since then (their codes retired
    from GB/T 2260) still appear in millions of valid ID numbers for life.
    """
    label = "身份证"
    number = _compact(value, "居民身份证号码", field)
    if len(number) != 18:
        raise InvalidInput(f"居民身份证号码应为18位，当前为{len(number)}位。", code="id_length", field=field)
    if not _RESIDENT_ID.fullmatch(number):
        raise InvalidInput(
            "居民身份证号码前17位应为数字，最后一位为数字或X。", code="id_format", field=field
        )
    if number[:2] not in PROVINCES:
        raise InvalidInput(
            f"身份证号码前两位“{number[:2]}”不是有效的省级行政区划代码。", code="id_region", field=field
        )
    born = _birth_date(number[6:14], label, today, field)
    _check(number, label, field)
    return ResidentId(number, number[:6], born, "M" if int(number[16]) % 2 else "F")


def validate_resident_id(value: str, *, today: date | None = None, field: str = _FIELD) -> str:
    """A valid resident ID number, normalised (see ``parse_resident_id``)."""
    return parse_resident_id(value, today=today, field=field).number


def validate_passport(value: str, *, field: str = _FIELD) -> str:
    """A passport number: Chinese (E12345678, EA1234567, G12345678) or foreign.

    The portal's 护照 covers foreign passports too, so the shape is the ICAO 9303 document
    number: up to 9 letters and digits, with at least one digit.
    """
    number = _compact(value, "护照号码", field)
    if not _PASSPORT.fullmatch(number):
        raise InvalidInput(
            "护照号码应为5至9位字母和数字（如 E12345678），请核对。", code="id_format", field=field
        )
    return number


def validate_hk_macao_permit(value: str, *, field: str = _FIELD) -> str:
    """A 港澳居民来往内地通行证 number: H (Hong Kong) or M (Macao) then 8 (card) or 10 digits."""
    number = _compact(value, "通行证号码", field)
    if not _HK_MACAO.fullmatch(number):
        raise InvalidInput(
            "港澳居民来往内地通行证号码应为H或M开头，后跟8位或10位数字（如 H12345678）。",
            code="id_format",
            field=field,
        )
    return number


def validate_taiwan_permit(value: str, *, field: str = _FIELD) -> str:
    """A 台湾居民来往大陆通行证 number: 8 digits (card since 2015), or the older 10-character form.

    Old booklets add an issue count after the 8 digits, typed either plainly (12345678B1) or
    in brackets as printed, e.g. 12345678(B).
    """
    number = _compact(value, "通行证号码", field)
    if not _TAIWAN.fullmatch(number):
        raise InvalidInput(
            "台湾居民来往大陆通行证号码应为8位数字（旧版为8位数字加2位签发次数）。",
            code="id_format",
            field=field,
        )
    return number


def validate_foreign_permanent(value: str, *, today: date | None = None, field: str = _FIELD) -> str:
    """A 外国人永久居留身份证 number: old 3 letters + 12 digits, or the 2023 18-digit form.

    The 2023 card follows GB 11643: a leading 9, then acceptance place and nationality codes,
    the birth date in digits 7-14, a sequence, and a MOD 11-2 check character.
    """
    label = "外国人永久居留身份证"
    number = _compact(value, f"{label}号码", field)
    if _FOREIGN_OLD.fullmatch(number):
        return number
    if not _FOREIGN_NEW.fullmatch(number):
        raise InvalidInput(
            f"{label}号码应为18位（9开头，17位数字加校验位），旧版为3位字母加12位数字。",
            code="id_format",
            field=field,
        )
    _birth_date(number[6:14], label, today, field)
    _check(number, label, field)
    return number


def validate_hmt_residence(value: str, *, today: date | None = None, field: str = _FIELD) -> str:
    """A 港澳台居民居住证 number: 810000 (HK), 820000 (Macao) or 830000 (Taiwan), then as an ID."""
    label = "港澳台居民居住证"
    number = _compact(value, f"{label}号码", field)
    if not _HMT_RESIDENCE.fullmatch(number):
        raise InvalidInput(
            f"{label}号码应为18位，以810000（香港）、820000（澳门）或830000（台湾）开头。",
            code="id_format",
            field=field,
        )
    _birth_date(number[6:14], label, today, field)
    _check(number, label, field)
    return number


def validate_id_number(id_type: str, value: str, *, today: date | None = None, field: str = _FIELD) -> str:
    """The number ``value`` checked and normalised as a document of ``id_type`` (see ID_TYPES)."""
    if id_type == IdType.RESIDENT_ID:
        return validate_resident_id(value, today=today, field=field)
    if id_type == IdType.PASSPORT:
        return validate_passport(value, field=field)
    if id_type == IdType.HK_MACAO_PERMIT:
        return validate_hk_macao_permit(value, field=field)
    if id_type == IdType.TAIWAN_PERMIT:
        return validate_taiwan_permit(value, field=field)
    if id_type == IdType.FOREIGN_PERMANENT:
        return validate_foreign_permanent(value, today=today, field=field)
    if id_type == IdType.HMT_RESIDENCE:
        return validate_hmt_residence(value, today=today, field=field)
    raise InvalidInput(f"不支持的证件类型“{id_type}”。", code="id_type", field="id_type")


CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015; I, O, Z, S and V are left out as look-alikes."""

_CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_CREDIT_VALUES = {ch: i for i, ch in enumerate(CREDIT_CODE_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (weighted MOD 31) for the first 17 characters."""
    if len(first17) != 17 or any(ch not in _CREDIT_VALUES for ch in first17):
        raise ValueError(f"a credit code body is 17 characters of the GB 32100 alphabet, got {first17!r}")
    total = sum(_CREDIT_VALUES[ch] * weight for ch, weight in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str, *, field: str = "credit_code") -> str:
    """A unified social credit code (统一社会信用代码), upper-cased.

    18 characters: registration authority, organisation type, the 6-digit address code, the
    9-character organisation code, and the check character.
    """
    code = _compact(value, CREDIT_CODE_LABEL, field)
    if len(code) != 18:
        raise InvalidInput(f"统一社会信用代码应为18位，当前为{len(code)}位。", code="credit_length", field=field)
    if any(ch not in _CREDIT_VALUES for ch in code):
        shown = "".join(sorted({ch for ch in code if ch not in _CREDIT_VALUES and ch.isprintable()}))
        raise InvalidInput(
            f"统一社会信用代码含有不允许的字符“{shown}”：只能用数字和除I、O、Z、S、V以外的大写字母。"
            if shown
            else "统一社会信用代码含有不可见的字符，请重新输入。",
            code="credit_chars",
            field=field,
        )
    if not code[2:8].isdigit():
        raise InvalidInput(
            "统一社会信用代码第3至8位应为数字（登记管理机关行政区划码）。", code="credit_format", field=field
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise InvalidInput("统一社会信用代码校验位不正确，请核对最后一位。", code="credit_check", field=field)
    return code
