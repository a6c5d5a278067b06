"""Contact details and free text of the applicant form: phones, e-mail, names, addresses, remark.

Lengths are counted in characters (``len`` of the str), so a Chinese character counts as one,
as on the portal's own form.
"""

from __future__ import annotations

import re
import unicodedata

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.text import as_text, fold_separators, fold_width, has_control, is_han, require

NAME_MIN = 2
NAME_MAX = 50
ADDRESS_MAX = 200
REMARK_MAX = 250
EMAIL_MAX = 254

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086)")
_INTERNATIONAL = re.compile(r"\s*\(?\s*(?:\+|00)\s*86\s*\)?[\s\-\u2010-\u2015_]*(?:\(\s*0\s*\)[\s\-\u2010-\u2015_]*)?")
"""+86 or 0086, maybe in brackets, maybe followed by the trunk 0 in brackets: +86 (0)731 …"""
_AREA = re.compile(r"0(?:10|2[0-9])|0[3-9][0-9]{2}")
"""Area codes: 010 and 02x have three digits, every other one four; 01x other than 010 is unused."""
_LOCAL = re.compile(r"[1-9][0-9]{6,7}")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})\s*$", re.IGNORECASE)
_GROUP_SEPARATORS = re.compile(r"[\s()\-\u2010-\u2015\u2212\ufe58\ufe63_]+")
_LANDLINE_HELP = "固定电话应为区号加7至8位号码，如 0731-84567890，分机号可选。"
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_NAME_DOTS = re.compile(r"[.•・‧･]")
_MARKUP = frozenset("<>[]{}\\/|&=`\"")
_LATIN_PUNCTUATION = frozenset(" -'.")


def _digits_only(text: str) -> str:
    """``text`` without the separators people type between groups: spaces, dashes, brackets."""
    return fold_separators(text).replace("-", "").replace("(", "").replace(")", "")


def validate_mobile(value: str, *, field: str = "mobile") -> str:
    """A mainland mobile number as 11 digits; spaces, dashes and a +86 / 0086 prefix are dropped."""
    text = require(value, label="手机号码", field=field)
    digits = _COUNTRY_PREFIX.sub("", _digits_only(text))
    if len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if not (digits.isascii() and digits.isdigit()):
        raise InvalidInput("手机号码只能包含数字，国际区号只支持+86。", code="mobile_format", field=field)
    if _MOBILE.fullmatch(digits):
        return digits
    landline = None if digits.startswith("1") else _as_landline(text)
    if landline is not None:
        raise InvalidInput(f"这是固定电话（{landline}），此栏须填 11 位手机号码，用于短信通知。",
                           code="mobile_landline", field=field)
    if len(digits) != 11:
        raise InvalidInput(f"手机号码应为11位数字，当前为{len(digits)}位。", code="mobile_format", field=field)
    raise InvalidInput("手机号码应以13至19开头，请核对。", code="mobile_format", field=field)


def _as_landline(value: str) -> str | None:
    """``value`` read as a fixed-line number, as ``validate_phone`` reads one (+86 731 …), or None."""
    text = _national(fold_width(value))
    if not _digits_only(text).startswith("0"):
        return None
    try:
        return validate_landline(text)
    except InvalidInput:
        return None


def validate_landline(value: str, *, field: str = "phone") -> str:
    """A fixed-line number with area code, as ``0731-84567890`` or ``0731-84567890-123``.

    The number may be typed in any groups (0731 8221 4464, (0731)84567890, 0731—84567890).
    Area codes 010 and 02x are three digits and all others four, so the split is unambiguous
    even without separators; an extension follows 转/分机/ext/x/#, or a last group that does not
    fit in the local number (0731-84567890-123).
    """
    text = fold_width(require(value, label="固定电话", field=field))
    marked = _EXTENSION.search(text)
    extension = marked[1] if marked else None
    parts = [part for part in _GROUP_SEPARATORS.split(text[:marked.start()] if marked else text) if part]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        raise InvalidInput(_LANDLINE_HELP, code="landline_format", field=field)
    digits = "".join(parts)
    area = _AREA.match(digits)
    if area is None:
        raise InvalidInput(_LANDLINE_HELP, code="landline_format", field=field)
    local = digits[area.end():]
    if extension is None and len(local) > 8 and len(parts) > 1 and len(local) - len(parts[-1]) in (7, 8):
        local, extension = local[: -len(parts[-1])], parts[-1]
    if not _LOCAL.fullmatch(local) or (area.end() == 3 and len(local) != 8) or len(extension or "") > 6:
        raise InvalidInput(_LANDLINE_HELP, code="landline_format", field=field)
    number = f"{area[0]}-{local}"
    return f"{number}-{extension}" if extension else number


def validate_phone(value: str, *, field: str = "phone") -> str:
    """A mobile (normalised to 11 digits) or a landline with area code (see validate_landline).

    International forms are read as well: +86 / 0086 then a mobile, or then an area code without
    its trunk 0 (+86 731 8221 4464 is 0731-82214464).
    """
    national = _national(fold_width(require(value, label="联系电话", field=field)))
    if _digits_only(national).startswith("0"):
        return validate_landline(national, field=field)
    return validate_mobile(national, field=field)


def _national(text: str) -> str:
    """``text`` without a +86 / 0086 prefix; an area code after one gets its trunk 0 back
    (+86 731 8221 4464 is 0731 8221 4464), a mobile stays as it is."""
    international = _INTERNATIONAL.match(text)
    if not international:
        return text
    national = text[international.end():]
    digits = _digits_only(national)
    if digits.startswith("0") or (digits.startswith("1") and not digits.startswith("10")):
        return national
    return "0" + national


def validate_email(value: str, *, field: str = "email") -> str:
    """An e-mail address, checked the practical way; the domain is lower-cased.

    The local part keeps its case (some mail systems honour it). Internationalised addresses
    are refused: the mail relay of the hall speaks plain SMTP.
    """
    text = fold_width(require(value, label="电子邮箱", field=field)).replace("。", ".")
    if text.count("@") != 1:
        raise InvalidInput(
            "电子邮箱应有且只有一个“@”，例如 zhangsan@example.com。", code="email_format", field=field
        )
    local, domain = text.split("@")
    domain = domain.lower()
    if len(local) > 64 or not _EMAIL_LOCAL.fullmatch(local):
        raise InvalidInput(
            "电子邮箱“@”前面的部分格式不正确：只能用英文字母、数字和 . _ - + 等符号。",
            code="email_format",
            field=field,
        )
    labels = domain.split(".")
    if (
        len(labels) < 2
        or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels)
        or not _TOP_LEVEL.fullmatch(labels[-1])
    ):
        raise InvalidInput(
            "电子邮箱“@”后面的域名格式不正确，例如 example.com。", code="email_format", field=field
        )
    address = f"{local}@{domain}"
    if len(address) > EMAIL_MAX:
        raise InvalidInput(f"电子邮箱不能超过{EMAIL_MAX}个字符。", code="email_format", field=field)
    return address


def _is_latin_letter(ch: str) -> bool:
    """Whether ``ch`` is a Latin-script letter, accented ones included."""
    return unicodedata.category(ch).startswith("L") and unicodedata.name(ch, "").startswith("LATIN")


def validate_name(value: str, *, field: str = "name", label: str = "姓名") -> str:
    """A person's name: Chinese characters (minority names joined by ·) or Latin letters.

    Chinese names drop stray spaces and take the ASCII or Japanese dot as the middle dot
    (阿依古丽.买买提 → 阿依古丽·买买提); Latin names keep single spaces, hyphens, apostrophes
    and dots (Mary-Jane O'Neil).
    """
    text = unicodedata.normalize("NFC", fold_width(require(value, label=label, field=field)))
    if has_control(text):
        raise InvalidInput(f"{label}包含不可见的控制字符，请重新输入。", code="name_chars", field=field)
    if any(ch.isdigit() for ch in text):
        raise InvalidInput(f"{label}不能包含数字。", code="name_digits", field=field)
    markup = "".join(sorted({ch for ch in text if ch in _MARKUP}))
    if markup:
        raise InvalidInput(f"{label}不能包含符号“{markup}”。", code="name_chars", field=field)
    if any(is_han(ch) for ch in text):
        name = _NAME_DOTS.sub("·", re.sub(r"\s+", "", text))
        valid = all(is_han(ch) or ch == "·" for ch in name) and not re.search(r"^·|·$|··", name)
    else:
        name = re.sub(r"\s+", " ", text).replace("’", "'")
        valid = _is_latin_letter(name[0]) and all(
            _is_latin_letter(ch) or ch in _LATIN_PUNCTUATION for ch in name
        )
    if not valid:
        raise InvalidInput(
            f"{label}只能由汉字（少数民族姓名用间隔号“·”分隔）或英文字母组成，"
            "英文姓名可含空格、连字符、撇号和点。",
            code="name_chars",
            field=field,
        )
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise InvalidInput(
            f"{label}应为{NAME_MIN}至{NAME_MAX}个字，当前为{len(name)}个。", code="name_length", field=field
        )
    return name


def validate_address(value: str, *, field: str = "address", label: str = "地址") -> str:
    """A postal or household address: one line, at most ADDRESS_MAX characters."""
    text = require(value, label=label, field=field)
    if has_control(text):
        raise InvalidInput(f"{label}不能包含换行或控制字符。", code="address_chars", field=field)
    if len(text) > ADDRESS_MAX:
        raise InvalidInput(
            f"{label}不能超过{ADDRESS_MAX}个字，当前为{len(text)}个。", code="address_length", field=field
        )
    return text


def validate_remark(value: str | None, *, field: str = "remark") -> str:
    """The optional remark (备注): at most REMARK_MAX characters, line breaks allowed, "" if blank."""
    text = as_text(value, label="备注", field=field).replace("\r\n", "\n")
    if has_control(text, allow_newline=True):
        raise InvalidInput("备注不能包含控制字符（换行除外）。", code="remark_chars", field=field)
    if len(text) > REMARK_MAX:
        raise InvalidInput(
            f"备注最多{REMARK_MAX}个字，当前为{len(text)}个，请删减。", code="remark_length", field=field
        )
    return text
