"""Working days (工作日) and working time (工作时间): China's statutory holidays and 调休 working days, never a
silent Monday–Friday guess.

The `chinese_calendar` library knows the years the State Council has announced; for any other year an
administrator enters the holidays and 调休 days (CalendarDay) and confirms the year (CalendarYear). Asking about a
date in a year that neither covers raises CalendarNotConfigured; `calendar_warnings()` says, ahead of time, which
coming year still needs configuring.

Working time is the office hours of settings.OFFICE_HOURS (09:00–12:00 and 13:00–17:00 by default) on working days,
调休 Saturdays and Sundays included. The hour limits of the common process count only this time: 2 hours for the
formal review (形式审查) of an online application, 2 hours for turning the paper materials taken in at the window
into electronic ones (seeds 003 and 004, 通用流程 “收件”; the seeds say “2 小时”, we read it as working hours).
Datetimes go in aware and come out aware in the current time zone (settings.TIME_ZONE, Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from decimal import Decimal
from functools import cached_property

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from core.errors import UserFacingError

from .models import CalendarDay, CalendarEvent, CalendarYear

OfficeHours = tuple[tuple[dt.time, dt.time], ...]

# Warn this many days before a year begins that it is still unconfigured.
WARN_DAYS_AHEAD = 90


class CalendarNotConfigured(UserFacingError):
    def __init__(self, year: int) -> None:
        super().__init__(
            f"{year} 年的工作日历尚未配置（节假日与调休安排），无法计算工作日。请系统管理员在“工作日历”中录入并确认。"
        )
        self.year = year


def parse_office_hours(spans: Iterable) -> OfficeHours:
    """settings.OFFICE_HOURS, e.g. (("09:00", "12:00"), ("13:00", "17:00")), as times: ascending and disjoint."""
    parsed: list[tuple[dt.time, dt.time]] = []
    for span in spans:
        try:
            opens, closes = (part if isinstance(part, dt.time) else dt.time.fromisoformat(part) for part in span)
        except (TypeError, ValueError):
            raise ImproperlyConfigured(
                f"OFFICE_HOURS: {span!r} is not an (opening, closing) pair of times like ('09:00', '12:00')."
            ) from None
        if opens.tzinfo or closes.tzinfo:
            raise ImproperlyConfigured(f"OFFICE_HOURS: {span!r} must be local times without a time zone.")
        if opens >= closes:
            raise ImproperlyConfigured(f"OFFICE_HOURS: {span!r} closes before it opens.")
        if parsed and opens < parsed[-1][1]:
            raise ImproperlyConfigured(f"OFFICE_HOURS: {span!r} overlaps or precedes the span before it.")
        parsed.append((opens, closes))
    if not parsed:
        raise ImproperlyConfigured("OFFICE_HOURS is empty: no working time could ever be counted.")
    return tuple(parsed)


def office_hours_text(spans: Iterable | None = None) -> str:
    """settings.OFFICE_HOURS in words, e.g. 工作日 09:00–12:00、13:00–17:00: the hours the guides and the catalog
    show are the hours the clocks count (one setting, YIJIAN_OFFICE_HOURS)."""
    hours = parse_office_hours(settings.OFFICE_HOURS if spans is None else spans)
    return gettext("Working days %(spans)s") % {
        "spans": "、".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in hours)
    }


def as_duration(hours: float | Decimal | dt.timedelta) -> dt.timedelta:
    """A number of hours (int, float, Decimal) or a timedelta, as a timedelta."""
    if isinstance(hours, dt.timedelta):
        return hours
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise TypeError(f"hours must be a number or a timedelta, not {type(hours).__name__}")
    return dt.timedelta(hours=float(hours))


def local(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in the current time zone; a naive one is refused rather than guessed."""
    if timezone.is_naive(moment):
        raise ValueError(f"an aware datetime is required, got naive {moment.isoformat()}")
    return timezone.localtime(moment)


def library_years() -> range:
    """Years the chinese_calendar library has data for."""
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return range(years[0], years[-1] + 1)


# The administrator's days and years, read once per process (issue 13) and read again when they change here
# (forget_calendar, on every save and delete of a CalendarDay or CalendarYear: WorkCalendarConfig.ready) or, for
# changes made by another process, after settings.WORKCALENDAR_CACHE_SECONDS.
_LOADED: dict[str, tuple[float, dict[dt.date, bool], frozenset[int]]] = {}


def forget_calendar(*args, after_commit: bool = True, **kwargs) -> None:
    """Read the calendar again: now, and once more after the change commits (a read in between would keep the
    days as they were before it)."""
    _LOADED.clear()
    if after_commit:
        transaction.on_commit(_LOADED.clear)


def _calendar_data() -> tuple[dict[dt.date, bool], frozenset[int]]:
    loaded = _LOADED.get("data")
    now = time.monotonic()
    if loaded is None or now - loaded[0] > getattr(settings, "WORKCALENDAR_CACHE_SECONDS", 60):
        overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        years = frozenset(CalendarYear.objects.values_list("year", flat=True))
        loaded = _LOADED["data"] = (now, overrides, years)
    return loaded[1], loaded[2]


class WorkingCalendar:
    """Answers "is this a working day"; the overrides are the process's (_calendar_data), never changed here."""

    def __init__(self, office_hours: Iterable | None = None) -> None:
        self.overrides, self.configured_years = _calendar_data()
        self.known_years = library_years()
        self._office_hours = office_hours

    @cached_property
    def office_hours(self) -> OfficeHours:
        """Parsed lazily, so day arithmetic works even while OFFICE_HOURS is wrong (the system check reports it)."""
        return parse_office_hours(settings.OFFICE_HOURS if self._office_hours is None else self._office_hours)

    @cached_property
    def working_day_length(self) -> dt.timedelta:
        """Office time in one working day (7 hours by default): what "1 working day" of working time means."""
        return sum(
            (
                dt.datetime.combine(dt.date.min, closes) - dt.datetime.combine(dt.date.min, opens)
                for opens, closes in self.office_hours
            ),
            dt.timedelta(0),
        )

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

    def office_spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's office hours as aware datetimes, whether or not it is a working day (see is_workday)."""
        tz = timezone.get_current_timezone()
        return [
            (dt.datetime.combine(day, opens, tzinfo=tz), dt.datetime.combine(day, closes, tzinfo=tz))
            for opens, closes in self.office_hours
        ]

    def closing_time(self, day: dt.date) -> dt.datetime:
        """When the office closes on `day` (17:00 by default): the moment a deadline given as a date falls due."""
        return self.office_spans(day)[-1][1]

    def add_working_hours(self, start: dt.datetime, hours: float | Decimal | dt.timedelta) -> dt.datetime:
        """The moment `hours` of working time after `start`.

        Only office hours on working days count; a start outside them begins counting at the next opening. A limit
        used up exactly at a closing time ends then (15:00 + 2 h is 17:00 the same day, not 09:00 the next).
        Zero hours gives `start` itself. A year nobody configured raises CalendarNotConfigured.
        """
        remaining = as_duration(hours)
        if remaining < dt.timedelta(0):
            raise UserFacingError("工作时长不能为负数。")
        current = local(start)
        if not remaining:
            return current
        day = current.date()
        while True:
            spans = [(max(opens, current), closes) for opens, closes in self.office_spans(day) if closes > current]
            if spans and self.is_workday(day):
                for begin, closes in spans:
                    if begin + remaining <= closes:
                        return begin + remaining
                    remaining -= closes - begin
            day += dt.timedelta(days=1)

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (office hours on working days only); zero if end <= start."""
        start, end = local(start), local(end)
        total = dt.timedelta(0)
        day = start.date()
        while day <= end.date():
            overlaps = [
                (max(opens, start), min(closes, end))
                for opens, closes in self.office_spans(day)
                if closes > start and opens < end
            ]
            if overlaps and self.is_workday(day):
                total += sum((until - since for since, until in overlaps), dt.timedelta(0))
            day += dt.timedelta(days=1)
        return total


def add_workdays(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar().add_workdays(start, days)


def add_working_hours(start: dt.datetime, hours: float | Decimal | dt.timedelta) -> dt.datetime:
    return WorkingCalendar().add_working_hours(start, hours)


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
