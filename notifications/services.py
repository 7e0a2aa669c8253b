"""Queueing and delivering messages.

`do_queue_message` writes the Message in the caller's transaction (the outbox row is part of the change it is about)
and, once that transaction commits, enqueues the background task `tasks.deliver_message` (settings.TASKS: the
database queue run by `manage.py db_worker`; at once in the tests), which calls `deliver_message` here — a plain,
idempotent function of the message id. A message queued inside a transaction that rolls back is never sent.

Retries: a sender that fails leaves the SMS `failed` with `next_attempt_at` (OUTBOX_RETRY_SECONDS, doubling per
attempt); `retry_due_messages` (the periodic task `tasks.retry_messages`) sends those due, and SMS still `queued`
after OUTBOX_STALE_SECONDS (their enqueue was lost: the queue was down, the worker died). After OUTBOX_MAX_ATTEMPTS
the message is `dead` (无法送达): no more retries; administrators see them (admin, filter by status) and may requeue
them (`do_requeue_message`). Each message is sent at most once: delivery locks its row and skips one already sent.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.validators import normalize_mobile

from .choices import Channel, MessageStatus
from .models import Message
from .senders import get_sender

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger("yijian.outbox")


@transaction.atomic(savepoint=False)  # inside the change's transaction: it fails with the change, never alone
def do_queue_message(
    *,
    recipient: User | None = None,
    mobile: str = "",
    channel: str,
    kind: str,
    subject: str = "",
    body: str,
    case_number: str = "",
    acting_user: User | None = None,
) -> Message:
    """Write a message to the outbox. An SMS goes to `mobile` (default: the recipient's mobile) once the transaction
    commits; a site message (站内信) is delivered by being stored."""
    channel = Channel(channel)
    mobile = normalize_mobile(mobile)
    if channel == Channel.SMS and not mobile and recipient is not None:
        mobile = recipient.mobile
    if channel == Channel.SMS and not mobile:
        raise ValueError("An SMS needs a mobile number (the recipient has none).")
    if channel == Channel.SITE and recipient is None:
        raise ValueError("A site message needs a recipient account.")
    now = timezone.now()
    message = Message(
        recipient=recipient,
        mobile=mobile,
        channel=channel,
        kind=kind,
        subject=subject,
        body=body,
        case_number=case_number,
        created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
        created_at=now,
    )
    if channel == Channel.SITE:
        message.status, message.sent_at = MessageStatus.SENT, now
    message.save()
    if channel == Channel.SMS:
        # robust: the change that queued the SMS has committed whatever happens to the queue; a message that could
        # not be enqueued stays "queued" in the outbox (logged), and `deliver_message(id)` sends it later.
        transaction.on_commit(lambda: _enqueue_delivery(message.pk), robust=True)
    return message


def tell_applicant(
    applicant: User, *, kind: str, subject: str, body: str, link: str = "", case_number: str = "", sms: bool = True
) -> None:
    """A site message (站内信, with a link to the page) and, when the applicant has a mobile, an SMS (without it)."""
    site_body = f"{body} {link}" if link else body
    do_queue_message(
        recipient=applicant, channel=Channel.SITE, kind=kind, subject=subject, body=site_body, case_number=case_number
    )
    if sms and applicant.mobile:
        do_queue_message(
            recipient=applicant, channel=Channel.SMS, kind=kind, subject=subject, body=body, case_number=case_number
        )


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import deliver_message as deliver_message_task

    deliver_message_task.enqueue(message_id)


def _retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def deliver_message(message_id: int) -> Message | None:
    """Send one queued (or earlier failed) message through the configured sender and record the attempt.

    A message already sent is left alone, so calling this twice (a retried task) sends nothing twice; an
    undeliverable one (`dead`) too, until an administrator requeues it. A sender's exception marks the message failed
    with the error and the time of the next attempt, or dead after settings.OUTBOX_MAX_ATTEMPTS attempts.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status in (MessageStatus.SENT, MessageStatus.DEAD):
            return message
        message.attempts += 1
        try:
            get_sender().send(message)
        except Exception as exc:
            logger.exception("Message %s could not be delivered (attempt %s)", message.pk, message.attempts)
            message.last_error = f"{type(exc).__name__}: {exc}"
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status, message.next_attempt_at = MessageStatus.DEAD, None
            else:
                message.status = MessageStatus.FAILED
                message.next_attempt_at = timezone.now() + _retry_delay(message.attempts)
        else:
            message.status, message.sent_at, message.last_error = MessageStatus.SENT, timezone.now(), ""
            message.next_attempt_at = None
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return message


def retry_due_messages(now: dt.datetime | None = None, *, limit: int = 500) -> dict[str, int]:
    """Send the SMS due again: failed ones whose next attempt has come, and queued ones older than
    settings.OUTBOX_STALE_SECONDS (never handed to the worker, or lost with it). Returns the outcome counts."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    due = (
        Message.objects.filter(channel=Channel.SMS)
        .filter(
            Q(status=MessageStatus.FAILED, next_attempt_at__lte=now)
            | Q(status=MessageStatus.QUEUED, created_at__lte=stale, next_attempt_at__isnull=True)
            | Q(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {str(s): 0 for s in MessageStatus}
    for pk in list(due):
        message = deliver_message(pk)
        if message is not None:
            counts[str(message.status)] += 1
    return {k: v for k, v in counts.items() if v}


@transaction.atomic
def do_requeue_message(message: Message, *, acting_user: User) -> Message:
    """An administrator sends an undeliverable (or failed) SMS again: it is due at once, with a fresh set of
    attempts; who did it and when is kept on the message."""
    if not acting_user.is_superuser:
        raise PermissionError("Only system administrators requeue messages.")
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.channel != Channel.SMS or message.status not in (MessageStatus.DEAD, MessageStatus.FAILED):
        return message
    now = timezone.now()
    message.status, message.attempts, message.next_attempt_at = MessageStatus.QUEUED, 0, now
    message.requeued_at, message.requeued_by = now, acting_user
    message.save(update_fields=["status", "attempts", "next_attempt_at", "requeued_at", "requeued_by"])
    transaction.on_commit(lambda: _enqueue_delivery(message.pk), robust=True)
    return message
