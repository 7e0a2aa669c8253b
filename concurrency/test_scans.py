"""The deadline scans against real concurrent transactions (PostgreSQL): a row someone holds is skipped at once and
picked up by the next run; two runs at once flag each item once."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo

import pytest
import time_machine
from django.db import connection, transaction

from accounts.models import User
from approvals import services
from approvals.tests.conftest import restaurant_case
from cases.choices import CaseAction
from cases.models import Case, CaseEvent, CaseItem
from cases.services import do_submit_case
from cases.tasks import scan_review_clocks_now
from cases.tests.conftest import make_ready_draft
from catalog.models import OneThing

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between real connections: run with DATABASE_URL=postgres://…"
)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
WAIT = 10  # seconds: how long the holder keeps its lock at most; a scan that waited would take this long
QUICK = 3  # seconds: a scan that skips is done well within this


def T(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def holding(*rows) -> tuple[threading.Thread, threading.Event]:
    """Another connection locks `rows` (model instances, in order, as the do_* functions do) and keeps them until the
    returned event is set."""
    holds, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                for row in rows:
                    type(row).objects.select_for_update().get(pk=row.pk)
                holds.set()
                release.wait(WAIT)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert holds.wait(WAIT)
    return thread, release


def timed(run):
    started = time.monotonic()
    result = run()
    return result, time.monotonic() - started


def test_items_a_reviewer_holds_are_skipped_not_waited_on():
    with time_machine.travel(T("2026-09-29 10:00"), tick=False):
        deciding, other = restaurant_case(), restaurant_case()  # four items each, acceptance due 09-30 17:00
    held_item = other.items.order_by("pk")[2]
    # a reviewer deciding an item of `deciding` holds its case, then the item (as every do_* does); another
    # transaction holds just one item of `other`
    thread, release = holding(deciding, deciding.items.order_by("pk")[0], held_item)
    try:
        counts, seconds = timed(lambda: services.scan_deadlines(T("2026-09-30 15:30")))
    finally:
        release.set()
        thread.join(WAIT)
    assert seconds < QUICK, f"the scan waited {seconds:.1f} s for rows a reviewer held"
    # the items of the held case are skipped too: their events would refer to (and wait for) the held case row
    assert counts == {"warning": 3, "overdue": 0}
    flags = dict(CaseItem.objects.values_list("pk", "clock_flag"))
    assert {flags[i.pk] for i in deciding.items.all()} == {""}
    assert [flags[i.pk] for i in other.items.order_by("pk")] == ["warning", "warning", "", "warning"]
    assert services.scan_deadlines(T("2026-09-30 15:31")) == {"warning": 5, "overdue": 0}  # the next run
    assert set(CaseItem.objects.values_list("clock_flag", flat=True)) == {"warning"}


def test_two_runs_at_once_flag_each_item_once():
    with time_machine.travel(T("2026-09-29 10:00"), tick=False):
        case = restaurant_case()
    start = threading.Barrier(2)
    results: list[object] = []

    def run() -> None:
        try:
            start.wait(WAIT)
            results.append(services.scan_deadlines(T("2026-10-08 09:00")))
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["overdue"] for r in results) == case.items.count()
    per_item = CaseEvent.objects.filter(case=case, action=CaseAction.CLOCK_OVERDUE).values_list("item", flat=True)
    assert sorted(per_item) == sorted(case.items.values_list("pk", flat=True))


def test_a_case_the_window_holds_is_skipped_by_the_review_clock_scan():
    enterprise = User.objects.get(username="enterprise")
    restaurant = OneThing.objects.get(code="410721-01-003", status="published")
    with time_machine.travel(T("2026-11-25 10:00"), tick=False):  # formal review due 12:00
        case = do_submit_case(make_ready_draft(enterprise, restaurant), "scan-lock", acting_user=enterprise)
    thread, release = holding(Case.objects.get(pk=case.pk))
    try:
        counts, seconds = timed(lambda: scan_review_clocks_now(T("2026-11-25 11:40")))
    finally:
        release.set()
        thread.join(WAIT)
    assert seconds < QUICK, f"the scan waited {seconds:.1f} s for a case the window held"
    assert counts == {"warning": 0, "overdue": 0}
    assert scan_review_clocks_now(T("2026-11-25 11:41")) == {"warning": 1, "overdue": 0}
    assert scan_review_clocks_now(T("2026-11-25 11:42")) == {"warning": 0, "overdue": 0}
