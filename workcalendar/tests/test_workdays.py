"""Working-day arithmetic across China's holidays and 调休 days; no silent Monday–Friday guess."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.errors import UserFacingError
from workcalendar import services
from workcalendar.models import CalendarEvent, CalendarYear

pytestmark = pytest.mark.django_db
D = dt.date


def test_national_day_2026_and_its_adjusted_saturday():
    calendar = services.WorkingCalendar()
    assert not calendar.is_workday(D(2026, 10, 1))  # 国庆节
    assert calendar.is_workday(D(2026, 10, 10))  # 调休上班的星期六
    assert not calendar.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    # counted from the day after the start: Oct 8, 9, 10 (Saturday, 调休), 12, 13
    assert calendar.add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert calendar.add_workdays(D(2026, 9, 30), 0) == D(2026, 9, 30)
    assert calendar.workdays_between(D(2026, 9, 30), D(2026, 10, 13)) == 5


def test_command_prints_the_due_date(capsys):
    call_command("workdays", "add", "2026-09-30", "5")
    assert capsys.readouterr().out.strip() == "2026-10-13"


def test_command_warns_on_stderr_while_the_coming_year_is_unconfigured(capsys, monkeypatch):
    monkeypatch.setattr(services.timezone, "localdate", lambda: D(2026, 11, 23))
    call_command("workdays", "add", "2026-09-30", "5")
    captured = capsys.readouterr()
    assert captured.out.strip() == "2026-10-13"
    assert "2027 年的工作日历尚未配置" in captured.err


def test_an_unconfigured_year_is_refused_not_guessed():
    with pytest.raises(services.CalendarNotConfigured) as exc:
        services.add_workdays(D(2026, 12, 28), 10)
    assert exc.value.year == 2027 and "2027" in exc.value.message
    with pytest.raises(CommandError, match="2027 年的工作日历尚未配置"):
        call_command("workdays", "add", "2026-12-28", "10")


def test_administrator_configures_2027(user_named):
    admin = user_named("admin")
    with pytest.raises(UserFacingError):
        services.do_confirm_calendar_year(2027, source="国办通知", acting_user=admin)  # nothing entered yet
    for day in [D(2027, 1, 1)] + [D(2027, 2, d) for d in range(5, 12)]:  # 元旦, 春节 (example entries)
        services.do_set_calendar_day(day, False, name="节假日", acting_user=admin, reason="国办通知")
    services.do_set_calendar_day(D(2027, 2, 14), True, name="春节调休", acting_user=admin, reason="国办通知")
    services.do_confirm_calendar_year(2027, source="国务院办公厅关于2027年部分节假日安排的通知", acting_user=admin)
    calendar = services.WorkingCalendar()
    assert not calendar.is_workday(D(2027, 2, 8))
    assert calendar.is_workday(D(2027, 2, 14))  # a Sunday made a working day
    # from Thursday 4 Feb: 5–11 off, Friday 12 is the 1st working day, Sunday 14 (调休) the 2nd
    assert calendar.add_workdays(D(2027, 2, 4), 2) == D(2027, 2, 14)
    assert services.calendar_warnings(D(2026, 11, 23)) == []
    assert CalendarYear.objects.filter(year=2027).exists()
    assert CalendarEvent.objects.filter(action="set_day", actor=admin).count() == 9
    assert CalendarEvent.objects.filter(action="confirm_year", subject="2027").exists()


def test_an_override_changes_a_library_year_and_is_recorded(user_named):
    admin = user_named("admin")
    assert services.WorkingCalendar().is_workday(D(2026, 11, 24))
    services.do_set_calendar_day(D(2026, 11, 24), False, name="临时停办", reason="系统迁移", acting_user=admin)
    assert not services.WorkingCalendar().is_workday(D(2026, 11, 24))
    event = CalendarEvent.objects.get(subject="2026-11-24")
    assert event.before is None and event.after == {"is_workday": False, "name": "临时停办"}


def test_bad_input_gets_a_clear_message():
    with pytest.raises(CommandError, match="格式不对"):
        call_command("workdays", "add", "2026/09/30", "5")
    with pytest.raises(CommandError, match="不能为负数"):
        call_command("workdays", "add", "2026-09-30", "-1")


def test_staff_pages_show_the_unconfigured_year_banner(client_for, monkeypatch):
    monkeypatch.setattr(services.timezone, "localdate", lambda: D(2026, 11, 23))
    staff_page = client_for("xinxiang_catalog_admin").get("/manage/").content.decode()
    assert "2027 年的工作日历尚未配置" in staff_page
    public_page = client_for(None).get("/").content.decode()
    assert "工作日历" not in public_page
