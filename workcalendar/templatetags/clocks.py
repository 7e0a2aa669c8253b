"""`{% load clocks %}` then `{% clock_badge due now %}`: a coloured badge with the clock's state and time left.

Keyword arguments pass through to workcalendar.clocks.clock_state: `{% clock_badge task.due_on now paused=task.paused
done_at=task.done_at %}`; `now` may be left out (the current time). One WorkingCalendar serves every badge of a
template render, so a list of cases costs its two calendar queries once, not per row.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from ..clocks import clock_state
from ..services import CalendarNotConfigured, WorkingCalendar, office_hours_text

register = template.Library()

CALENDAR_KEY = "workcalendar.clocks.calendar"


@register.simple_tag
def office_hours() -> str:
    """`{% office_hours %}`: the office hours of settings.OFFICE_HOURS in words (the hours the clocks count)."""
    return office_hours_text()


@register.inclusion_tag("workcalendar/clock_badge.html", takes_context=True)
def clock_badge(
    context: template.Context,
    due: dt.datetime | dt.date | None,
    now: dt.datetime | None = None,
    *,
    paused: bool = False,
    done_at: dt.datetime | None = None,
    warn_before: dt.timedelta | int | None = None,
) -> dict:
    calendar = context.render_context.get(CALENDAR_KEY)
    if calendar is None:
        calendar = context.render_context[CALENDAR_KEY] = WorkingCalendar()
    try:
        reading = clock_state(
            due,
            now=now or timezone.now(),
            warn_before=warn_before,
            paused=paused,
            done_at=done_at,
            calendar=calendar,
        )
    except CalendarNotConfigured as exc:  # never a guessed deadline: say why there is none
        return {"reading": None, "problem": exc.message}
    return {"reading": reading}
