"""Background tasks of cases (Django's task API, django-tasks backport; README "Background work").

scan_review_clocks (periodic, settings.PERIODIC_TASKS): the formal-review clock of every case awaiting review
(`Case.review_due_at`: 2 working hours, 1 working day in 民权 and 红旗区, cases/rules.py). A case whose clock turns
预警 (at most CLOCK_WARNING_WORKING_MINUTES of working time left) or 超期 gets a CaseEvent CLOCK_WARNING or
CLOCK_OVERDUE, once per review round: a resubmission after correction starts a new round with a new clock. The event
is for staff (internal note, no summary for the applicant); the case's state does not change.

The scan does not block (issue 12, point 6; as approvals.scans does for the items): SQL selects only the cases due at
or before the warning horizon (workcalendar.clocks.warning_horizon) whose round has no event yet for the state they
are in (the index on status, review_due_at); only those whose clock reads 预警 or 超期 are locked, BATCH per
transaction, `FOR UPDATE SKIP LOCKED` (a case the window is reviewing right now is picked up by the next run), read
again under the lock, and their event written in that transaction (each in a savepoint).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from core.trail import lock_chain
from workcalendar.choices import ClockState
from workcalendar.clocks import clock_state, warning_horizon, warning_threshold
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .choices import CaseAction, CaseStatus
from .kernel import record_event, system_actor
from .models import Case, CaseEvent

logger = logging.getLogger(__name__)

ROUND_STARTS = (CaseAction.SUBMIT, CaseAction.FILE_WALK_IN, CaseAction.RESUBMIT)
CLOCK_ACTIONS = {ClockState.WARNING: CaseAction.CLOCK_WARNING, ClockState.OVERDUE: CaseAction.CLOCK_OVERDUE}
BATCH = 50  # cases locked per transaction (as approvals.scans.BATCH: the audit chain is held until each commit)
BEFORE_ANY_ROUND = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # a case without a round-start event: one round


def _round_start():
    """The start of the case's current review round (its last submission, walk-in filing or resubmission)."""
    starts = CaseEvent.objects.filter(case=OuterRef("pk"), action__in=ROUND_STARTS).order_by("-at", "-id")
    return Coalesce(Subquery(starts.values("at")[:1]), Value(BEFORE_ANY_ROUND), output_field=DateTimeField())


def _recorded(action: str) -> Exists:
    """The case's clock event `action` exists in its current round (needs the `round_start` annotation)."""
    return Exists(
        CaseEvent.objects.filter(case=OuterRef("pk"), item__isnull=True, action=action, at__gte=OuterRef("round_start"))
    )


def review_candidates(now: dt.datetime, calendar: WorkingCalendar):
    """Cases awaiting review that may need a clock event at `now` (no lock): due at or before the warning horizon,
    and without the event of the state they would be in, in this round."""
    horizon = warning_horizon(now, warning_threshold(None, by_day=False, calendar=calendar), calendar)
    return (
        Case.objects.filter(status=CaseStatus.SUBMITTED, review_due_at__isnull=False, review_due_at__lte=horizon)
        .annotate(round_start=_round_start())
        .filter(
            Q(review_due_at__lt=now) & ~_recorded(CaseAction.CLOCK_OVERDUE)
            | Q(review_due_at__gte=now) & ~_recorded(CaseAction.CLOCK_WARNING)
        )
        .only("id", "status", "review_due_at")
        .order_by("pk")
    )


def _reading(case: Case, now: dt.datetime, calendar: WorkingCalendar):
    """(action, reading) when the case's review clock reads 预警 or 超期 at `now`, else (None, None)."""
    if case.status != CaseStatus.SUBMITTED or case.review_due_at is None:
        return None, None  # received, corrected or withdrawn meanwhile
    try:
        reading = clock_state(case.review_due_at, now=now, calendar=calendar)
    except CalendarNotConfigured:
        return None, None
    return CLOCK_ACTIONS.get(reading.state), reading


def _already_recorded(case: Case, action: str) -> bool:
    round_start = case.events.filter(action__in=ROUND_STARTS).order_by("-at", "-id").values("at").first()
    recorded = case.events.filter(item__isnull=True, action=action)
    if round_start is not None:
        recorded = recorded.filter(at__gte=round_start["at"])
    return recorded.exists()


def scan_review_clocks_now(now: dt.datetime | None = None) -> dict[str, int]:
    """Record each case awaiting formal review turning 预警 or 超期, once per review round (see the module doc)."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    counts = {"warning": 0, "overdue": 0}
    due = [case.pk for case in review_candidates(now, calendar) if _reading(case, now, calendar)[0] is not None]
    for start in range(0, len(due), BATCH):
        with transaction.atomic():
            lock_chain(CaseEvent)  # before the rows: never hold a case while waiting for the audit chain
            locked = (
                Case.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=due[start : start + BATCH])
                .order_by("pk")
            )
            for case in locked:
                action, reading = _reading(case, now, calendar)  # read again under the lock
                if action is None or _already_recorded(case, action):
                    continue
                try:
                    with transaction.atomic():
                        record_event(
                            case,
                            action,
                            system_actor(),
                            at=now,
                            from_status=case.status,
                            to_status=case.status,
                            internal_note=_("Formal review: %(remaining)s") % {"remaining": reading.remaining},
                            detail={"clock": "review", "due": reading.due.isoformat() if reading.due else None},
                        )
                except Exception:
                    logger.exception("Review clock scan: could not record %s for case %s; next run.", action, case.pk)
                    continue
                counts["warning" if action == CaseAction.CLOCK_WARNING else "overdue"] += 1
    return counts


@task()
def scan_review_clocks() -> dict[str, int]:
    """The periodic task: `scan_review_clocks_now` at the time the worker runs it."""
    return scan_review_clocks_now()
