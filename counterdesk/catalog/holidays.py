"""``holidays.toml``: each year's public holidays and make-up working days → a ``WorkCalendar``.

A year: ``year``, ``notice`` (the State Council notice it comes from), ``holidays`` (inclusive
``["YYYY-MM-DD", "YYYY-MM-DD"]`` ranges) and ``working_weekends`` (Saturdays or Sundays worked).
Every date must lie in its year; a make-up working day must be a weekend and not a holiday.
"""

from __future__ import annotations

from datetime import date, timedelta

from counterdesk.catalog.problems import Problem
from counterdesk.domain.workdays import WorkCalendar

_YEAR_KEYS = frozenset(("year", "notice", "holidays", "working_weekends"))


def parse_calendar(data: dict, file: str) -> tuple[WorkCalendar | None, list[Problem]]:
    """The calendar in a parsed ``holidays.toml``, or every mistake in it."""
    problems: list[Problem] = []
    holidays: set[date] = set()
    working: set[date] = set()
    years: set[int] = set()

    def day(value, where: str, year: int) -> date | None:
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            problems.append(Problem(file, where, f"{value!r} 不是 YYYY-MM-DD 格式的日期"))
        elif parsed.year != year:
            problems.append(Problem(file, where, f"{parsed} 不在 {year} 年"))
            parsed = None
        return parsed

    entries = data.get("years", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        return None, [Problem(file, "years", "应为 [[years]] 表的列表")]
    for number, entry in enumerate(entries, 1):
        where = f"years[#{number}]."
        for key in entry.keys() - _YEAR_KEYS:
            problems.append(Problem(file, f"{where}{key}", f"未知字段 {key}"))
        year = entry.get("year")
        if not isinstance(year, int) or isinstance(year, bool):
            problems.append(Problem(file, f"{where}year", "缺少年份（整数）"))
            continue
        if year in years:
            problems.append(Problem(file, f"{where}year", f"{year} 年重复"))
        years.add(year)
        for index, span in enumerate(entry.get("holidays", []), 1):
            at = f"{where}holidays[#{index}]"
            if not (isinstance(span, list) and len(span) == 2):
                problems.append(Problem(file, at, "应为 [开始日期, 结束日期]"))
                continue
            first, last = day(span[0], at, year), day(span[1], at, year)
            if first and last and first > last:
                problems.append(Problem(file, at, f"开始日期 {first} 晚于结束日期 {last}"))
            elif first and last:
                holidays.update(first + timedelta(days=n) for n in range((last - first).days + 1))
        for index, value in enumerate(entry.get("working_weekends", []), 1):
            at = f"{where}working_weekends[#{index}]"
            worked = day(value, at, year)
            if worked and worked.weekday() < 5:
                problems.append(Problem(file, at, f"{worked} 不是周末，无需列为调休上班日"))
            elif worked:
                working.add(worked)
    for clash in sorted(holidays & working):
        problems.append(Problem(file, "working_weekends", f"{clash} 既是假日又是调休上班日"))
    if problems:
        return None, problems
    return WorkCalendar(frozenset(holidays), frozenset(working), frozenset(years)), []
