"""The task list's clock filter in SQL (approvals.scans.clock_filter) says of every item what its clock says
(services.item_clock, read in Python in working time) — for due times and dates spread around many moments: office
hours, the minutes around closing time, lunch, evenings, a weekend and the days before a holiday.

One restaurant case's four items are given every (status, due) pair in turn; for each `now` the three SQL sets
(正常, 预警, 超期) must be exactly the items whose Python clock reads that state.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from approvals import scans, services
from cases.choices import ItemStatus
from cases.models import CaseItem
from workcalendar.choices import ClockState
from workcalendar.services import WorkingCalendar

from .conftest import SHANGHAI, at, restaurant_case

NOWS = [
    dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI),  # a Wednesday morning
    dt.datetime(2026, 11, 25, 16, 59, tzinfo=SHANGHAI),  # a minute before closing
    dt.datetime(2026, 11, 25, 17, 0, tzinfo=SHANGHAI),  # closing
    dt.datetime(2026, 11, 25, 17, 1, tzinfo=SHANGHAI),
    dt.datetime(2026, 11, 25, 12, 30, tzinfo=SHANGHAI),  # lunch
    dt.datetime(2026, 11, 27, 20, 0, tzinfo=SHANGHAI),  # Friday evening
    dt.datetime(2026, 11, 28, 11, 0, tzinfo=SHANGHAI),  # Saturday
    dt.datetime(2026, 9, 30, 16, 30, tzinfo=SHANGHAI),  # before the National Day holiday
]
STATES = (ClockState.NORMAL, ClockState.WARNING, ClockState.OVERDUE)


def _dues(now: dt.datetime) -> list[tuple[dt.datetime, dt.date]]:
    """Due datetimes from 2 days before to 4 days after `now`, in uneven steps, with due dates around them."""
    offsets = [-2880, -600, -61, -1, 0, 1, 29, 59, 60, 61, 119, 120, 121, 300, 1440, 2000, 4320, 5760]
    dues = []
    for minutes in offsets:
        moment = now + dt.timedelta(minutes=minutes)
        dues.append((moment, moment.date()))
    return dues


@pytest.mark.django_db
def test_the_sql_clock_filter_agrees_with_each_items_clock():
    case = restaurant_case()
    items = list(case.items.order_by("order", "id"))
    calendar = WorkingCalendar()
    checked = 0
    for now in NOWS:
        with at(now.isoformat()):
            for (due_at, due_on), status in itertools.product(_dues(now), ItemStatus):
                if status not in (ItemStatus.QUEUED, ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW):
                    continue
                for offset, item in enumerate(items):  # the four items spread a day apart around the due date
                    CaseItem.objects.filter(pk=item.pk).update(
                        status=status,
                        acceptance_due_at=due_at + dt.timedelta(days=offset - 1),
                        decision_due_on=due_on + dt.timedelta(days=offset - 1),
                        paused_at=None,
                    )
                fresh = list(CaseItem.objects.filter(case=case))
                expected = {state: set() for state in STATES}
                for item in fresh:
                    reading = services.item_clock(item, now, calendar)
                    if reading is not None and reading.state in expected:
                        expected[reading.state].add(item.pk)
                for state in STATES:
                    found = set(
                        CaseItem.objects.filter(case=case)
                        .filter(scans.clock_filter(state, now, calendar))
                        .values_list("pk", flat=True)
                    )
                    assert found == expected[state], (now, status, due_at, state)
                    checked += len(found)
    assert checked > 500  # every state was met many times, not only an empty set


@pytest.mark.django_db
def test_a_paused_item_is_in_none_of_the_three_lists():
    case = restaurant_case()
    now = dt.datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    CaseItem.objects.filter(case=case).update(
        status=ItemStatus.SUPPLEMENT, decision_due_on=dt.date(2026, 11, 20), paused_at=now - dt.timedelta(days=1)
    )
    calendar = WorkingCalendar()
    for state in STATES:
        assert not CaseItem.objects.filter(case=case).filter(scans.clock_filter(state, now, calendar)).exists()
    with pytest.raises(ValueError):
        scans.clock_filter(ClockState.PAUSED, now, calendar)
