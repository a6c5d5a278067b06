"""The promised completion date counts working days only."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from counterdesk.domain.workdays import add_working_days, is_working_day


def test_fifteen_working_days_from_a_tuesday_span_three_weekends():
    assert add_working_days(date(2026, 11, 24), 15) == date(2026, 12, 15)


def test_a_matter_settled_on_the_spot_is_promised_the_same_day():
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)


def test_one_working_day_after_friday_is_monday():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)), st.integers(min_value=1, max_value=60))
def test_the_promised_day_is_a_working_day_with_exactly_that_many_working_days_before_it(start, days):
    promised = add_working_days(start, days)
    assert is_working_day(promised)
    between = [start + timedelta(days=i) for i in range(1, (promised - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == days


# -- the State Council's holidays (data/holidays.toml) ------------------------------------------

import pytest  # noqa: E402

from counterdesk.catalog import load_catalog  # noqa: E402

CALENDAR = load_catalog().calendar


@pytest.mark.parametrize(("start", "days", "promised"), [
    (date(2026, 9, 30), 1, date(2026, 10, 8)),    # 国庆 1–7 Oct
    (date(2026, 10, 9), 1, date(2026, 10, 10)),   # Saturday 10 Oct is worked (调休上班)
    (date(2026, 2, 13), 1, date(2026, 2, 14)),    # so is Saturday 14 Feb, before 春节
    (date(2026, 2, 14), 1, date(2026, 2, 24)),    # 春节 15–23 Feb
    (date(2026, 4, 30), 3, date(2026, 5, 8)),     # 劳动节 1–5 May
    (date(2026, 12, 31), 1, date(2027, 1, 1)),    # 2027 is not in the table yet: weekends only
])
def test_promised_dates_skip_public_holidays_and_count_make_up_working_days(start, days, promised):
    assert add_working_days(start, days, CALENDAR) == promised


def test_the_calendar_says_whether_it_knows_every_year_a_promise_runs_through():
    assert CALENDAR.knows(date(2026, 11, 25), date(2026, 12, 23))
    assert not CALENDAR.knows(date(2026, 12, 20), date(2027, 1, 20))


@given(st.dates(min_value=date(2025, 12, 1), max_value=date(2027, 1, 31)), st.integers(min_value=1, max_value=60))
def test_with_holidays_the_promised_day_still_has_exactly_that_many_working_days_before_it(start, days):
    promised = add_working_days(start, days, CALENDAR)
    assert CALENDAR.is_working_day(promised)
    between = [start + timedelta(days=i) for i in range(1, (promised - start).days + 1)]
    assert sum(CALENDAR.is_working_day(d) for d in between) == days


@given(start=st.dates(date(2026, 1, 1), date(2026, 12, 31)), days=st.integers(0, 30))
def test_working_days_before_undoes_adding_them_from_a_working_day(start, days):
    from counterdesk.domain.workdays import working_days_before

    if not is_working_day(start):
        return
    assert working_days_before(add_working_days(start, days), days) == start
