"""Deadline clocks (办理时限): where a time limit stands at a given moment, with a short Chinese text for it.

The time limits of the common process (通用流程, seeds 003 and 004):

| step | limit | computed with |
|---|---|---|
| 收件, online application: formal review (形式审查), 一次告知 or 电子收件回执 | 2 hours | add_working_hours(submitted_at, 2) |
| 收件, at the window: paper materials turned into electronic ones and pushed | 2 hours after intake | add_working_hours(received_at, 2) |
| 受理 by each co-handling department | 1 working day | add_workdays(received_on, 1) |
| 审批 (decision) | the promised working days | add_workdays(accepted_on, days) |

The seeds say “2 小时”; we count it in working time, as every other limit of the process is.

Rules of `clock_state`:

- Time is working time: office hours (settings.OFFICE_HOURS, 09:00–12:00 and 13:00–17:00 by default) on working
  days (WorkingCalendar: chinese-calendar, administrator overrides, 调休 days). A year nobody configured raises
  CalendarNotConfigured: a clock is never computed on a guessed calendar.
- A deadline given as a date (受理, 审批: day-based) falls due when the office closes that day. A deadline given as an
  aware datetime (the 2-hour limits: hour-based) falls due at that moment.
- The state is the first that applies:
  1. DONE (已完成) when `done_at` is given; `overdue` says whether it was done after the deadline.
  2. PAUSED (暂停) when `paused` (补正, 特别程序: the clock stands still). The text is still the time left at `now`,
     so pass the moment the clock stopped as `now` to show the frozen value.
  3. NORMAL (正常) without a deadline (text 无时限).
  4. OVERDUE (超期) once `now` is past the deadline, even by no working time at all (due at 17:00, seen at 18:00).
  5. WARNING (预警) when the working time left is at most `warn_before`: an int counts working days (one working day
     is the office time of one day, 7 hours by default), a timedelta is working time. Default: for a day-based
     deadline settings.CLOCK_WARNING_WORKING_DAYS (1) working days, so a decision due on Friday is in warning
     from Thursday's closing time; for an hour-based deadline settings.CLOCK_WARNING_WORKING_MINUTES (30)
     working minutes.
  6. NORMAL (正常) otherwise.
- Time left before a day-based deadline reads in whole working days: the working days after today up to the due
  day, as the limit was counted (add_workdays counts from the day after the start), so a limit of N working days
  never reads more than N (a 受理 limit of 1 working day received on Monday reads 剩余1个工作日 all Monday, not
  剩余2个工作日); on the due day itself, the working time left that day (剩余2.5工作小时). With the default warning
  this means: 剩余1个工作日 on the day before the due day (预警 from its closing time), hours or minutes on the due
  day (预警). Other texts round up: the time left before an hour-based deadline, and the time late, in whole working
  days while at least one full working day (已超期2个工作日), working hours to one decimal below that
  (剩余1.5工作小时), working minutes below an hour (剩余25工作分钟); done: 按时完成 or 超期3工作小时完成.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext

from .choices import ClockState
from .services import CalendarNotConfigured, WorkingCalendar, local


@dataclass(frozen=True)
class ClockReading:
    state: ClockState
    due: dt.datetime | None  # the moment the limit falls due, aware, current time zone
    remaining: str  # e.g. 剩余1个工作日, 剩余1.5工作小时, 已超期2个工作日
    overdue: bool
    working_time_left: dt.timedelta | None = None  # negative: late by; at done_at once done; None without deadline

    @property
    def label(self) -> str:
        return ClockState(self.state).label

    @property
    def colour(self) -> str:
        return ClockState.colour(self.state)


def clock_state(
    due: dt.datetime | dt.date | None,
    *,
    now: dt.datetime,
    warn_before: dt.timedelta | int | None = None,
    paused: bool = False,
    done_at: dt.datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> ClockReading:
    """Read the clock of a limit at `now`; pass one `calendar` when reading many (it loads the overrides once)."""
    now = local(now)
    if due is None:
        if done_at is not None:
            return ClockReading(ClockState.DONE, None, "", overdue=False)
        if paused:
            return ClockReading(ClockState.PAUSED, None, "", overdue=False)
        return ClockReading(ClockState.NORMAL, None, gettext("No time limit"), overdue=False)

    calendar = calendar or WorkingCalendar()
    by_day = not isinstance(due, dt.datetime)
    due_at = calendar.closing_time(due) if by_day else local(due)
    day = calendar.working_day_length

    if done_at is not None:
        done_at = local(done_at)
        if done_at <= due_at:
            left = calendar.working_time_between(done_at, due_at)
            return ClockReading(ClockState.DONE, due_at, gettext("Done on time"), overdue=False, working_time_left=left)
        late = calendar.working_time_between(due_at, done_at)
        text = gettext("Done %(amount)s late") % {"amount": _amount(late, day)} if late else gettext("Done late")
        return ClockReading(ClockState.DONE, due_at, text, overdue=True, working_time_left=-late)

    overdue = now > due_at
    if overdue:
        late = calendar.working_time_between(due_at, now)
        left = -late
        text = gettext("%(amount)s overdue") % {"amount": _amount(late, day)} if late else gettext("Past the deadline")
    else:
        left = calendar.working_time_between(now, due_at)
        text = (
            gettext("%(amount)s left") % {"amount": _left(left, day, calendar, now, due)}
            if left
            else gettext("Due now")
        )

    if paused:
        state = ClockState.PAUSED
    elif overdue:
        state = ClockState.OVERDUE
    elif left <= _threshold(warn_before, by_day=by_day, day=day):
        state = ClockState.WARNING
    else:
        state = ClockState.NORMAL
    return ClockReading(state, due_at, text, overdue=overdue, working_time_left=left)


def warning_threshold(
    warn_before: dt.timedelta | int | None = None, *, by_day: bool, calendar: WorkingCalendar
) -> dt.timedelta:
    """The working time left at which `clock_state` reads 预警, as it reads `warn_before` (rule 5 above)."""
    return _threshold(warn_before, by_day=by_day, day=calendar.working_day_length)


def warning_horizon(now: dt.datetime, threshold: dt.timedelta, calendar: WorkingCalendar) -> dt.datetime:
    """The latest deadline that can read 预警 or 超期 at `now` with `threshold` of working time: a deadline at or
    before it has at most `threshold` of working time left (or is past); one after it has more, or lies beyond a
    year nobody configured (clock_state raises CalendarNotConfigured for it). Exact, so that a scan can select in
    SQL what may need flagging (approvals.scans, cases.tasks) without missing a deadline clock_state would flag.

    Walks the office spans as add_working_hours does, until the working time since `now` would exceed `threshold`:
    used up inside a span, the horizon is that moment; used up exactly at a closing time, the next opening (no working
    time passes in between). Reaching a day of an unconfigured year, it is that day's first office moment left.
    """
    current = local(now)
    remaining = threshold
    day = current.date()
    while True:
        spans = [(max(opens, current), closes) for opens, closes in calendar.office_spans(day) if closes > current]
        if spans:
            try:
                working = calendar.is_workday(day)
            except CalendarNotConfigured:
                return spans[0][0]
            if working:
                for begin, closes in spans:
                    if begin + remaining < closes:
                        return begin + remaining
                    remaining -= closes - begin
        day += dt.timedelta(days=1)


def _threshold(warn_before: dt.timedelta | int | None, *, by_day: bool, day: dt.timedelta) -> dt.timedelta:
    if isinstance(warn_before, dt.timedelta):
        return warn_before
    if warn_before is None:
        if not by_day:
            return dt.timedelta(minutes=settings.CLOCK_WARNING_WORKING_MINUTES)
        warn_before = settings.CLOCK_WARNING_WORKING_DAYS
    return day * warn_before


def _left(
    left: dt.timedelta, day: dt.timedelta, calendar: WorkingCalendar, now: dt.datetime, due: dt.datetime | dt.date
) -> str:
    """The time left as text. For a day-based deadline the whole days are the working days after today up to the due
    day, as the limit was counted (add_workdays): a limit of N working days never reads more than N, and on the due
    day itself the working time left today is shown (剩余3工作小时)."""
    if isinstance(due, dt.datetime):
        return _amount(left, day)
    days = calendar.workdays_between(now.date(), due)
    if days:
        return ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
    return _amount(left, None)


def _amount(span: dt.timedelta, day: dt.timedelta | None) -> str:
    """A positive working time as text, rounded up: 2个工作日, 1.5工作小时, 25工作分钟."""
    if day and span >= day:
        days = -(-span // day)
        return ngettext("%(count)d working day", "%(count)d working days", days) % {"count": days}
    if span >= dt.timedelta(hours=1):
        tenths = -(-span // dt.timedelta(minutes=6))
        hours = str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
        plural = 1 if tenths == 10 else 2  # "1 working hour", "1.5 working hours"
        return ngettext("%(hours)s working hour", "%(hours)s working hours", plural) % {"hours": hours}
    minutes = -(-span // dt.timedelta(minutes=1))
    return ngettext("%(count)d working minute", "%(count)d working minutes", minutes) % {"count": minutes}
