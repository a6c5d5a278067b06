"""Application numbers (办件编号): ``<county>-<YYYYMMDD>-<sequence>-<check>``.

Example ``430626-20261124-00017-3``: the 6-digit code of the county that handles the matter,
the day of submission (China Standard Time), that county's running number for the day and an
ISO 7064 MOD 11-2 check character over the 19 digits, so a citizen reading the number over the
phone with one wrong digit or two swapped is told so instead of being shown someone else's case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.iso7064 import mod11_2_check_char
from counterdesk.domain.text import fold_separators, require

SEQ_MAX = 99999
"""The largest daily sequence a county can issue (five digits)."""

_FIELD = "application_number"
_SHAPE = re.compile(r"([0-9]{6})-?([0-9]{8})-?([0-9]{5})-?([0-9X])")
_MALFORMED = "办件编号格式应为“6位县区代码-8位日期-5位序号-1位校验位”，例如 430626-20261124-00017-3。"
_CHECK_MISMATCH = "办件编号校验位不符，可能输错了某一位或颠倒了相邻两位，请核对。"


@dataclass(frozen=True, order=True)
class ApplicationNumber:
    """A well-formed application number; ``str()`` gives the printed form with its check."""

    county_code: str
    """The 6-digit administrative division code of the handling county."""
    day: date
    """The day the application was submitted, in the hall's time zone."""
    seq: int
    """That county's running number for the day, 1 to SEQ_MAX."""

    def __post_init__(self) -> None:
        if not (len(self.county_code) == 6 and self.county_code.isascii() and self.county_code.isdigit()):
            raise ValueError(f"county code must be 6 ASCII digits, got {self.county_code!r}")
        if not 1 <= self.seq <= SEQ_MAX:
            raise ValueError(f"sequence must be 1..{SEQ_MAX}, got {self.seq}")
        if not 1000 <= self.day.year <= 9999:
            raise ValueError(f"day must have a 4-digit year, got {self.day}")

    @property
    def digits(self) -> str:
        """The 19 digits the check character is computed over."""
        return f"{self.county_code}{self.day:%Y%m%d}{self.seq:05d}"

    @property
    def check(self) -> str:
        """The MOD 11-2 check character, '0'-'9' or 'X'."""
        return mod11_2_check_char(self.digits)

    def __str__(self) -> str:
        return f"{self.county_code}-{self.day:%Y%m%d}-{self.seq:05d}-{self.check}"


def format_application_number(county_code: str, day: date, seq: int) -> str:
    """The printed application number for a county, day and daily sequence."""
    return str(ApplicationNumber(county_code, day, seq))


def _day(digits: str) -> date | None:
    """The date written as 8 digits YYYYMMDD with a year from 1000 on, or None."""
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day if day.year >= 1000 else None


def parse_application_number(text: str) -> ApplicationNumber:
    """Read an application number as typed: spaces, lower-case x, missing or other dashes (— _) are fine.

    The check character is verified before the date and sequence, so a typing slip in the date
    is reported as what it most likely is (a slip) rather than as a strange date.
    """
    value = fold_separators(require(text, label="办件编号", field=_FIELD)).upper()
    match = _SHAPE.fullmatch(value)
    if match is None:
        raise InvalidInput(_MALFORMED, code="app_no_malformed", field=_FIELD)
    county, day_digits, seq_digits, check = match.groups()
    if mod11_2_check_char(county + day_digits + seq_digits) != check:
        raise InvalidInput(_CHECK_MISMATCH, code="app_no_check", field=_FIELD)
    day = _day(day_digits)
    if day is None:
        raise InvalidInput(f"办件编号中的日期“{day_digits}”不是有效日期。", code="app_no_malformed", field=_FIELD)
    if int(seq_digits) == 0:
        raise InvalidInput("办件编号中的序号不能为00000。", code="app_no_malformed", field=_FIELD)
    return ApplicationNumber(county, day, int(seq_digits))
