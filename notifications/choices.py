from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")  # 短信
    SITE = "site", _("Site message")  # 站内信


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")  # 待发送
    SENT = "sent", _("Sent")  # 已发送
    FAILED = "failed", _("Failed, to be retried")  # 发送失败，待重试
    DEAD = "dead", _("Undeliverable")  # 无法送达（已停止重试，待管理员处理）

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.QUEUED: "grey", cls.SENT: "green", cls.FAILED: "orange", cls.DEAD: "red"}[value]
