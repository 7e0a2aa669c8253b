"""Queueing and delivering messages.

`do_queue_message` writes the Message and, once the surrounding transaction commits, enqueues the background task
`tasks.deliver_message` (settings.TASKS: the database queue run by `manage.py db_worker`; at once in the tests),
which calls `deliver_message` here — a plain, idempotent function of the message id. A message queued inside a
transaction that rolls back is never sent.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.validators import normalize_mobile

from .choices import Channel, MessageStatus
from .models import Message
from .senders import get_sender

logger = logging.getLogger("yijian.outbox")


@transaction.atomic
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


def deliver_message(message_id: int) -> Message | None:
    """Send one queued (or earlier failed) message through the configured sender and record the attempt.

    A message already sent is left alone, so calling this twice (a retried task) sends nothing twice. A sender's
    exception marks the message failed with the error; calling this again retries it.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == MessageStatus.SENT:
            return message
        message.attempts += 1
        try:
            get_sender().send(message)
        except Exception as exc:
            logger.exception("Message %s could not be delivered", message.pk)
            message.status, message.last_error = MessageStatus.FAILED, f"{type(exc).__name__}: {exc}"
        else:
            message.status, message.sent_at, message.last_error = MessageStatus.SENT, timezone.now(), ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return message
