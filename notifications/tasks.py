"""Background tasks of the outbox (Django's task API, django-tasks backport; README "Background work").

`deliver_message` is what `services.do_queue_message` enqueues once the transaction that wrote an SMS commits. The
work itself stays the plain `services.deliver_message`: idempotent (a message already sent is not sent again), so a
task run twice — a retry, two workers — sends one SMS.
"""

from __future__ import annotations

from django_tasks import task

from . import services
from .choices import MessageStatus


class DeliveryFailed(Exception):
    """The sender raised: the message is marked failed (with the error) and the task fails, so that the queue shows
    it and a queue with retries (RQ, Celery) can run it again."""


@task()
def deliver_message(message_id: int) -> str | None:
    """Send one queued or failed message; returns its status ("sent"), None when the message no longer exists."""
    message = services.deliver_message(message_id)
    if message is None:
        return None
    if message.status in (MessageStatus.FAILED, MessageStatus.DEAD):
        raise DeliveryFailed(f"Message {message.pk}: {message.last_error}")
    return str(message.status)


@task()
def retry_messages() -> dict[str, int]:
    """The periodic task: send again the SMS whose retry is due, and those whose enqueue was lost."""
    return services.retry_due_messages()
