"""The worker killed (`kill -9`) in the middle of delivering an SMS (issue 12, faults): the attempt's transaction
dies with the process, the row lock goes with its connection, and the message is still queued; the retry sweep
sends it, exactly once. PostgreSQL only (a real worker process on the test database)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from notifications.choices import Channel, MessageStatus
from notifications.models import Message
from notifications.senders import Sender
from notifications.services import do_queue_message, retry_due_messages

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process on the test database: PostgreSQL"),
]
ROOT = Path(__file__).resolve().parent.parent


class HangingSender(Sender):
    """Run in the worker process: says it has started (a marker file), then hangs as a slow gateway would."""

    def send(self, message):
        Path(os.environ["YIJIAN_TEST_MARKER"]).write_text(str(message.pk))
        time.sleep(120)


class RecordingSender(Sender):
    sent: list[int] = []

    def send(self, message):
        RecordingSender.sent.append(message.pk)


def worker_env(marker: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "yijian.test_settings"),
        "YIJIAN_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "YIJIAN_NOTIFICATION_SENDER": "concurrency.test_worker_killed.HangingSender",
        "YIJIAN_TEST_MARKER": str(marker),
    }


def test_a_worker_killed_midway_through_a_delivery_loses_nothing_and_sends_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.NOTIFICATION_SENDER = "concurrency.test_worker_killed.RecordingSender"
    RecordingSender.sent = []
    citizen = User.objects.get(username="citizen")
    message = do_queue_message(recipient=citizen, channel=Channel.SMS, kind="case.received", body="您的申请已受理。")
    task = DBTaskResult.objects.get(task_path="notifications.tasks.deliver_message")  # enqueued on commit

    marker = tmp_path / "sending"
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0"],
        cwd=ROOT,
        env=worker_env(marker),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert worker.poll() is None, "the worker ended before it called the gateway"
            assert time.monotonic() < deadline, "the worker did not reach the gateway in 60 s"
            time.sleep(0.1)
        os.kill(worker.pid, signal.SIGKILL)  # in the middle of the task, holding the message's row lock
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.QUEUED, 0, None)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING  # the queue still thinks it runs: it will never finish
    assert RecordingSender.sent == []

    later = message.created_at + dt.timedelta(seconds=settings.OUTBOX_STALE_SECONDS + 60)
    with time_machine.travel(later, tick=False):
        assert retry_due_messages() == {"sent": 1}  # the dead worker's lock is gone: no wait
        assert retry_due_messages() == {}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 1)
    assert RecordingSender.sent == [message.pk]
    assert Message.objects.filter(pk=message.pk, status=MessageStatus.SENT).count() == 1
