"""The deadline scan (approvals.scans): SQL selects what may need a flag, exactly what the item clocks say; each flag
is written once, with its event and its notice, in the transaction of its batch.

The candidate selection is compared with `item_clock` (what the scan used to read for every open item) over
generated items around the warning thresholds of both clocks — before National Day, a 调休 Saturday, the Spring
Festival, a Monday an administrator closed, the end of the last configured year — in every clock_flag.
PostgreSQL's row locks (an item a reviewer holds is skipped) are tested in concurrency/test_scans.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import logging

import pytest

from approvals import scans, services
from approvals.services import item_clock
from cases.choices import CaseAction, ItemStatus
from cases.models import Case, CaseEvent, CaseItem
from notifications.models import Message
from workcalendar.choices import ClockState
from workcalendar.clocks import warning_horizon, warning_threshold
from workcalendar.services import CalendarNotConfigured, WorkingCalendar, do_set_calendar_day

from .conftest import SHANGHAI, at, restaurant_case

pytestmark = pytest.mark.django_db

OPEN = (ItemStatus.QUEUED, ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW)
FLAG_OF = {ClockState.WARNING: "warning", ClockState.OVERDUE: "overdue"}
ANCHORS = [
    "2026-09-30 16:17",  # the last working day before National Day (10-01…10-07)
    "2026-10-09 16:40",  # Friday before the 调休 Saturday 10-10
    "2026-02-13 15:10",  # Friday before the 调休 Saturday 02-14 and the Spring Festival (02-15…02-23)
    "2026-11-20 17:00",  # a Friday at closing time: a decision due today is not late yet
    "2026-11-27 16:00",  # Friday before Monday 11-30, closed by the administrator (below)
    "2026-12-31 15:30",  # the last configured day: 2027 is not
]


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def the_old_scan_flags(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar) -> str | None:
    """What the full scan did for one item: read its clock; flag it when 预警/超期 and not flagged so already."""
    if item.status not in OPEN:
        return None
    try:
        reading = item_clock(item, now, calendar)
    except CalendarNotConfigured:
        return None
    flag = FLAG_OF.get(reading.state) if reading is not None else None
    return flag if flag and flag != item.clock_flag else None


def reading(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar):
    try:
        return item_clock(item, now, calendar)
    except CalendarNotConfigured:
        return None


def unreadable(item: CaseItem, now: dt.datetime, calendar: WorkingCalendar) -> bool:
    try:
        item_clock(item, now, calendar)
    except CalendarNotConfigured:
        return True
    return False


def specs_around(now: dt.datetime, calendar: WorkingCalendar) -> list[dict]:
    """Items whose due moments sit around `now`'s thresholds, each clock_flag in turn."""
    flags = itertools.cycle(["", "warning", "overdue"])
    specs = []
    acceptance = warning_threshold(services.acceptance_warning(), by_day=False, calendar=calendar)
    edge = warning_horizon(now, acceptance, calendar)
    dues = [now + dt.timedelta(minutes=25 * k) for k in range(-3, 60 * 24 // 25)]  # 25 minutes apart, 2.5 days
    dues += [now + dt.timedelta(hours=11 * k) for k in range(-6, 13 * 24 // 11)]  # 11 hours apart, -3 to +13 days
    dues += [edge + dt.timedelta(microseconds=d) for d in (-1, 0, 1)] + [now, now - dt.timedelta(microseconds=1)]
    for due in dues:
        for flag in ("", "warning", "overdue") if due in (edge, now) else (next(flags),):
            specs.append({"status": ItemStatus.QUEUED, "acceptance_due_at": due, "clock_flag": flag})
    today = now.date()
    for days in range(-3, 13):
        for flag in ("", "warning", "overdue"):
            for status in (ItemStatus.ACCEPTED, ItemStatus.PRE_REVIEW):
                specs.append(
                    {
                        "status": status,
                        "decision_due_on": today + dt.timedelta(days=days),
                        "acceptance_due_at": now - dt.timedelta(days=2),  # long past, but no longer its clock
                        "clock_flag": flag,
                    }
                )
    past = now - dt.timedelta(days=1)
    specs += [  # never flagged: paused, ended, or without a deadline
        {"status": ItemStatus.SUPPLEMENT, "decision_due_on": past.date(), "paused_at": past, "clock_flag": ""},
        {"status": ItemStatus.APPROVED, "decision_due_on": past.date(), "clock_flag": ""},
        {"status": ItemStatus.QUEUED, "acceptance_due_at": None, "clock_flag": ""},
        {"status": ItemStatus.ACCEPTED, "decision_due_on": None, "clock_flag": ""},
    ]
    return specs


_numbers = itertools.count()


def generate(base: Case, specs: list[dict]) -> None:
    """Copies of `base` (a received case), each with copies of its items set as `specs` say, in bulk."""
    templates = list(base.items.order_by("order", "id"))
    cases = []
    for _ in range(-(-len(specs) // len(templates))):
        number = next(_numbers)
        clone = copy.copy(base)
        clone.pk = clone.id = None
        clone._state = copy.copy(base._state)
        clone._state.adding = True
        clone.number, clone.submission_key, clone.draft = f"GEN{number:08d}", f"generated-{number}", None
        cases.append(clone)
    cases = Case.objects.bulk_create(cases)
    items = []
    for spec, (case, template) in zip(specs, itertools.product(cases, templates), strict=False):
        item = copy.copy(template)
        item.pk = item.id = None
        item._state = copy.copy(template._state)
        item._state.adding = True
        item.case = case
        item.acceptance_due_at = item.decision_due_on = item.paused_at = None
        for name, value in spec.items():
            setattr(item, name, value)
        items.append(item)
    CaseItem.objects.bulk_create(items)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_the_sql_selection_never_misses_what_the_item_clocks_flag(admin_user, anchor):
    do_set_calendar_day(dt.date(2026, 11, 30), False, name="临时停办", reason="系统迁移", acting_user=admin_user)
    calendar = WorkingCalendar()
    now = T(anchor)
    with at("2026-02-10 10:00"):
        base = restaurant_case()
    specs = specs_around(now, calendar)
    for flag, status, days in itertools.product(("", "warning", "overdue"), OPEN, (-60, 60)):  # far off
        due = now + dt.timedelta(days=days)
        specs.append({"status": status, "acceptance_due_at": due, "decision_due_on": due.date(), "clock_flag": flag})
    generate(base, specs)
    every = list(CaseItem.objects.all())
    open_items = [i for i in every if i.status in OPEN]
    assert len(every) > 200

    expected = {i.pk: flag for i in every if (flag := the_old_scan_flags(i, now, calendar))}
    selected = set(scans.candidates(now, calendar).values_list("pk", flat=True))
    missed = [i for i in every if i.pk in expected.keys() - selected]
    assert not missed, [(i.status, i.acceptance_due_at, i.decision_due_on, i.clock_flag) for i in missed]
    extra = [i for i in every if i.pk in selected - expected.keys()]
    # nothing more than the flags, but items whose clock cannot be read (the year after is not configured)
    assert all(unreadable(i, now, calendar) for i in extra), [
        (i.status, i.acceptance_due_at, i.decision_due_on, i.clock_flag) for i in extra
    ]
    assert {"warning", "overdue"} <= set(expected.values())
    reads = {i.pk: (FLAG_OF.get(r.state, "") if (r := reading(i, now, calendar)) else None, i) for i in open_items}
    as_flagged = {pk for pk, (flag, i) in reads.items() if flag and flag == i.clock_flag}
    not_due = {pk for pk, (flag, _i) in reads.items() if flag == ""}
    assert as_flagged and not_due and not (selected & (as_flagged | not_due))  # the SQL left both out


def staff_notices(kind: str) -> int:
    return Message.objects.filter(kind=kind).count()


def test_an_item_is_flagged_once_with_its_event_and_notice_in_the_scan_transaction(
    django_capture_on_commit_callbacks,
):
    with at("2026-09-29 10:00"):
        case = restaurant_case()
    items = list(case.items.all())
    assert {i.status for i in items} == {ItemStatus.QUEUED}  # acceptance due 09-30 17:00
    with django_capture_on_commit_callbacks():  # not run: the notices must be rows of the scan's own transaction
        assert services.scan_deadlines(T("2026-09-30 15:30")) == {"warning": len(items), "overdue": 0}
        warned = staff_notices("task.warning")
    assert warned >= len(items)
    assert services.scan_deadlines(T("2026-09-30 15:45")) == {"warning": 0, "overdue": 0}
    assert staff_notices("task.warning") == warned
    assert services.scan_deadlines(T("2026-10-08 09:00")) == {"warning": 0, "overdue": len(items)}
    assert services.scan_deadlines(T("2026-10-08 09:01")) == {"warning": 0, "overdue": 0}
    for item in items:
        item.refresh_from_db()
        assert item.clock_flag == "overdue"
        events = list(item.events.filter(action__startswith="clock").order_by("at"))
        assert [e.action for e in events] == [CaseAction.CLOCK_WARNING, CaseAction.CLOCK_OVERDUE]
        assert events[0].detail == {"item": item.name, "due": "2026-09-30T17:00:00+08:00"}
        assert (events[0].actor, events[0].summary, events[0].from_status) == (None, "", ItemStatus.QUEUED)
    assert staff_notices("task.overdue") == warned


def test_an_item_flagged_between_selection_and_lock_is_not_flagged_again(monkeypatch):
    with at("2026-09-29 10:00"):
        case = restaurant_case()
    selected = scans.candidates

    def raced(now, calendar):  # another run flags every item right after this one selected them
        found = list(selected(now, calendar))
        CaseItem.objects.filter(case=case).update(clock_flag="warning")
        return found

    monkeypatch.setattr(scans, "candidates", raced)
    assert services.scan_deadlines(T("2026-09-30 15:30")) == {"warning": 0, "overdue": 0}
    assert not CaseEvent.objects.filter(case=case, action=CaseAction.CLOCK_WARNING).exists()
    assert staff_notices("task.warning") == 0


def test_batches_are_transactions_of_their_own_and_a_failing_item_is_rolled_back_whole(monkeypatch, caplog):
    with at("2026-09-29 10:00"):
        case = restaurant_case()
    items = list(case.items.order_by("pk"))
    poisoned = items[1]
    from approvals import notify

    tell = notify.tell_department_clock

    def failing(item_pk, flag):
        tell(item_pk, flag)  # its notices are written, then the failure: all of it must go
        if item_pk == poisoned.pk:
            raise RuntimeError("outbox unavailable")

    locks = []
    lock_chain = scans.lock_chain
    monkeypatch.setattr(scans, "lock_chain", lambda model: locks.append(model) or lock_chain(model))
    monkeypatch.setattr(scans, "BATCH", 3)
    monkeypatch.setattr(notify, "tell_department_clock", failing)
    with caplog.at_level(logging.ERROR, logger="approvals.scans"):
        assert services.scan_deadlines(T("2026-09-30 15:30")) == {"warning": len(items) - 1, "overdue": 0}
    assert len(locks) == 2  # 4 items, 3 per batch
    assert f"could not flag item {poisoned.pk}" in caplog.text
    poisoned.refresh_from_db()
    assert poisoned.clock_flag == ""
    assert not poisoned.events.filter(action=CaseAction.CLOCK_WARNING).exists()
    notices = staff_notices("task.warning")
    assert Message.objects.filter(kind="task.warning", subject=poisoned.name).count() < notices

    monkeypatch.setattr(notify, "tell_department_clock", tell)  # the next run flags it
    assert services.scan_deadlines(T("2026-09-30 15:31")) == {"warning": 1, "overdue": 0}
    poisoned.refresh_from_db()
    assert poisoned.clock_flag == "warning"
    assert poisoned.events.filter(action=CaseAction.CLOCK_WARNING).count() == 1


def test_nothing_to_flag_locks_nothing(monkeypatch, django_assert_max_num_queries):
    with at("2026-09-29 10:00"):
        restaurant_case()
    monkeypatch.setattr(scans, "_flag_batch", lambda *args: pytest.fail("no batch when nothing is due"))
    with django_assert_max_num_queries(3):  # the calendar's two tables, the candidates
        assert services.scan_deadlines(T("2026-09-29 11:00")) == {"warning": 0, "overdue": 0}


def test_the_scan_reads_the_candidates_through_the_partial_indexes():
    from django.db import connection

    names = {
        name
        for name, index in connection.introspection.get_constraints(
            connection.cursor(), CaseItem._meta.db_table
        ).items()
        if index["index"]
    }
    assert {"caseitem_acceptance_clock", "caseitem_decision_clock"} <= names


@pytest.mark.tasks
def test_the_periodic_scan_runs_on_the_queue_and_its_worker(task_queue, django_capture_on_commit_callbacks):
    """As deployed: `run_periodic --once` enqueues approvals.tasks.scan_deadlines on the configured backend (the
    database, or Redis with YIJIAN_TASKS_BACKEND=rq); the worker takes it from there and flags the items."""
    import io

    from django.core.management import call_command
    from django_tasks import TaskResultStatus

    with at("2026-09-29 10:00"):
        case = restaurant_case()
    items = list(case.items.all())
    with at("2026-09-30 15:30"):
        call_command("run_periodic", once=True, stdout=io.StringIO())
        assert not CaseItem.objects.filter(case=case).exclude(clock_flag="").exists()  # enqueued, not run
        with django_capture_on_commit_callbacks(execute=True):
            task_queue.run()
    scan = next(r for r in task_queue.results() if r.task.module_path == "approvals.tasks.scan_deadlines")
    assert scan.status == TaskResultStatus.SUCCESSFUL
    assert scan.return_value == {"warning": len(items), "overdue": 0}
    assert set(CaseItem.objects.filter(case=case).values_list("clock_flag", flat=True)) == {"warning"}
