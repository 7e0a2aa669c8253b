"""The outbox: every message the platform sends (SMS) or leaves in an applicant's inbox (站内信).

A Message is written once by `services.do_queue_message`, in the transaction of the change it is about, and
afterwards only its delivery fields change (status, sent_at, attempts, last_error, next_attempt_at) in
`services.deliver_message`: retried with a growing delay (`retry_due_messages`, every minute) until it is sent or,
after settings.OUTBOX_MAX_ATTEMPTS, marked undeliverable (the dead letters an administrator sees and may requeue). What it is about is kept as plain fields (`kind`, such
as "otp" or "case.received", and `case_number`), so that the outbox does not depend on the apps that write to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField

from .choices import Channel, MessageStatus


class Message(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_received",
    )
    mobile = EncryptedCharField(_("mobile"), blank=True)  # where an SMS goes, as it was at the time (encrypted)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=40)  # what it is about: "otp", "case.received", …
    case_number = models.CharField(_("case number"), max_length=40, blank=True, db_index=True)
    subject = models.CharField(_("message subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # the person whose action queued it; empty for the system or an anonymous visitor
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)  # a failed SMS: when to retry
    requeued_at = models.DateTimeField(_("requeued at"), null=True, blank=True)  # an undeliverable one sent again
    requeued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requeued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="message_recipient_recent"),
            # what the retry sweep reads: the few SMS not sent yet
            models.Index(
                fields=["status", "next_attempt_at"],
                name="message_to_retry",
                condition=Q(status__in=[MessageStatus.QUEUED, MessageStatus.FAILED]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(mobile=""), name="message_has_recipient_or_mobile"
            ),
            models.CheckConstraint(condition=~Q(channel=Channel.SMS) | ~Q(mobile=""), name="message_sms_has_mobile"),
            models.CheckConstraint(
                condition=~Q(channel=Channel.SITE) | Q(recipient__isnull=False), name="message_site_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        to = self.recipient or self.mobile
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_channel_display()} → {to}: {self.subject or self.kind}"

    @property
    def status_colour(self) -> str:
        return MessageStatus.colour(self.status)
