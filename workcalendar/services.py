"""Working days (工作日): China's statutory holidays and 调休 working days, never a silent Monday–Friday guess.

The `chinese_calendar` library knows the years the State Council has announced; for any other year an
administrator enters the holidays and 调休 days (CalendarDay) and confirms the year (CalendarYear). Asking about a
date in a year that neither covers raises CalendarNotConfigured; `calendar_warnings()` says, ahead of time, which
coming year still needs configuring.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import UserFacingError

from .models import CalendarDay, CalendarEvent, CalendarYear

# Warn this many days before a year begins that it is still unconfigured.
WARN_DAYS_AHEAD = 90


class CalendarNotConfigured(UserFacingError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year} 年的工作日历尚未配置（节假日与调休安排），无法计算工作日。请系统管理员在“工作日历”中录入并确认。"
        )
        self.year = year


def library_years() -> range:
    """Years the chinese_calendar library has data for."""
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


class WorkingCalendar:
    """Answers "is this a working day" for one computation; loads the overrides once."""

    def __init__(self) -> None:
        self.overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self.configured_years = set(CalendarYear.objects.values_list("year", flat=True))
        self.known_years = library_years()

    def is_configured(self, year: int) -> bool:
        return year in self.known_years or year in self.configured_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.known_years:
            return chinese_calendar.is_workday(day)
        if day.year in self.configured_years:
            return day.weekday() < 5  # the administrator entered every exception of this year
        raise CalendarNotConfigured(day.year)

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start`, counting from the day after the start day."""
        if days < 0:
            raise UserFacingError("工作日数不能为负数。")
        current = start
        remaining = days
        while remaining > 0:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count


def add_workdays(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar().add_workdays(start, days)


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Messages for staff while the current or coming year is unconfigured (shown until it is done)."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    warnings = []
    for year in (today.year, today.year + 1):
        if calendar.is_configured(year):
            continue
        if year == today.year or (dt.date(year, 1, 1) - today).days <= WARN_DAYS_AHEAD:
            warnings.append(
                f"{year} 年的工作日历尚未配置：请在国务院办公厅公布节假日安排后，由系统管理员录入节假日与调休上班日并确认；"
                f"在此之前，跨入 {year} 年的办理时限无法计算。"
            )
    return warnings


@transaction.atomic
def do_set_calendar_day(
    day: dt.date, is_workday: bool, *, name: str = "", reason: str = "", acting_user: User | None
) -> CalendarDay:
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = {"is_workday": existing.is_workday, "name": existing.name} if existing else None
    entry, _ = CalendarDay.objects.update_or_create(
        date=day, defaults={"is_workday": is_workday, "name": name, "set_by": acting_user, "reason": reason}
    )
    CalendarEvent.objects.create(
        actor=acting_user,
        action="set_day",
        subject=day.isoformat(),
        before=before,
        after={"is_workday": is_workday, "name": name},
        reason=reason,
    )
    return entry


@transaction.atomic
def do_confirm_calendar_year(year: int, *, source: str, acting_user: User | None) -> CalendarYear:
    """Confirm that every holiday and 调休 day of `year` has been entered; from then on the year is usable."""
    if not source.strip():
        raise UserFacingError("请注明依据（如国务院办公厅关于该年度部分节假日安排的通知）。")
    if not CalendarDay.objects.filter(date__year=year).exists():
        raise UserFacingError(f"{year} 年还没有录入任何节假日或调休日，不能确认。")
    entry, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"source": source, "confirmed_by": acting_user}
    )
    if created:
        CalendarEvent.objects.create(
            actor=acting_user, action="confirm_year", subject=str(year), after={"source": source}, reason=source
        )
    return entry
