"""Application numbers (办件编号), unique across every hall without any coordination.

Current form ``<办理地>-<YYYYMMDD>-<hall code>-<sequence>-<check>``, e.g.
``430626-20261202-43010201-00017-4``:

- the 6-digit code of the county that handles the matter (办理地), so the number still says
  where the case is decided;
- the day of submission (China Standard Time);
- the 8-digit code of the receiving hall (its county code plus a two-digit site, registered at
  ``init --hall-code``): two halls never share a code, so two halls with separate databases
  never give the same number, whatever their sequences do;
- that hall's running number for the 办理地 and day, 1 to 99999;
- an ISO 7064 MOD 11-2 check character over all 27 digits, which catches every single wrong
  digit and every swap of two adjacent digits at any length.

Numbers issued before hall codes existed, ``<county>-<YYYYMMDD>-<sequence>-<check>`` (19 digits
and a check), keep parsing: they have no hall code (``hall_code`` is None). The two forms differ
in their count of digits, so a number typed without dashes is never ambiguous.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.iso7064 import mod11_2_check_char
from counterdesk.domain.text import fold_separators, require

SEQ_MAX = 99999
"""The largest daily sequence a hall can issue for one 办理地 (five digits)."""

HALL_CODE_LENGTH = 8
"""A hall code: the 6-digit county code of the hall and a two-digit site number."""

EXAMPLE_NUMBER = "430626-20261202-43010201-00017-4"
"""A valid number to show as an example wherever one is asked for (平江 as 办理地, received at 长沙芙蓉)."""

_FIELD = "application_number"
_LEGACY = re.compile(r"([0-9]{6})-?([0-9]{8})-?([0-9]{5})-?([0-9X])")
_CURRENT = re.compile(r"([0-9]{6})-?([0-9]{8})-?([0-9]{8})-?([0-9]{5})-?([0-9X])")
_MALFORMED = ("办件编号格式应为“6位办理地代码-8位日期-8位大厅代码-5位序号-1位校验位”，"
              f"例如 {EXAMPLE_NUMBER}（旧编号如 430626-20261124-00017-3 仍可查询）。")
_CHECK_MISMATCH = "办件编号校验位不符，可能输错了某一位或颠倒了相邻两位，请核对。"


def _six_digits(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def hall_code_problem(code: str) -> str | None:
    """Why ``code`` is not a well-formed hall code (in Chinese), or None when it is.

    Whether its county is one of Hunan's is the catalog's to say; this checks the shape only.
    """
    if not (len(code) == HALL_CODE_LENGTH and code.isascii() and code.isdigit()):
        return "大厅代码应为 8 位数字：6 位县级区划代码加 2 位站点号，例如 43010201。"
    if code[6:] == "00":
        return "大厅代码的站点号应为 01 至 99。"
    return None


@dataclass(frozen=True, order=True)
class ApplicationNumber:
    """A well-formed application number; ``str()`` gives the printed form with its check."""

    county_code: str
    """The 6-digit administrative division code of the handling county (办理地)."""
    day: date
    """The day the application was submitted, in the hall's time zone."""
    seq: int
    """The receiving hall's running number for the county and day, 1 to SEQ_MAX."""
    hall_code: str | None = None
    """The receiving hall's 8-digit code; None for a number issued before hall codes existed."""

    def __post_init__(self) -> None:
        if not _six_digits(self.county_code):
            raise ValueError(f"county code must be 6 ASCII digits, got {self.county_code!r}")
        if not 1 <= self.seq <= SEQ_MAX:
            raise ValueError(f"sequence must be 1..{SEQ_MAX}, got {self.seq}")
        if not 1000 <= self.day.year <= 9999:
            raise ValueError(f"day must have a 4-digit year, got {self.day}")
        if self.hall_code is not None and hall_code_problem(self.hall_code):
            raise ValueError(f"hall code must be 8 ASCII digits with a site 01..99, got {self.hall_code!r}")

    @property
    def digits(self) -> str:
        """The digits the check character is computed over (19 for old numbers, 27 for current ones)."""
        return f"{self.county_code}{self.day:%Y%m%d}{self.hall_code or ''}{self.seq:05d}"

    @property
    def check(self) -> str:
        """The MOD 11-2 check character, '0'-'9' or 'X'."""
        return mod11_2_check_char(self.digits)

    def __str__(self) -> str:
        hall = f"-{self.hall_code}" if self.hall_code else ""
        return f"{self.county_code}-{self.day:%Y%m%d}{hall}-{self.seq:05d}-{self.check}"


def format_application_number(county_code: str, day: date, seq: int, hall_code: str | None = None) -> str:
    """The printed application number for a county, day, daily sequence and (current form) hall."""
    return str(ApplicationNumber(county_code, day, seq, hall_code))


def _day(digits: str) -> date | None:
    """The date written as 8 digits YYYYMMDD with a year from 1000 on, or None."""
    try:
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None
    return day if day.year >= 1000 else None


def parse_application_number(text: str) -> ApplicationNumber:
    """Read an application number as typed: spaces, lower-case x, missing or other dashes (— _) are fine.

    The check character is verified before the date, hall and sequence, so a typing slip in the
    date is reported as what it most likely is (a slip) rather than as a strange date.
    """
    value = fold_separators(require(text, label="办件编号", field=_FIELD)).upper()
    match = _CURRENT.fullmatch(value) or _LEGACY.fullmatch(value)
    if match is None:
        raise InvalidInput(_MALFORMED, code="app_no_malformed", field=_FIELD)
    groups = match.groups()
    county, day_digits, seq_digits, check = groups[0], groups[1], groups[-2], groups[-1]
    hall = groups[2] if len(groups) == 5 else None
    if mod11_2_check_char("".join(groups[:-1])) != check:
        raise InvalidInput(_CHECK_MISMATCH, code="app_no_check", field=_FIELD)
    day = _day(day_digits)
    if day is None:
        raise InvalidInput(f"办件编号中的日期“{day_digits}”不是有效日期。", code="app_no_malformed", field=_FIELD)
    if hall is not None and (problem := hall_code_problem(hall)):
        raise InvalidInput(f"办件编号中的{problem}", code="app_no_malformed", field=_FIELD)
    if int(seq_digits) == 0:
        raise InvalidInput("办件编号中的序号不能为00000。", code="app_no_malformed", field=_FIELD)
    return ApplicationNumber(county, day, int(seq_digits), hall)
