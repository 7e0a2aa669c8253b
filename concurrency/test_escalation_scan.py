"""The automatic 督办 scan against real concurrent transactions (PostgreSQL): an item a reviewer holds, or whose
case someone holds, is skipped at once and escalated by the next run; two runs at once escalate each item once."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection

from approvals.tests.conftest import restaurant_case
from supervision import scans
from supervision.models import Escalation

from .test_scans import QUICK, WAIT, T, holding, timed

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between real connections: run with DATABASE_URL=postgres://…"
)


def test_held_rows_are_skipped_then_escalated_by_the_next_run(settings):
    settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS = 2
    with time_machine.travel(T("2026-11-02 10:00"), tick=False):
        held_case, free_case = restaurant_case(), restaurant_case()  # acceptance due 11-03 17:00, never accepted
    late = T("2026-11-06 10:00")  # 11-04, 11-05, 11-06: three working days past the due day
    thread, release = holding(held_case, held_case.items.order_by("pk")[0])
    try:
        with time_machine.travel(late, tick=False):
            counts, seconds = timed(lambda: scans.scan_escalations(late))
    finally:
        release.set()
        thread.join(WAIT)
    assert seconds < QUICK, f"the scan waited {seconds:.1f} s for rows someone held"
    assert counts["escalated"] == 4  # the free case's four items; none of the held case's (its case row is held)
    assert set(Escalation.objects.values_list("case_id", flat=True)) == {free_case.pk}
    with time_machine.travel(late, tick=False):
        assert scans.scan_escalations(late)["escalated"] == 4  # the next run: the held case's items
    assert Escalation.objects.count() == 8


def test_two_runs_at_once_escalate_each_item_once(settings):
    settings.SUPERVISION_ESCALATE_AFTER_WORKDAYS = 2
    with time_machine.travel(T("2026-11-02 10:00"), tick=False):
        restaurant_case()
    late = T("2026-11-06 10:00")
    results: list[dict] = []

    def run() -> None:
        try:
            with time_machine.travel(late, tick=False):
                results.append(scans.scan_escalations(late))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT * 2)
    assert sum(r["escalated"] for r in results) == 4
    assert Escalation.objects.count() == 4
