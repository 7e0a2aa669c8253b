"""Delivery as a background task: through the real queue an SMS waits for the worker, which sends it once.

The other tests run tasks at once (conftest.py, ImmediateBackend); here (`task_queue`, marked `tasks`) the queue is
the configured backend's — the database queue and `manage.py db_worker --batch` by default, Redis and an RQ worker
in burst mode with YIJIAN_TASKS_BACKEND=rq (.ci/run runs `pytest -m tasks` so) — and the worker runs what is
queued, then returns.
"""

from __future__ import annotations

import io
import logging
import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from notifications.choices import Channel, MessageStatus
from notifications.models import Message
from notifications.services import do_queue_message
from notifications.tasks import DeliveryFailed, deliver_message

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_TASKS  # django-tasks rebuilds its backends when TASKS changes
    return settings


def run_worker() -> None:
    """`manage.py db_worker --batch`: run every queued task, then exit. The worker drops database connections
    between tasks (close_old_connections), which would end this test's transaction; and it installs signal handlers
    and log handlers, which are put back afterwards."""
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved_signals = {s: signal.getsignal(s) for s in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved_loggers = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, stdout=io.StringIO())
    finally:
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        for lg, level, handlers in saved_loggers:
            lg.setLevel(level)
            lg.handlers[:] = handlers


def queue_sms(user) -> Message:
    return do_queue_message(recipient=user, channel=Channel.SMS, kind="case.received", body="您的申请已受理。")


@pytest.mark.tasks
def test_an_sms_is_enqueued_on_commit_and_sent_by_the_worker(
    task_queue, user_named, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
        assert not task_queue.ids  # nothing is queued before the commit

    [waiting] = task_queue.waiting()
    assert task_queue.in_broker() == 1  # in Redis with YIJIAN_TASKS_BACKEND=rq, else a row of the task table
    assert waiting.task.module_path == "notifications.tasks.deliver_message"
    assert (list(waiting.args), waiting.kwargs) == ([message.pk], {})
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # waiting for the worker

    task_queue.run()
    assert task_queue.in_broker() == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    [done] = task_queue.results()
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == MessageStatus.SENT

    deliver_message.enqueue(message.pk)  # the task again (a retry, a second worker): nothing is sent twice
    task_queue.run()
    message.refresh_from_db()
    assert message.attempts == 1
    assert not task_queue.waiting()


@pytest.mark.tasks
def test_a_site_message_needs_no_task(task_queue, user_named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        do_queue_message(recipient=user_named("citizen"), channel=Channel.SITE, kind="test", body="站内信")
    assert not task_queue.ids


@pytest.mark.tasks
def test_a_failed_delivery_fails_the_task_and_the_message_keeps_the_error(
    task_queue, settings, user_named, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_SENDER = "notifications.tests.test_notifications.FailingSender"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
    task_queue.run()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "ConnectionError: gateway unreachable")
    [done] = task_queue.results()
    assert done.status == TaskResultStatus.FAILED
    assert done.errors[-1].exception_class_path == f"{DeliveryFailed.__module__}.{DeliveryFailed.__qualname__}"


def test_a_queue_that_cannot_take_the_task_does_not_undo_the_change(
    database_queue, user_named, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch("django_tasks_db.DatabaseBackend.enqueue", side_effect=RuntimeError("queue down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = queue_sms(user_named("citizen"))
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # stays in the outbox, to be sent later
    assert "queue down" in caplog.text
