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
