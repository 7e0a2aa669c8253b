"""`manage.py run_periodic`: enqueues settings.PERIODIC_TASKS; with the database queue, never twice while waiting."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.tests.test_tasks import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db
PERIODIC = {
    "approvals.tasks.scan_deadlines",
    "cases.tasks.scan_review_clocks",
    "notifications.tasks.retry_messages",
    "supervision.tasks.scan_escalations",
}


def run_once() -> str:
    out = io.StringIO()
    call_command("run_periodic", once=True, stdout=out)
    return out.getvalue()


def test_once_enqueues_each_periodic_task_and_the_worker_runs_them(settings):
    settings.TASKS = DATABASE_TASKS
    output = run_once()
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == PERIODIC
    assert "approvals.tasks.scan_deadlines: enqueued" in output

    output = run_once()  # no worker ran yet: not enqueued again
    assert DBTaskResult.objects.count() == len(PERIODIC)
    assert "still queued" in output

    run_worker()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert DBTaskResult.objects.get(task_path="approvals.tasks.scan_deadlines").return_value == {
        "warning": 0,
        "overdue": 0,
    }
    assert DBTaskResult.objects.get(task_path="notifications.tasks.retry_messages").return_value == {}
    run_once()
    assert DBTaskResult.objects.ready().count() == len(PERIODIC)


def test_with_an_immediate_backend_the_tasks_run_at_once():
    output = run_once()  # the tests' backend (conftest.py)
    assert "scan_review_clocks: enqueued" in output and "successful" in output
    assert not DBTaskResult.objects.exists()


def test_a_periodic_entry_that_is_not_a_task_is_refused(settings):
    settings.PERIODIC_TASKS = {"approvals.services.scan_deadlines": 60}
    with pytest.raises(CommandError, match="not a task"):
        run_once()
    settings.PERIODIC_TASKS = {"approvals.tasks.scan_deadlines": 0}
    with pytest.raises(CommandError, match="positive"):
        run_once()
