"""States of a 督办 (escalation), with a label and a colour each; how it was raised."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the department's answer")  # 待回复
    ANSWERED = "answered", _("Answered by the department")  # 已回复
    CLOSED = "closed", _("Closed")  # 已办结

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.OPEN: "red", cls.ANSWERED: "amber", cls.CLOSED: "grey"}[value]


class EscalationSource(models.TextChoices):
    SUPERVISOR = "supervisor", _("Raised by a supervisor")  # 监察人员督办
    AUTOMATIC = "automatic", _("Raised automatically: overdue")  # 超期自动督办


class EscalationAction(models.TextChoices):
    """The escalation's own actions (its state table: supervision/rules.py ESCALATION)."""

    RAISE = "raise", _("Raise")  # 发起督办
    ANSWER = "answer", _("Answer")  # 回复督办
    CLOSE = "close", _("Close")  # 办结督办
    END = "end", _("Closed: the item ended")  # 事项已办结，督办自动办结
