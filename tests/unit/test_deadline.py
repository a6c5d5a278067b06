"""The legal clock counts working days from 受理, pauses during 补正 and 特别程序, and grows by 延期."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from counterdesk.catalog import load_catalog
from counterdesk.domain.deadline import ClockMark, ClockState, deadline, working_days_between
from counterdesk.domain.workflow import ClockEffect

CALENDAR = load_catalog().calendar
E = ClockEffect


def clock(marks, limit=15, today=date(2026, 12, 1)):
    return deadline([ClockMark(day, effect) if isinstance(effect, ClockEffect) else ClockMark(day, extend_days=effect)
                     for day, effect in marks], limit_days=limit, today=today, calendar=CALENDAR)


def test_before_acceptance_there_is_no_due_date():
    received = clock([(date(2026, 11, 24), E.NONE)])
    assert (received.state, received.due_date, received.remaining) == (ClockState.NOT_STARTED, None, None)


def test_accepted_on_a_tuesday_falls_due_fifteen_working_days_later():
    running = clock([(date(2026, 11, 24), E.START)], today=date(2026, 11, 24))
    assert running.due_date == date(2026, 12, 15)
    assert running.remaining == 15 and running.state == ClockState.RUNNING


def test_the_national_day_holidays_do_not_count():
    running = clock([(date(2026, 9, 30), E.START)], limit=1, today=date(2026, 9, 30))
    assert running.due_date == date(2026, 10, 8)


def test_a_supplement_request_stops_the_count_until_the_papers_come_back():
    marks = [(date(2026, 11, 24), E.START), (date(2026, 11, 26), E.PAUSE), (date(2026, 12, 3), E.RESUME)]
    paused = clock(marks[:2], today=date(2026, 12, 1))
    assert paused.state == ClockState.PAUSED and paused.due_date is None
    assert paused.remaining == 14  # only Wednesday the 25th ran
    resumed = clock(marks, today=date(2026, 12, 3))
    assert resumed.due_date == date(2026, 12, 23)


def test_an_extension_adds_working_days_to_the_promise():
    extended = clock([(date(2026, 11, 24), E.START), (date(2026, 12, 1), 5)], today=date(2026, 12, 1))
    assert extended.due_date == date(2026, 12, 22) and extended.extended_days == 5


def test_a_matter_settled_on_the_spot_falls_due_the_day_it_is_accepted():
    same_day = clock([(date(2026, 11, 24), E.START)], limit=0, today=date(2026, 11, 24))
    assert same_day.due_date == date(2026, 11, 24) and same_day.remaining == 0 and not same_day.overdue


def test_past_the_due_date_the_application_is_overdue_and_the_days_go_negative():
    late = clock([(date(2026, 11, 2), E.START)], limit=3, today=date(2026, 11, 10))
    assert late.due_date == date(2026, 11, 5) and late.overdue and late.remaining == -3


def test_two_working_days_left_is_a_warning():
    near = clock([(date(2026, 11, 2), E.START)], limit=5, today=date(2026, 11, 5))
    assert near.remaining == 2 and near.warning and not near.overdue


def test_completed_on_the_due_day_is_on_time_and_a_day_later_is_not():
    accepted = (date(2026, 11, 2), E.START)
    assert clock([accepted, (date(2026, 11, 5), E.STOP)], limit=3).on_time is True
    late = clock([accepted, (date(2026, 11, 6), E.STOP)], limit=3)
    assert late.on_time is False and late.state == ClockState.STOPPED


def test_a_second_acceptance_after_a_supplement_keeps_the_first_promise():
    marks = [(date(2026, 11, 2), E.START), (date(2026, 11, 4), E.PAUSE), (date(2026, 11, 9), E.START)]
    assert clock(marks, limit=3, today=date(2026, 11, 9)).due_date == date(2026, 11, 11)


def test_refused_before_acceptance_the_clock_never_ran():
    refused = clock([(date(2026, 11, 2), E.STOP)])
    assert refused.state == ClockState.STOPPED and refused.due_date is None and refused.on_time is None


# -- against a plain day-by-day count over the 2026 calendar ----------------------------------

def day_by_day(marks, limit, today):
    """The reference: walk every day; a working day counts when the clock ran from morning to night.

    The due date is the first day the count reaches the limit, looking past today while the clock
    runs (or, for one stopped while running, as if it had run on).
    """
    total = limit + sum(what for _, what in marks if not isinstance(what, ClockEffect))
    by_day: dict[date, list] = {}
    for day, what in marks:
        by_day.setdefault(day, []).append(what)
    last = max(max(by_day), today)
    state, ever_started, stop_day = "not_started", False, None
    count, real, due, remaining = 0, 0, None, None
    day = min(by_day)
    while True:
        morning, interrupted = state, False
        for what in by_day.get(day, []):
            if (what == E.START and state == "not_started") or (what in (E.START, E.RESUME) and state == "paused"):
                state, ever_started = "running", True
            elif what == E.PAUSE and state == "running":
                state, interrupted = "paused", True
            elif what == E.STOP and state != "stopped":
                stop_day = day if state == "running" else None
                state = "stopped"
        projected = stop_day is not None and day > stop_day
        if (morning == "running" or projected) and not interrupted and CALENDAR.is_working_day(day):
            count += 1
            real += not projected
        if ever_started and due is None and count >= total:
            due = day
        if day == today:
            remaining = total - real if ever_started else None
        projecting = state == "running" or stop_day is not None
        if day >= last and (due is not None or not projecting):
            return due, remaining
        day += timedelta(days=1)


days_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))
effects = st.sampled_from([E.START, E.PAUSE, E.RESUME, E.PAUSE, E.RESUME, E.NONE])


@st.composite
def histories(draw):
    start = draw(days_2026)
    gaps = draw(st.lists(st.integers(min_value=0, max_value=12), min_size=0, max_size=8))
    marks, day = [(start, E.START)], start
    for gap in gaps:
        day += timedelta(days=gap)
        marks.append((day, draw(st.one_of(effects, st.integers(min_value=1, max_value=10)))))
    if draw(st.booleans()):
        day += timedelta(days=draw(st.integers(min_value=0, max_value=20)))
        marks.append((day, E.STOP))
    today = day + timedelta(days=draw(st.integers(min_value=0, max_value=30)))
    return marks, draw(st.integers(min_value=0, max_value=30)), today


@settings(max_examples=400, deadline=None)
@given(histories())
def test_due_date_and_remaining_days_agree_with_a_day_by_day_count(history):
    marks, limit, today = history
    result = clock(marks, limit=limit, today=today)
    assert (result.due_date, result.remaining) == day_by_day(marks, limit, today)


@given(days_2026, days_2026)
def test_working_days_between_counts_each_day_once(first, second):
    after, through = min(first, second), max(first, second)
    plain = sum(CALENDAR.is_working_day(after + timedelta(days=n)) for n in range(1, (through - after).days + 1))
    assert working_days_between(after, through, CALENDAR) == plain
    assert working_days_between(through, after, CALENDAR) == 0


def test_a_line_of_prose_says_working_days_where_a_column_would_say_days():
    from counterdesk.domain.deadline import Deadline

    running = Deadline(ClockState.RUNNING, date(2026, 12, 23), 15, 15, as_of=date(2026, 12, 2))
    assert (running.remaining_label, running.remaining_sentence) == ("15 天", "剩余 15 个工作日")
    paused = Deadline(ClockState.PAUSED, None, 4, 15)
    assert paused.remaining_sentence == "计时暂停，余 4 个工作日"
    late = Deadline(ClockState.RUNNING, date(2026, 11, 30), -2, 15, as_of=date(2026, 12, 2))
    assert late.remaining_sentence == "已逾期"
    assert Deadline(ClockState.NOT_STARTED, None, None, 15).remaining_sentence == "受理后开始计时"
    assert Deadline(ClockState.STOPPED, date(2026, 12, 23), 3, 15).remaining_sentence == "已停止计时"
