"""The automatic 督办 scan, run by the worker (supervision.tasks, settings.PERIODIC_TASKS), shaped as
approvals/scans.py:

1. SQL selects only the items that need it: open with a running clock (QUEUED: acceptance_due_at; ACCEPTED or
   PRE_REVIEW: decision_due_on) past by at least settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS working days — the
   due day at or before the `threshold` day, walked back over the working calendar — and without an open 督办.
   Paused items (补充材料) are not late. The partial indexes of the deadline scan serve both arms.
2. Those are locked in batches of BATCH, each batch its own transaction, `FOR UPDATE SKIP LOCKED` on the items and
   `FOR KEY SHARE SKIP LOCKED` on their cases (an item a reviewer is deciding now, or whose case someone holds, is
   left for the next run); each is read again under the lock and escalated in a savepoint.
3. The same run closes the open or answered 督办 of items that have ended (`end_escalation`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from approvals.scans import _share_cases
from cases.choices import ENDED_ITEM_STATUSES, ItemStatus
from cases.models import CaseEvent, CaseItem
from core.trail import lock_chain
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from . import services
from .choices import EscalationStatus
from .models import Escalation

logger = logging.getLogger(__name__)

BATCH = 50
ACCEPTANCE = (ItemStatus.QUEUED,)
DECISION = (ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW)


def threshold_day(today: dt.date, days: int, calendar: WorkingCalendar) -> dt.date:
    """The latest day D with at least `days` working days after it up to `today` (workdays_between(D, today))."""
    day, counted = today, 0
    while counted < days:
        if calendar.is_workday(day):
            counted += 1
        day -= dt.timedelta(days=1)
    return day


def candidates_filter(now: dt.datetime, calendar: WorkingCalendar) -> Q:
    today = timezone.localtime(now).date()
    last = threshold_day(today, services.escalate_after_workdays(), calendar)
    # acceptance_due_at is a moment: due on `last` or before (its date, in local time, at or before `last`)
    next_day_start = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    open_escalation = Escalation.objects.filter(item=OuterRef("pk"), status=EscalationStatus.OPEN)
    late = Q(status__in=ACCEPTANCE, acceptance_due_at__lt=next_day_start) | Q(
        status__in=DECISION, decision_due_on__lte=last
    )
    return late & Q(~Exists(open_escalation))


def _batches(pks: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(pks), BATCH):
        yield pks[start : start + BATCH]


def scan_escalations(now: dt.datetime | None = None) -> dict[str, int]:
    """Raise the automatic 督办 of each item overdue long enough (once: not while one is open), close those of items
    that ended; returns {"escalated": n, "ended": n}."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    try:
        wanted = list(
            CaseItem.objects.filter(candidates_filter(now, calendar)).order_by("pk").values_list("pk", flat=True)
        )
    except CalendarNotConfigured:
        logger.warning("督办 scan skipped: the working calendar is not configured for today")
        wanted = []
    counts = {"escalated": 0, "ended": 0}
    for batch in _batches(wanted):
        counts["escalated"] += _escalate_batch(batch, now, calendar)
    ended = list(
        Escalation.objects.filter(
            status__in=(EscalationStatus.OPEN, EscalationStatus.ANSWERED), item__status__in=ENDED_ITEM_STATUSES
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for batch in _batches(ended):
        counts["ended"] += _end_batch(batch)
    return counts


def _locked_items(pks: list[int]) -> list[CaseItem]:
    items = list(
        CaseItem.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case__region", "department")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    free = _share_cases({item.case_id for item in items})
    return [item for item in items if item.case_id in free]


def _escalate_batch(pks: list[int], now: dt.datetime, calendar: WorkingCalendar) -> int:
    done = 0
    with transaction.atomic():
        lock_chain(CaseEvent)
        limit = services.escalate_after_workdays()
        for item in _locked_items(pks):
            days = services.overdue_workdays(item, now, calendar)
            if item.status not in (*ACCEPTANCE, *DECISION) or days < limit:
                continue  # decided, accepted or paused since it was selected
            if Escalation.objects.filter(item=item, status=EscalationStatus.OPEN).exists():
                continue
            try:
                with transaction.atomic():
                    services.escalate_automatically(item, now, days)
            except Exception:
                logger.exception("督办 scan: could not escalate item %s; trying again next run.", item.pk)
                continue
            done += 1
    return done


def _end_batch(pks: list[int]) -> int:
    done = 0
    with transaction.atomic():
        lock_chain(CaseEvent)
        escalations = list(
            Escalation.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk__in=pks).order_by("pk")
        )
        items = {item.pk: item for item in _locked_items([e.item_id for e in escalations])}
        for escalation in escalations:
            item = items.get(escalation.item_id)
            if item is None or item.status not in ENDED_ITEM_STATUSES:
                continue
            escalation.item, escalation.case = item, item.case
            try:
                with transaction.atomic():
                    services.end_escalation(escalation)
            except Exception:
                logger.exception("督办 scan: could not close escalation %s; trying again next run.", escalation.pk)
                continue
            done += 1
    return done
