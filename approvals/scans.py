"""The deadline scan of the departments' items (预警 / 超期), run every minute by the worker (approvals.tasks), that
never makes a reviewer wait (issue 12, point 6).

1. SQL selects only the items that may need a flag: an open item (QUEUED: the acceptance clock, `acceptance_due_at`;
   ACCEPTED or PRE_REVIEW: the decision clock, `decision_due_on`) whose due moment is at or before the warning
   horizon and whose `clock_flag` is not already the flag it would get. The horizon (workcalendar.clocks.
   warning_horizon) is the latest deadline with at most the warning threshold of working time left, walked over the
   configured calendar, so the selection is exact: nothing clock_state would flag is left out
   (approvals/tests/test_scans.py compares it with `item_clock` over every item). The partial indexes
   `caseitem_acceptance_clock` and `caseitem_decision_clock` (clock_flag, due) serve each arm of it.
2. Each candidate's clock is read in Python (item_clock); only the items that turn 预警 or 超期 are then locked, in
   batches of BATCH (50), each batch its own transaction: `SELECT … FOR UPDATE SKIP LOCKED` of the item rows only,
   so an item a reviewer is deciding right now is skipped and picked up by the next run. The event refers to the item's
   case, and that reference takes a KEY SHARE lock on the case row, which would wait for a change holding the case
   (every do_* locks the case first): the scan takes it itself, `FOR KEY SHARE SKIP LOCKED`, and skips the items of
   a case someone holds, too. The state is read again under the lock. The audit chain's lock is taken before the
   rows (core.trail.lock_chain), so the scan never holds a row while it waits for the chain.
3. Everything a flag implies — clock_flag, the CaseEvent, the notice to the department's staff
   (notify.tell_department_clock: outbox rows) — is written in the batch's transaction, each item in a savepoint:
   an item whose writes fail is rolled back whole, logged, and tried again next minute; the rest of its batch stands.

`scan_deadlines(now=None) -> {"warning": n, "overdue": n}` is re-exported by approvals.services.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases.choices import CaseAction, ItemStatus
from cases.kernel import record_event, system_actor
from cases.models import Case, CaseEvent, CaseItem
from core.trail import lock_chain
from workcalendar.choices import ClockState
from workcalendar.clocks import warning_horizon, warning_threshold
from workcalendar.services import CalendarNotConfigured, WorkingCalendar, local

logger = logging.getLogger(__name__)

# Items locked and flagged per transaction. A flag costs ~20 ms on the 2-core machine (bench/scan_deadlines.py: ~19
# queries — the event, the notice to each of the department's staff); a batch holds the audit chain's lock (every
# event writer waits for it) from its first event to its commit, so 50 keep that to about a second.
BATCH = 50
ACCEPTANCE_STATUSES = (ItemStatus.QUEUED,)  # the clock of acceptance_due_at (a datetime)
DECISION_STATUSES = (ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW)  # the clock of decision_due_on (a date)
OPEN_STATUSES = ACCEPTANCE_STATUSES + DECISION_STATUSES
FLAGS = {ClockState.WARNING: "warning", ClockState.OVERDUE: "overdue"}
# What the scan reads of a candidate before locking it (item_clock needs status and the due fields).
CLOCK_FIELDS = ("id", "status", "acceptance_due_at", "decision_due_on", "paused_at", "clock_flag")


def _last_day_closing(calendar: WorkingCalendar, moment: dt.datetime, *, strictly: bool) -> dt.date:
    """The latest date whose closing time (a day-based deadline's due moment) is at or before `moment` (before it,
    `strictly`)."""
    moment = local(moment)
    day = moment.date()
    closing = calendar.closing_time(day)
    return day if (closing < moment if strictly else closing <= moment) else day - dt.timedelta(days=1)


def candidates_filter(now: dt.datetime, calendar: WorkingCalendar) -> Q:
    """Open items that may need a flag at `now`: due at or before the warning horizon, not already flagged as they
    would be (module doc). Exact on a configured calendar: a wider set would only cost reading, a narrower one
    would miss a flag."""
    from . import services

    # acceptance: a datetime, warned CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES ahead, overdue once past
    accept_horizon = warning_horizon(
        now, warning_threshold(services.acceptance_warning(), by_day=False, calendar=calendar), calendar
    )
    queued = Q(status__in=ACCEPTANCE_STATUSES) & (
        Q(clock_flag="", acceptance_due_at__lte=accept_horizon)
        | Q(clock_flag="warning", acceptance_due_at__lt=now)
        | Q(clock_flag="overdue", acceptance_due_at__gte=now, acceptance_due_at__lte=accept_horizon)
    )
    # decision: a date, due at its closing time, warned CLOCK_WARNING_WORKING_DAYS ahead
    decision_horizon = warning_horizon(now, warning_threshold(None, by_day=True, calendar=calendar), calendar)
    last_warned = _last_day_closing(calendar, decision_horizon, strictly=False)
    last_overdue = _last_day_closing(calendar, now, strictly=True)
    deciding = Q(status__in=DECISION_STATUSES) & (
        Q(clock_flag="", decision_due_on__lte=last_warned)
        | Q(clock_flag="warning", decision_due_on__lte=last_overdue)
        | Q(clock_flag="overdue", decision_due_on__gt=last_overdue, decision_due_on__lte=last_warned)
    )
    return queued | deciding


def clock_filter(state: str, now: dt.datetime, calendar: WorkingCalendar) -> Q:
    """The open items whose clock reads `state` (正常 normal, 预警 warning, 超期 overdue) at `now`, as SQL on the
    stored due fields — the bounds candidates_filter uses, without the flags: what services.item_clock would say of
    each (approvals/tests/test_clock_filter.py compares the two). Paused items (补充材料) read neither."""
    from . import services

    accept_horizon = warning_horizon(
        now, warning_threshold(services.acceptance_warning(), by_day=False, calendar=calendar), calendar
    )
    decision_horizon = warning_horizon(now, warning_threshold(None, by_day=True, calendar=calendar), calendar)
    last_warned = _last_day_closing(calendar, decision_horizon, strictly=False)
    last_overdue = _last_day_closing(calendar, now, strictly=True)
    accepting, deciding = Q(status__in=ACCEPTANCE_STATUSES), Q(status__in=DECISION_STATUSES)
    overdue = (accepting & Q(acceptance_due_at__lt=now)) | (deciding & Q(decision_due_on__lte=last_overdue))
    due_soon = (accepting & Q(acceptance_due_at__lte=accept_horizon)) | (deciding & Q(decision_due_on__lte=last_warned))
    running = (accepting & Q(acceptance_due_at__isnull=False)) | (deciding & Q(decision_due_on__isnull=False))
    if state == ClockState.OVERDUE:
        return overdue
    if state == ClockState.WARNING:
        return due_soon & ~overdue
    if state == ClockState.NORMAL:
        return running & ~due_soon
    raise ValueError(f"no SQL for the clock state {state!r}")


def candidates(now: dt.datetime, calendar: WorkingCalendar):
    """The candidate items as a queryset (no lock), with only what their clock needs."""
    return CaseItem.objects.filter(candidates_filter(now, calendar)).only(*CLOCK_FIELDS).order_by("pk")


def flag_for(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar):
    """(flag, reading) when the item turns 预警 or 超期 at `now` and is not flagged so yet, else (None, reading)."""
    from . import services

    if item.status not in OPEN_STATUSES:
        return None, None
    try:
        reading = services.item_clock(item, now, calendar)
    except CalendarNotConfigured:
        return None, None
    flag = FLAGS.get(reading.state) if reading is not None else None
    if flag is None or flag == item.clock_flag:
        return None, reading
    return flag, reading


def _batches(pks: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(pks), size):
        yield pks[start : start + size]


def scan_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Record each open item turning 预警 or 超期 once: clock_flag, an event and a notice to its department, locking
    only those items, BATCH per transaction, skipping any a reviewer holds (module doc)."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    counts = {"warning": 0, "overdue": 0}
    to_flag = [item.pk for item in candidates(now, calendar) if flag_for(item, now, calendar)[0] is not None]
    for batch in _batches(to_flag, BATCH):
        for flag in _flag_batch(batch, now, calendar):
            counts[flag] += 1
    return counts


def _flag_batch(pks: Iterable[int], now: dt.datetime, calendar: WorkingCalendar) -> list[str]:
    """One transaction: lock what is free of `pks`, read each again, flag it; the flags written."""
    written: list[str] = []
    with transaction.atomic():
        lock_chain(CaseEvent)
        locked = list(
            CaseItem.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case", "department")
            .filter(pk__in=list(pks), status__in=OPEN_STATUSES)
            .order_by("pk")
        )
        free_cases = _share_cases({item.case_id for item in locked})
        for item in locked:
            if item.case_id not in free_cases:
                continue  # its case is held (a change of the case or of a sibling item): the event would wait
            flag, reading = flag_for(item, now, calendar)  # decided, accepted or flagged since it was selected?
            if flag is None:
                continue
            try:
                with transaction.atomic():
                    _flag(item, flag, reading, now)
            except Exception:
                logger.exception("Deadline scan: could not flag item %s as %s; trying again next run.", item.pk, flag)
                continue
            written.append(flag)
    return written


def _share_cases(case_ids: set[int]) -> set[int]:
    """Of `case_ids`, the cases this transaction could lock FOR KEY SHARE at once (PostgreSQL; elsewhere all of
    them): the lock the event's reference to its case takes anyway, taken here without waiting. A case row someone
    holds FOR UPDATE — every do_* holds its case while it changes the case or one of its items — is left out."""
    if connection.vendor != "postgresql" or not case_ids:
        return case_ids
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE SKIP LOCKED", [sorted(case_ids)]
        )
        return {row[0] for row in cursor.fetchall()}


def _flag(item: CaseItem, flag: str, reading, now: dt.datetime) -> None:
    """Everything one flag implies, in the caller's transaction: clock_flag, the event, the department's notice."""
    from . import notify

    item.clock_flag = flag
    item.save(update_fields=["clock_flag", "updated_at"])
    record_event(
        item.case,
        CaseAction.CLOCK_WARNING if flag == "warning" else CaseAction.CLOCK_OVERDUE,
        system_actor(),
        item=item,
        from_status=item.status,
        to_status=item.status,
        internal_note=f"{item.name}：{reading.remaining}",
        detail={"item": item.name, "due": reading.due.isoformat() if reading.due else None},
        at=now,
    )
    notify.tell_department_clock(item.pk, flag)
