"""Senders deliver one SMS each; the NOTIFICATION_SENDER setting (a dotted path) names the one in use.

A sender for a real SMS gateway subclasses `Sender` and raises on failure; `services.deliver_message` records the
attempt either way. Site messages (站内信) need no sender: storing them is delivering them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Message

DEFAULT_SENDER = "notifications.senders.ConsoleSender"

logger = logging.getLogger("yijian.outbox")


class Sender:
    """Delivers one message through its channel; raises an exception when the message did not go out."""

    def send(self, message: Message) -> None:
        raise NotImplementedError


class ConsoleSender(Sender):
    """For development and the demo: writes the message to the log (logger "yijian.outbox") instead of sending it."""

    def send(self, message: Message) -> None:
        logger.info(
            "[%s → %s] %s%s",
            message.get_channel_display(),
            message.mobile or message.recipient_id,
            f"{message.subject}: " if message.subject else "",
            message.body,
        )


def get_sender() -> Sender:
    """The configured sender (setting NOTIFICATION_SENDER, a dotted path to a Sender subclass)."""
    path = getattr(settings, "NOTIFICATION_SENDER", DEFAULT_SENDER)
    sender = import_string(path)()
    if not isinstance(sender, Sender):
        raise ImproperlyConfigured(f"NOTIFICATION_SENDER {path!r} is not a notifications.senders.Sender.")
    return sender
