"""The figures' summary rows (CaseFact, ItemFact) as a projection of the case trail.

`apply(state, event)` folds one CaseEvent into the rows of its case: it reads the event (action, time, from → to,
detail — the clocks are in the details: `review_due` at filing, `acceptance_due` at distribution, `decision_due` at
acceptance and release, `due_after` at resumption, `late` at delivery) and the working calendar, and nothing that a
later change could alter. Two callers:

- `on_event` — a cases.kernel.ON_EVENT hook: inside the transaction of every recorded event it loads the case's rows,
  applies the event and saves what changed (so the rows commit, or roll back, with the event);
- `rebuild(case_ids)` — the same rows recomputed from the events alone (`manage.py rebuild_supervision_facts`, and
  the tests that check the kept rows always equal them).

Events older than the clock details fall back to the item's own clock fields (acceptance_due_at, decision_due_on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cases.choices import CaseAction, Channel, ItemStatus
from cases.models import Case, CaseEvent, CaseItem
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .models import CaseFact, ItemFact

A = CaseAction

# the events that change a row (any other event changes nothing here, unless it moves the case's status)
ITEM_ACTIONS = frozenset(
    {
        A.ACCEPT_ITEM,
        A.PRE_REVIEW_ITEM,
        A.REFUSE_ITEM,
        A.APPROVE_ITEM,
        A.DENY_ITEM,
        A.PAUSE_ITEM,
        A.RESUME_ITEM,
        A.RELEASE_ITEM,
        A.STOP_ITEM,
    }
)
CASE_ACTIONS = frozenset(
    {
        A.SUBMIT,
        A.FILE_WALK_IN,
        A.REQUEST_CORRECTION,
        A.RECEIVE,
        A.DISTRIBUTE,
        A.WITHDRAW,
        A.DELIVER,
        A.SUPPLY_DEFERRED,
        A.RELEASE_DEFERRAL,
        A.REPLACE_MATERIAL,
    }
)


@dataclass
class CaseState:
    """The rows of one case while events are applied: which of them changed."""

    case: CaseFact | None
    items: dict[int, ItemFact] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)  # "case" and item ids as strings

    def touch(self, key: str) -> None:
        self.dirty.add(key)


def relevant(event: CaseEvent) -> bool:
    if event.action in ITEM_ACTIONS or event.action in CASE_ACTIONS:
        return True
    return event.item_id is None and bool(event.to_status) and event.to_status != event.from_status


def _date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _moment(text: str | None) -> dt.datetime | None:
    return parse_datetime(text) if text else None


def _day(text: str | None) -> dt.date | None:
    return parse_date(text) if text else None


def _calendar() -> WorkingCalendar:
    return WorkingCalendar()


def _working_minutes(start: dt.datetime, end: dt.datetime) -> int | None:
    try:
        return int(_calendar().working_time_between(start, end).total_seconds() // 60)
    except CalendarNotConfigured:
        return None


def _workdays(start: dt.date, end: dt.date) -> int | None:
    try:
        return _calendar().workdays_between(start, end)
    except CalendarNotConfigured:
        return None


def apply(state: CaseState, event: CaseEvent, case: Case) -> None:
    """Fold one event of `case` into `state` (see the module doc)."""
    action, at, detail = event.action, event.at, event.detail or {}
    cf = state.case
    if action in (A.SUBMIT, A.FILE_WALK_IN):
        materials = detail.get("materials") or {}
        state.case = cf = CaseFact(
            case_id=case.pk,
            region_id=case.region_id,
            one_thing_code=detail.get("one_thing") or "",
            channel=case.channel,
            status=event.to_status,
            submitted_at=at,
            submitted_on=_date(at),
            review_due_at=_moment(detail.get("review_due")) if case.channel == Channel.ONLINE else None,
            committed=sum(1 for s in materials.values() if s == "committed"),
        )
        state.touch("case")
        return
    if cf is None:  # a case filed before this projection's first event (no filing event): nothing to count
        return
    if event.item_id is None and event.to_status and cf.status != event.to_status:
        cf.status = event.to_status
        state.touch("case")
    if action in (A.REQUEST_CORRECTION, A.RECEIVE) and cf.reviewed_at is None:
        cf.reviewed_at = at
        cf.review_minutes = _working_minutes(cf.submitted_at, at) if cf.channel == Channel.ONLINE else None
        state.touch("case")
    if action == A.RECEIVE:
        cf.received_at, cf.received_on = at, _date(at)
        cf.deferred = {k: v for k, v in (detail.get("deferred") or {}).items() if v}
        _deferred_changed(cf)
        state.touch("case")
    elif action in (A.SUPPLY_DEFERRED, A.RELEASE_DEFERRAL):
        key = detail.get("material")
        if key in cf.deferred:
            cf.deferred = {k: v for k, v in cf.deferred.items() if k != key}
            _deferred_changed(cf)
            state.touch("case")
    elif action == A.REPLACE_MATERIAL and (detail.get("before") or {}).get("state") == "committed":
        cf.committed = max(cf.committed - 1, 0)
        state.touch("case")
    elif action == A.DISTRIBUTE:
        _distribute(state, event, cf)
    elif action == A.WITHDRAW:
        cf.withdrawn_at = at
        state.touch("case")
        for pk in detail.get("items") or []:
            if pk in state.items:
                state.items[pk].status = ItemStatus.WITHDRAWN
                state.touch(str(pk))
    elif action == A.DELIVER:
        for pk in detail.get("items") or []:
            if pk in state.items:
                fact = state.items[pk]
                fact.delivered_at, fact.delivery_late = at, bool(detail.get("late"))
                state.touch(str(pk))
    if action in ITEM_ACTIONS and event.item_id in state.items:
        _item_event(state.items[event.item_id], event)
        state.touch(str(event.item_id))


def _deferred_changed(cf: CaseFact) -> None:
    dates = [d for d in (_day(v) for v in cf.deferred.values()) if d is not None]
    cf.deferred_first_due = min(dates) if dates else None


def _distribute(state: CaseState, event: CaseEvent, cf: CaseFact) -> None:
    pks = [pk for pk in event.detail.get("items") or [] if pk not in state.items]
    if not pks:
        return
    due = _moment(event.detail.get("acceptance_due"))
    rows = CaseItem.objects.filter(pk__in=pks).values_list(
        "pk", "department_id", "service_item_id", "acceptance_due_at"
    )
    for pk, department, service_item, item_due in rows:
        state.items[pk] = ItemFact(
            item_id=pk,
            case_id=cf.case_id,
            region_id=cf.region_id,
            one_thing_code=cf.one_thing_code,
            department_id=department,
            service_item_id=service_item,
            status=ItemStatus.QUEUED,
            received_at=event.at,
            received_on=_date(event.at),
            acceptance_due_at=due if "acceptance_due" in event.detail else item_due,
        )
        state.touch(str(pk))


def _item_event(fact: ItemFact, event: CaseEvent) -> None:
    action, at, detail = event.action, event.at, event.detail or {}
    if event.to_status:
        fact.status = event.to_status
    if action in (A.ACCEPT_ITEM, A.PRE_REVIEW_ITEM, A.REFUSE_ITEM):
        fact.acceptance_at = at
        if action != A.REFUSE_ITEM:
            fact.accepted_on = _date(at)
            fact.decision_due_on = _clock(detail, "decision_due", event)
    elif action == A.RELEASE_ITEM:
        if "decision_due" in detail:
            fact.decision_due_on = _day(detail["decision_due"])
    elif action == A.RESUME_ITEM:
        fact.paused_workdays += int(detail.get("paused_workdays") or 0)
        if detail.get("due_after"):
            fact.decision_due_on = _day(detail["due_after"])
    elif action in (A.APPROVE_ITEM, A.DENY_ITEM):
        fact.decided_at, fact.decided_on = at, _date(at)
        start = fact.accepted_on or _date(fact.received_at)
        days = _workdays(start, fact.decided_on)
        fact.decision_workdays = None if days is None else max(days - fact.paused_workdays, 0)


def _clock(detail: dict, key: str, event: CaseEvent) -> dt.date | None:
    if key in detail:
        return _day(detail[key])
    return event.item.decision_due_on if event.item is not None else None  # an event older than the clock detail


# ---------------------------------------------------------------- the hook and the rebuild


def _load(case_id: int) -> CaseState:
    return CaseState(
        case=CaseFact.objects.filter(pk=case_id).first(),
        items={f.item_id: f for f in ItemFact.objects.filter(case_id=case_id)},
    )


def _save(state: CaseState) -> None:
    if "case" in state.dirty and state.case is not None:
        state.case.save()
    for key in state.dirty - {"case"}:
        state.items[int(key)].save()
    state.dirty.clear()


def on_event(event: CaseEvent) -> None:
    """cases.kernel.ON_EVENT: keep the case's rows in step with its trail, in the event's transaction. The case row
    is locked by the change recording the event (cases.kernel.lock_case), so two events of one case never race."""
    if not relevant(event):
        return
    state = _load(event.case_id)
    apply(state, event, event.case)
    _save(state)


def rebuild(case_ids: Iterable[int] | None = None) -> int:
    """Recompute the rows of these cases (None: every case) from their events; returns how many cases."""
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=list(case_ids))
    count = 0
    for case in cases.order_by("pk").iterator(chunk_size=500):
        with transaction.atomic():
            CaseFact.objects.filter(pk=case.pk).delete()
            ItemFact.objects.filter(case_id=case.pk).delete()
            state = recompute(case)
            _save(state)
        count += 1
    return count


def recompute(case: Case) -> CaseState:
    """The rows of `case` from its events alone, not saved."""
    state = CaseState(case=None)
    for event in case.events.order_by("at", "id").select_related("item"):
        if relevant(event):
            apply(state, event, case)
    return state
