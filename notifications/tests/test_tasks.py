"""Delivery as a background task: through the database queue an SMS waits for the worker, which sends it once.

The other tests run tasks at once (conftest.py, ImmediateBackend); here the default backend is the database queue
as in production, and `manage.py db_worker --batch` runs what is queued, then exits.
"""

from __future__ import annotations

import io
import logging
import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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


def test_an_sms_is_enqueued_on_commit_and_sent_by_the_worker(
    database_queue, user_named, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
        assert not DBTaskResult.objects.exists()  # nothing is queued before the commit

    task_row = DBTaskResult.objects.get()
    assert task_row.task_path == "notifications.tasks.deliver_message"
    assert task_row.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert task_row.status == TaskResultStatus.READY
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # waiting for the worker

    run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.SUCCESSFUL
    assert task_row.return_value == MessageStatus.SENT

    deliver_message.enqueue(message.pk)  # the task again (a retry, a second worker): nothing is sent twice
    run_worker()
    message.refresh_from_db()
    assert message.attempts == 1
    assert not DBTaskResult.objects.ready().exists()


def test_a_site_message_needs_no_task(database_queue, user_named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        do_queue_message(recipient=user_named("citizen"), channel=Channel.SITE, kind="test", body="站内信")
    assert not DBTaskResult.objects.exists()


def test_a_failed_delivery_fails_the_task_and_the_message_keeps_the_error(
    database_queue, user_named, django_capture_on_commit_callbacks
):
    database_queue.NOTIFICATION_SENDER = "notifications.tests.test_notifications.FailingSender"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
    run_worker()
    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "ConnectionError: gateway unreachable")
    task_row = DBTaskResult.objects.get()
    assert task_row.status == TaskResultStatus.FAILED
    assert task_row.exception_class_path == f"{DeliveryFailed.__module__}.{DeliveryFailed.__qualname__}"


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
