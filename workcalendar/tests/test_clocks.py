"""Deadline clocks at chosen moments, on the real 2026 calendar, and the badge that shows them."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from workcalendar import services
from workcalendar.choices import ClockState
from workcalendar.clocks import clock_state

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def T(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def calendar():
    return services.WorkingCalendar()


# A decision promised in 5 working days, counted from the day after Wednesday 30 September 2026:
# Oct 8, 9, 10 (调休 Saturday), 12, 13 — due when the office closes on Tuesday 13 October.
DECISION_DUE = D(2026, 10, 13)


@pytest.mark.parametrize(
    ("now", "state", "text"),
    [
        (T(2026, 10, 3, 10), ClockState.NORMAL, "剩余5个工作日"),  # the holiday: all five days are ahead
        (T(2026, 10, 8, 9), ClockState.NORMAL, "剩余4个工作日"),  # the working days after today
        (T(2026, 10, 12, 10), ClockState.NORMAL, "剩余1个工作日"),  # Tuesday (never 2: see the test below)
        (T(2026, 10, 12, 17), ClockState.WARNING, "剩余1个工作日"),  # from Monday's closing time
        (T(2026, 10, 13, 8), ClockState.WARNING, "剩余7工作小时"),  # the due day: the time left that day
        (T(2026, 10, 13, 14, 30), ClockState.WARNING, "剩余2.5工作小时"),
        (T(2026, 10, 13, 16, 40), ClockState.WARNING, "剩余20工作分钟"),
        (T(2026, 10, 13, 17), ClockState.WARNING, "即将到期"),
        (T(2026, 10, 13, 18), ClockState.OVERDUE, "已过时限"),  # after closing: late, by no working time yet
        (T(2026, 10, 14, 10), ClockState.OVERDUE, "已超期1工作小时"),
        (T(2026, 10, 15, 10), ClockState.OVERDUE, "已超期2个工作日"),
    ],
)
def test_a_day_based_deadline(calendar, now, state, text):
    assert calendar.add_workdays(D(2026, 9, 30), 5) == DECISION_DUE
    reading = clock_state(DECISION_DUE, now=now, calendar=calendar)
    assert (reading.state, reading.remaining) == (state, text)
    assert reading.due == T(2026, 10, 13, 17)
    assert reading.overdue is (state == ClockState.OVERDUE)


# An online application submitted at 16:30 on 30 September 2026: formal review within 2 working hours,
# half an hour that afternoon and 1.5 hours after the National Day holiday.
REVIEW_DUE = T(2026, 10, 8, 10, 30)


@pytest.mark.parametrize(
    ("now", "state", "text"),
    [
        (T(2026, 9, 30, 16, 30), ClockState.NORMAL, "剩余2工作小时"),
        (T(2026, 10, 3, 10), ClockState.NORMAL, "剩余1.5工作小时"),  # the holiday does not count
        (T(2026, 10, 8, 9, 59), ClockState.NORMAL, "剩余31工作分钟"),
        (T(2026, 10, 8, 10), ClockState.WARNING, "剩余30工作分钟"),
        (T(2026, 10, 8, 10, 31), ClockState.OVERDUE, "已超期1工作分钟"),
        (T(2026, 10, 8, 14), ClockState.OVERDUE, "已超期2.5工作小时"),
    ],
)
def test_an_hour_based_deadline(calendar, now, state, text):
    assert calendar.add_working_hours(T(2026, 9, 30, 16, 30), 2) == REVIEW_DUE
    reading = clock_state(REVIEW_DUE, now=now, calendar=calendar)
    assert (reading.state, reading.remaining) == (state, text)


def test_paused_stands_still_whatever_the_time(calendar):
    reading = clock_state(DECISION_DUE, now=T(2026, 10, 9, 10), paused=True, calendar=calendar)
    assert (reading.state, reading.remaining, reading.overdue) == (ClockState.PAUSED, "剩余3个工作日", False)
    late = clock_state(DECISION_DUE, now=T(2026, 10, 15, 10), paused=True, calendar=calendar)
    assert (late.state, late.overdue) == (ClockState.PAUSED, True)


def test_done_on_time_and_done_late(calendar):
    on_time = clock_state(DECISION_DUE, now=T(2026, 10, 20, 9), done_at=T(2026, 10, 13, 11), calendar=calendar)
    assert (on_time.state, on_time.remaining, on_time.overdue) == (ClockState.DONE, "按时完成", False)
    assert on_time.working_time_left == dt.timedelta(hours=5)
    late = clock_state(DECISION_DUE, now=T(2026, 10, 20, 9), done_at=T(2026, 10, 14, 11), calendar=calendar)
    assert (late.state, late.remaining, late.overdue) == (ClockState.DONE, "超期2工作小时完成", True)
    assert late.working_time_left == -dt.timedelta(hours=2)
    # done wins over paused
    assert clock_state(DECISION_DUE, now=T(2026, 10, 8, 9), paused=True, done_at=T(2026, 10, 8, 9)).state == "done"


def test_no_deadline():
    reading = clock_state(None, now=T(2026, 10, 8, 9))
    assert (reading.state, reading.remaining, reading.due, reading.overdue) == (
        ClockState.NORMAL,
        "无时限",
        None,
        False,
    )
    assert clock_state(None, now=T(2026, 10, 8, 9), paused=True).state == ClockState.PAUSED
    assert clock_state(None, now=T(2026, 10, 8, 9), done_at=T(2026, 10, 8, 9)).state == ClockState.DONE


def test_warn_before_in_working_days_or_working_time(calendar, settings):
    now = T(2026, 10, 9, 10)  # Friday: the rest of Friday, Saturday (调休), Monday, Tuesday
    assert clock_state(DECISION_DUE, now=now, calendar=calendar).state == ClockState.NORMAL
    assert clock_state(DECISION_DUE, now=now, warn_before=4, calendar=calendar).state == ClockState.WARNING
    assert clock_state(DECISION_DUE, now=now, warn_before=dt.timedelta(hours=20), calendar=calendar).state == (
        ClockState.NORMAL
    )
    settings.CLOCK_WARNING_WORKING_DAYS = 4
    assert clock_state(DECISION_DUE, now=now, calendar=calendar).state == ClockState.WARNING
    settings.CLOCK_WARNING_WORKING_MINUTES = 120
    assert clock_state(REVIEW_DUE, now=T(2026, 10, 3, 10), calendar=calendar).state == ClockState.WARNING


def test_reading_a_clock_on_a_given_calendar_costs_no_query(calendar, django_assert_num_queries):
    with django_assert_num_queries(0):
        for day in range(1, 16):
            clock_state(DECISION_DUE, now=T(2026, 10, day, 10), calendar=calendar)


def test_a_deadline_in_an_unconfigured_year_is_refused():
    with pytest.raises(services.CalendarNotConfigured):
        clock_state(D(2027, 1, 8), now=T(2026, 12, 30, 10))


def test_states_have_labels_and_colours():
    assert {state: (str(state.label), ClockState.colour(state)) for state in ClockState} == {
        "normal": ("正常", "green"),
        "warning": ("预警", "amber"),
        "overdue": ("超期", "red"),
        "paused": ("暂停", "grey"),
        "done": ("已完成", "blue"),
    }


def render(text: str, **context) -> str:
    return Template("{% load clocks %}" + text).render(Context(context))


def test_the_badge_shows_the_state_in_chinese():
    html = render("{% clock_badge due now %}", due=DECISION_DUE, now=T(2026, 10, 12, 17))
    assert 'class="clock clock-warning badge badge-amber"' in html
    assert "预警" in html and "剩余1个工作日" in html and "2026-10-13 17:00" in html
    html = render("{% clock_badge due now done_at=done %}", due=REVIEW_DUE, now=T(2026, 10, 9, 9), done=REVIEW_DUE)
    assert 'class="clock clock-done badge badge-blue"' in html and "已完成" in html and "按时完成" in html
    html = render("{% clock_badge due now paused=True %}", due=REVIEW_DUE, now=T(2026, 10, 9, 9))
    assert "clock-paused" in html and "暂停" in html


def test_the_badge_says_when_the_calendar_is_missing_instead_of_failing():
    html = render("{% clock_badge due now %}", due=D(2027, 1, 8), now=T(2026, 12, 30, 10))
    assert "clock-unknown" in html and "时限无法计算" in html and "2027 年的工作日历尚未配置" in html


def test_a_list_of_badges_loads_the_calendar_once(django_assert_num_queries):
    dues = [DECISION_DUE, REVIEW_DUE, None, D(2026, 10, 9)] * 5
    with django_assert_num_queries(2):
        html = render("{% for due in dues %}{% clock_badge due now %}{% endfor %}", dues=dues, now=T(2026, 10, 9, 9))
    assert html.count('class="clock ') == 20


@pytest.mark.parametrize("limit", [1, 2, 5])
@pytest.mark.parametrize("received_at", [(8, 0), (9, 0), (10, 0), (16, 59), (17, 30)])
def test_a_limit_of_n_working_days_never_shows_more_than_n_days_left(calendar, limit, received_at):
    """The 受理 limit is 1 working day (add_workdays(received_on, 1)): received on Monday at 10:00 it is due on
    Tuesday at closing, and Monday must not read “剩余2个工作日”. Whole days shown are the working days after today."""
    received = T(2026, 10, 12, *received_at)  # Monday
    due = calendar.add_workdays(received.date(), limit)
    now = received
    while now <= calendar.closing_time(due):
        reading = clock_state(due, now=now, calendar=calendar)
        shown = re.fullmatch(r"剩余(\d+)个工作日", reading.remaining)
        if shown:
            assert int(shown.group(1)) <= limit, (now, reading.remaining)
            assert int(shown.group(1)) == calendar.workdays_between(now.date(), due), (now, reading.remaining)
        else:
            assert now.date() == due or reading.remaining == "即将到期", (now, reading.remaining)
        now += dt.timedelta(minutes=30)
