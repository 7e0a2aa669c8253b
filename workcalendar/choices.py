from django.db import models
from django.utils.translation import pgettext_lazy


class ClockState(models.TextChoices):
    """Where a time limit (办理时限) stands at a given moment; rules in workcalendar/clocks.py."""

    NORMAL = "normal", pgettext_lazy("deadline clock", "On time")  # 正常
    WARNING = "warning", pgettext_lazy("deadline clock", "Due soon")  # 预警
    OVERDUE = "overdue", pgettext_lazy("deadline clock", "Overdue")  # 超期
    PAUSED = "paused", pgettext_lazy("deadline clock", "Paused")  # 暂停 (补正、特别程序: the clock stands still)
    DONE = "done", pgettext_lazy("deadline clock", "Done")  # 已完成

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.NORMAL: "green",
            cls.WARNING: "amber",
            cls.OVERDUE: "red",
            cls.PAUSED: "grey",
            cls.DONE: "blue",
        }[value]
