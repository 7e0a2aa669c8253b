"""Faults at each kind of outbox delivery (issue 12): the SMS gateway failing, the queue losing the task, the worker
killed in the middle of a delivery, and a site message that cannot be written. After recovery every message is
sent exactly once; nothing a change wrote is lost or half-written. `pytest -m faults`."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from notifications.choices import Channel, MessageStatus
from notifications.models import Message
from notifications.senders import Sender
from notifications.services import deliver_message, do_queue_message, do_requeue_message, retry_due_messages

pytestmark = [pytest.mark.django_db, pytest.mark.faults]


class FlakySender(Sender):
    """A gateway that refuses the first `failures` attempts, then sends; it records every message it sent."""

    failures = 0
    sent: list[int] = []

    def send(self, message):
        if FlakySender.failures > 0:
            FlakySender.failures -= 1
            raise ConnectionError("gateway unreachable")
        FlakySender.sent.append(message.pk)


@pytest.fixture
def flaky(settings):
    settings.NOTIFICATION_SENDER = "notifications.tests.test_faults.FlakySender"
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_SECONDS, settings.OUTBOX_STALE_SECONDS = 3, 60, 120
    FlakySender.failures, FlakySender.sent = 0, []
    return FlakySender


def queue_sms(user) -> Message:
    return do_queue_message(recipient=user, channel=Channel.SMS, kind="case.received", body="您的申请已受理。")


def later(message: Message, minutes: float):
    return time_machine.travel(message.created_at + dt.timedelta(minutes=minutes), tick=False)


def test_a_refused_sms_is_retried_with_a_growing_delay_and_sent_once(
    flaky, user_named, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    with django_capture_on_commit_callbacks(execute=True):  # the enqueue runs the task at once (tests)
        message = queue_sms(user_named("citizen"))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    first_retry = message.next_attempt_at
    assert first_retry - timezone.now() <= dt.timedelta(seconds=61)

    assert retry_due_messages() == {}  # not due yet
    with later(message, 1.5):
        assert retry_due_messages() == {"failed": 1}
    message.refresh_from_db()
    assert message.next_attempt_at - first_retry >= dt.timedelta(minutes=1.5)  # 2 minutes after the second attempt
    with later(message, 4):
        assert retry_due_messages() == {"sent": 1}
    with later(message, 60):
        assert retry_due_messages() == {}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 3, "")
    assert flaky.sent == [message.pk]


def test_a_message_the_gateway_keeps_refusing_becomes_a_dead_letter_an_administrator_requeues(
    flaky, user_named, django_capture_on_commit_callbacks
):
    flaky.failures = 99
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
    for minutes in (2, 10, 60):
        with later(message, minutes):
            retry_due_messages()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.DEAD, 3, None)
    with later(message, 600):
        assert retry_due_messages() == {}  # no more retries
    assert deliver_message(message.pk).status == MessageStatus.DEAD  # nor through the task

    flaky.failures = 0
    with pytest.raises(PermissionError):
        do_requeue_message(message, acting_user=user_named("citizen"))
    with django_capture_on_commit_callbacks(execute=True):
        do_requeue_message(message, acting_user=user_named("admin"))
    message.refresh_from_db()
    assert (message.status, message.requeued_by.username) == (MessageStatus.SENT, "admin")
    assert flaky.sent == [message.pk]


def test_an_sms_whose_task_was_lost_is_sent_by_the_sweep_once(flaky, user_named, django_capture_on_commit_callbacks):
    with (
        mock.patch("django_tasks.backends.immediate.ImmediateBackend.enqueue", side_effect=RuntimeError("queue down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = queue_sms(user_named("citizen"))
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    with later(message, 1):
        assert retry_due_messages() == {}  # may still be on its way through the queue
    with later(message, 3):
        assert retry_due_messages() == {"sent": 1}
        assert retry_due_messages() == {}
    assert flaky.sent == [message.pk]


def test_a_delivery_that_dies_midway_is_sent_once_after_recovery(flaky, user_named, django_capture_on_commit_callbacks):
    """The worker dies while the gateway is being called: the attempt's transaction never commits, so the message
    is still queued (its lock went with the connection) and the sweep sends it; a second run sends nothing more.
    (With a real `kill -9` of a worker process: concurrency/test_worker_killed.py, PostgreSQL.)"""

    class WorkerKilled(BaseException):  # not an Exception: nothing in the delivery catches it, as with SIGKILL
        pass

    with (
        mock.patch.object(FlakySender, "send", side_effect=WorkerKilled),
        django_capture_on_commit_callbacks(execute=True),  # the task runs and dies (the queue records it failed)
    ):
        message = queue_sms(user_named("citizen"))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 0)
    with later(message, 3):
        assert retry_due_messages() == {"sent": 1}
        assert retry_due_messages() == {}
    assert flaky.sent == [message.pk]


def test_a_site_message_that_cannot_be_written_undoes_the_change(user_named, media_root_for_cases):
    """A site message is delivered by being stored, in the change's transaction: if it cannot be written, the
    change (here: a withdrawal, which tells the applicant) does not happen either."""
    from cases.models import CaseEvent
    from cases.services import do_withdraw_case

    case = media_root_for_cases()
    events, messages = CaseEvent.objects.count(), Message.objects.count()
    with (
        mock.patch("notifications.models.Message.save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError, match="disk full"),
    ):
        do_withdraw_case(case, "不再开店", acting_user=user_named("enterprise"))
    case.refresh_from_db()
    assert case.withdrawn_at is None
    assert (CaseEvent.objects.count(), Message.objects.count()) == (events, messages)


@pytest.fixture
def media_root_for_cases(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    def make():
        from approvals.tests.conftest import restaurant_case

        return restaurant_case()

    return make
