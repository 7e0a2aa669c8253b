"""warning_horizon: the latest deadline with at most a threshold of working time left, exact on the real calendar.

Checked against working_time_between (what clock_state reads) over a grid of deadlines after moments around
weekends, 调休 Saturdays, National Day, the Spring Festival, an administrator's extra holiday and the end of the last
configured year (2027 is not configured here).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from workcalendar.choices import ClockState
from workcalendar.clocks import clock_state, warning_horizon, warning_threshold
from workcalendar.services import CalendarNotConfigured, WorkingCalendar, do_set_calendar_day

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

MOMENTS = [
    "2026-09-30 16:17",  # the last working day before National Day (10-01…10-07)
    "2026-09-30 18:00",  # after closing
    "2026-10-01 10:00",  # inside the holiday
    "2026-10-09 16:40",  # Friday before the 调休 Saturday 10-10
    "2026-10-10 12:30",  # the 调休 Saturday, at lunch
    "2026-02-13 15:10",  # Friday before the Spring Festival (02-14 is a 调休 Saturday, then 02-15…02-23)
    "2026-11-27 16:00",  # Friday before a Monday the administrator closed (below)
    "2026-11-28 09:00",  # Saturday
    "2026-12-31 15:30",  # the last configured day: 2027 is not
]


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def calendar(admin_user):
    do_set_calendar_day(dt.date(2026, 11, 30), False, name="临时停办", reason="系统迁移", acting_user=admin_user)
    return WorkingCalendar()


def working_time_or_none(calendar, start, end):
    try:
        return calendar.working_time_between(start, end)
    except CalendarNotConfigured:
        return None


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("minutes", [30, 120, 420])
def test_the_horizon_parts_deadlines_within_the_threshold_from_the_others(calendar, moment, minutes):
    now = T(moment)
    threshold = dt.timedelta(minutes=minutes)
    horizon = warning_horizon(now, threshold, calendar)
    assert horizon >= now
    probes = [now + dt.timedelta(minutes=20 * k) for k in range(11 * 24 * 3)]  # 20-minute steps, 11 days
    probes += [horizon + dt.timedelta(microseconds=d) for d in (-1, 0, 1)]
    within = beyond = 0
    for due in probes:
        left = working_time_or_none(calendar, now, due)
        if due <= horizon:
            assert left is not None and left <= threshold, (due, left)
            within += 1
        else:
            assert left is None or left > threshold, (due, left)  # more time left, or a year nobody configured
            beyond += 1
    assert within and beyond


def test_used_up_at_a_closing_time_the_horizon_is_the_next_opening(calendar):
    # 15:00 + 2 working hours is 17:00; the deadline stays at 2 hours left until Monday 09:00 (the weekend passes)
    horizon = warning_horizon(T("2026-11-20 15:00"), dt.timedelta(hours=2), calendar)
    assert horizon == T("2026-11-23 09:00")
    reading = clock_state(horizon, now=T("2026-11-20 15:00"), warn_before=dt.timedelta(hours=2), calendar=calendar)
    assert reading.state == ClockState.WARNING
    assert calendar.working_time_between(T("2026-11-20 15:00"), horizon) == dt.timedelta(hours=2)


def test_at_an_unconfigured_year_the_horizon_stops_at_its_first_office_moment(calendar):
    assert warning_horizon(T("2026-12-31 16:00"), dt.timedelta(hours=2), calendar) == T("2027-01-01 09:00")


def test_the_threshold_is_the_one_clock_state_uses(calendar, settings):
    settings.CLOCK_WARNING_WORKING_DAYS = 2
    settings.CLOCK_WARNING_WORKING_MINUTES = 45
    assert warning_threshold(None, by_day=True, calendar=calendar) == dt.timedelta(hours=14)
    assert warning_threshold(None, by_day=False, calendar=calendar) == dt.timedelta(minutes=45)
    assert warning_threshold(3, by_day=False, calendar=calendar) == dt.timedelta(hours=21)
    assert warning_threshold(dt.timedelta(minutes=5), by_day=True, calendar=calendar) == dt.timedelta(minutes=5)
