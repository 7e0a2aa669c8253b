"""Senders deliver one SMS each; the NOTIFICATION_SENDER setting (a dotted path) names the one in use.

A sender for a real SMS gateway subclasses `Sender` and raises on failure; `services.deliver_message` records the
attempt either way. Site messages (站内信) need no sender: storing them is delivering them.
"""

from __future__ import annotations

import logging
import re
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


# Kinds of message whose text is a secret of the recipient's (one-time login codes): never written to a log.
SECRET_KINDS = ("otp",)
# 18-character identity numbers (GB 11643) and mobile numbers inside a text: masked before logging
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1\d{2})\d{4}(\d{4})(?!\d)")


def loggable(text: str) -> str:
    """The text with identity numbers and mobile numbers masked, as it may appear in a log."""
    text = _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class ConsoleSender(Sender):
    """For development and the demo: writes the message to the log (logger "yijian.outbox") instead of sending it,
    with the body of a login-code message left out and identity and mobile numbers masked (nothing in a log may
    let a reader log in as somebody else or learn their identity number)."""

    def send(self, message: Message) -> None:
        body = "（验证码短信，内容不写入日志）" if message.kind in SECRET_KINDS else message.body
        logger.info(
            "[%s → %s] %s%s",
            message.get_channel_display(),
            loggable(message.mobile) if message.mobile else message.recipient_id,
            loggable(f"{message.subject}: ") if message.subject else "",
            loggable(body),
        )


def get_sender() -> Sender:
    """The configured sender (setting NOTIFICATION_SENDER, a dotted path to a Sender subclass)."""
    path = getattr(settings, "NOTIFICATION_SENDER", DEFAULT_SENDER)
    sender = import_string(path)()
    if not isinstance(sender, Sender):
        raise ImproperlyConfigured(f"NOTIFICATION_SENDER {path!r} is not a notifications.senders.Sender.")
    return sender
