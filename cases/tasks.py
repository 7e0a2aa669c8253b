"""Background tasks of cases (Django's task API, django-tasks backport; README "Background work").

scan_review_clocks (periodic, settings.PERIODIC_TASKS): the formal-review clock of every case awaiting review
(`Case.review_due_at`: 2 working hours, 1 working day in 民权 and 红旗区, cases/rules.py). A case whose clock turns
预警 (at most CLOCK_WARNING_WORKING_MINUTES of working time left) or 超期 gets a CaseEvent CLOCK_WARNING or
CLOCK_OVERDUE, once per review round: a resubmission after correction starts a new round with a new clock. The event
is for staff (internal note, no summary for the applicant); the case's state does not change.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from workcalendar.choices import ClockState
from workcalendar.clocks import clock_state
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .choices import CaseAction, CaseStatus
from .models import Case
from .services import Actor, record_event

logger = logging.getLogger(__name__)

ROUND_STARTS = (CaseAction.SUBMIT, CaseAction.FILE_WALK_IN, CaseAction.RESUBMIT)
CLOCK_ACTIONS = {ClockState.WARNING: CaseAction.CLOCK_WARNING, ClockState.OVERDUE: CaseAction.CLOCK_OVERDUE}
# Only cases due within this (wall-clock) span can be in warning: 30 working minutes never span more than a
# holiday plus a weekend.
LOOKAHEAD = dt.timedelta(days=15)


def scan_review_clocks_now(now: dt.datetime | None = None) -> dict[str, int]:
    """Record each case awaiting formal review turning 预警 or 超期, once per review round (see the module doc)."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    counts = {"warning": 0, "overdue": 0}
    candidates = Case.objects.filter(
        status=CaseStatus.SUBMITTED, review_due_at__isnull=False, review_due_at__lte=now + LOOKAHEAD
    ).values_list("pk", flat=True)
    for pk in candidates:
        with transaction.atomic():
            case = Case.objects.select_for_update(of=("self",)).order_by().filter(pk=pk).first()
            if case is None or case.status != CaseStatus.SUBMITTED or case.review_due_at is None:
                continue  # received, corrected or withdrawn meanwhile
            try:
                reading = clock_state(case.review_due_at, now=now, calendar=calendar)
            except CalendarNotConfigured:
                continue
            action = CLOCK_ACTIONS.get(reading.state)
            if action is None:
                continue
            round_start = case.events.filter(action__in=ROUND_STARTS).order_by("-at", "-id").values("at").first()
            recorded = case.events.filter(item__isnull=True, action=action)
            if round_start is not None:
                recorded = recorded.filter(at__gte=round_start["at"])
            if recorded.exists():
                continue
            record_event(
                case,
                action,
                Actor(None, None, "system"),
                at=now,
                from_status=case.status,
                to_status=case.status,
                internal_note=_("Formal review: %(remaining)s") % {"remaining": reading.remaining},
                detail={"clock": "review", "due": reading.due.isoformat() if reading.due else None},
            )
            counts["warning" if action == CaseAction.CLOCK_WARNING else "overdue"] += 1
    return counts


@task()
def scan_review_clocks() -> dict[str, int]:
    """The periodic task: `scan_review_clocks_now` at the time the worker runs it."""
    return scan_review_clocks_now()
