"""Working-hour arithmetic on the real 2026 calendar: office hours, lunch, weekends, holidays and 调休 days.

2026 as chinese-calendar (and the State Council's notice) has it around the autumn holidays: Sunday 20 September is
a working day (国庆节调休), Friday 25 September is 中秋节 (off with the weekend after it), 1–7 October is 国庆节,
Saturday 10 October is a working day (国庆节调休).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from core.errors import UserFacingError
from workcalendar import services

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = dt.date


def T(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def calendar():
    return services.WorkingCalendar()


def test_the_autumn_2026_calendar_this_file_relies_on(calendar):
    assert calendar.is_workday(D(2026, 9, 20))  # Sunday, 国庆节调休
    assert not calendar.is_workday(D(2026, 9, 25))  # Friday, 中秋节
    assert not any(calendar.is_workday(D(2026, 10, day)) for day in range(1, 8))  # 国庆节
    assert calendar.is_workday(D(2026, 10, 10))  # Saturday, 国庆节调休


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        pytest.param(T(2026, 9, 21, 9), 2, T(2026, 9, 21, 11), id="within-the-morning"),
        pytest.param(T(2026, 9, 21, 11, 30), 1, T(2026, 9, 21, 13, 30), id="across-lunch"),
        pytest.param(T(2026, 9, 21, 15), 2, T(2026, 9, 21, 17), id="ends-exactly-at-closing-the-same-day"),
        pytest.param(T(2026, 9, 21, 16), 2, T(2026, 9, 22, 10), id="into-the-next-morning"),
        pytest.param(T(2026, 9, 11, 16), 2, T(2026, 9, 14, 10), id="across-a-weekend"),
        pytest.param(T(2026, 9, 24, 16), 2, T(2026, 9, 28, 10), id="across-mid-autumn-and-the-weekend"),
        pytest.param(T(2026, 9, 25, 16), 2, T(2026, 9, 28, 11), id="submitted-on-mid-autumn-day-itself"),
        pytest.param(T(2026, 9, 19, 10), 1, T(2026, 9, 20, 10), id="a-tiaoxiu-sunday-counts"),
        pytest.param(T(2026, 9, 30, 16, 30), 2, T(2026, 10, 8, 10, 30), id="across-national-day"),
        pytest.param(T(2026, 10, 3, 10), 2, T(2026, 10, 8, 11), id="submitted-during-national-day"),
        pytest.param(T(2026, 10, 9, 16), 2, T(2026, 10, 10, 10), id="a-tiaoxiu-saturday-counts"),
        pytest.param(T(2026, 10, 10, 16, 30), 1, T(2026, 10, 12, 9, 30), id="from-the-tiaoxiu-saturday-to-monday"),
    ],
)
def test_add_working_hours(calendar, start, hours, due):
    assert calendar.add_working_hours(start, hours) == due
    assert calendar.working_time_between(start, due) == dt.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        pytest.param(T(2026, 9, 21, 7), T(2026, 9, 21, 11), id="before-opening"),
        pytest.param(T(2026, 9, 21, 12, 30), T(2026, 9, 21, 15), id="at-lunch"),
        pytest.param(T(2026, 9, 21, 17), T(2026, 9, 22, 11), id="at-closing"),
        pytest.param(T(2026, 9, 21, 22), T(2026, 9, 22, 11), id="at-night"),
        pytest.param(T(2026, 9, 26, 10), T(2026, 9, 28, 11), id="on-a-weekend-after-a-holiday"),
    ],
)
def test_a_start_outside_office_hours_begins_at_the_next_opening(calendar, start, due):
    assert calendar.add_working_hours(start, 2) == due


@pytest.mark.parametrize(
    "hours",
    [1.25, Decimal("1.25"), dt.timedelta(hours=1, minutes=15)],
    ids=["float", "decimal", "timedelta"],
)
def test_fractional_hours(calendar, hours):
    assert calendar.add_working_hours(T(2026, 9, 21, 11, 30), hours) == T(2026, 9, 21, 13, 45)


def test_half_an_hour_before_closing_plus_half_an_hour(calendar):
    assert calendar.add_working_hours(T(2026, 9, 21, 16, 30), Decimal("0.5")) == T(2026, 9, 21, 17)
    assert calendar.add_working_hours(T(2026, 9, 21, 16, 30), 0.75) == T(2026, 9, 22, 9, 15)


def test_aware_in_aware_out_in_the_current_time_zone(calendar):
    utc_start = dt.datetime(2026, 9, 21, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    due = calendar.add_working_hours(utc_start, 1)
    assert due == T(2026, 9, 21, 10)
    assert due.utcoffset() == dt.timedelta(hours=8) and str(due.tzinfo) == "Asia/Shanghai"
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(dt.datetime(2026, 9, 21, 9), 1)  # noqa: DTZ001  (naive on purpose: refused)
    with pytest.raises(ValueError, match="aware"):
        calendar.working_time_between(dt.datetime(2026, 9, 21, 9), T(2026, 9, 21, 10))  # noqa: DTZ001


def test_zero_and_negative_hours(calendar):
    assert calendar.add_working_hours(T(2026, 9, 21, 20), 0) == T(2026, 9, 21, 20)
    with pytest.raises(UserFacingError, match="不能为负数"):
        calendar.add_working_hours(T(2026, 9, 21, 9), -1)
    with pytest.raises(TypeError):
        calendar.add_working_hours(T(2026, 9, 21, 9), "2")


def test_working_time_between(calendar):
    assert calendar.working_time_between(T(2026, 9, 21, 11), T(2026, 9, 21, 14)) == dt.timedelta(hours=2)
    assert calendar.working_time_between(T(2026, 9, 21, 12, 10), T(2026, 9, 21, 12, 50)) == dt.timedelta(0)
    assert calendar.working_time_between(T(2026, 9, 24, 9), T(2026, 9, 28, 17)) == dt.timedelta(hours=14)
    assert calendar.working_time_between(T(2026, 9, 30, 0), T(2026, 10, 11, 0)) == dt.timedelta(hours=7 * 4)
    assert calendar.working_time_between(T(2026, 9, 22, 10), T(2026, 9, 21, 10)) == dt.timedelta(0)  # reversed


def test_working_days_between_is_the_existing_workdays_between(calendar):
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 12)) == 4  # Oct 8, 9, 10 (调休), 12


def test_an_unconfigured_year_is_refused_not_guessed(calendar):
    with pytest.raises(services.CalendarNotConfigured) as exc:
        calendar.add_working_hours(T(2026, 12, 31, 16, 30), 2)
    assert exc.value.year == 2027
    with pytest.raises(services.CalendarNotConfigured):
        calendar.working_time_between(T(2026, 12, 31, 9), T(2027, 1, 4, 10))
    # a limit that ends inside 2026, or a span that only touches 2027 at night, needs no 2027 calendar
    assert calendar.add_working_hours(T(2026, 12, 31, 15), 2) == T(2026, 12, 31, 17)
    assert calendar.working_time_between(T(2026, 12, 31, 16), T(2027, 1, 1, 8)) == dt.timedelta(hours=1)


def test_an_administrators_override_moves_the_hour_limit(user_named):
    services.do_set_calendar_day(
        D(2026, 9, 28), False, name="临时停办", reason="系统迁移", acting_user=user_named("admin")
    )
    assert services.add_working_hours(T(2026, 9, 24, 16), 2) == T(2026, 9, 29, 10)


def test_other_office_hours(settings):
    settings.OFFICE_HOURS = (("08:30", "12:00"), ("14:30", "17:30"))  # e.g. summer hours
    calendar = services.WorkingCalendar()
    assert calendar.working_day_length == dt.timedelta(hours=6, minutes=30)
    assert calendar.add_working_hours(T(2026, 9, 21, 11, 30), 1) == T(2026, 9, 21, 15)
    assert calendar.closing_time(D(2026, 9, 21)) == T(2026, 9, 21, 17, 30)


@pytest.mark.parametrize(
    "office_hours",
    [(), (("9", "12"),), (("12:00", "09:00"),), (("09:00", "12:00"), ("11:00", "17:00")), ("09:00-17:00",)],
    ids=["empty", "not-a-time", "closes-before-opening", "overlapping", "not-a-pair"],
)
def test_bad_office_hours_are_reported_by_manage_py_check(settings, office_hours):
    settings.OFFICE_HOURS = office_hours
    with pytest.raises(ImproperlyConfigured, match="OFFICE_HOURS"):
        services.parse_office_hours(office_hours)
    assert [error.id for error in run_checks() if error.id.startswith("workcalendar")] == ["workcalendar.E001"]
    assert services.WorkingCalendar().add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)  # days still work


def test_the_default_office_hours_pass_the_check():
    assert [error.id for error in run_checks() if error.id.startswith("workcalendar")] == []
    assert services.WorkingCalendar().working_day_length == dt.timedelta(hours=7)
