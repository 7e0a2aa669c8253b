"""States of a joint inspection (联合勘验/评审) and the result for each item, each with a label and a colour."""

from django.db import models
from django.utils.translation import pgettext_lazy


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection", "Planned")  # 已安排
    DONE = "done", pgettext_lazy("inspection", "Done")  # 已完成（结果已记录）
    CANCELLED = "cancelled", pgettext_lazy("inspection", "Cancelled")  # 已取消

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.PLANNED: "blue", cls.DONE: "green", cls.CANCELLED: "grey"}[value]


class InspectionResult(models.TextChoices):
    PASS = "pass", pgettext_lazy("inspection", "Passed")  # 通过
    FAIL = "fail", pgettext_lazy("inspection", "Failed")  # 不通过
    NEEDS_FIX = "needs_fix", pgettext_lazy("inspection", "Needs rectification")  # 需整改

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.PASS: "green", cls.FAIL: "red", cls.NEEDS_FIX: "amber"}[value]


# the task queue's filters (工作台): item states as the departments name them, and the clock
class TaskState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("task state", "Awaiting acceptance")  # 待受理
    PRE_REVIEW = "pre_review", pgettext_lazy("task state", "Pre-review")  # 预审
    ACCEPTED = "accepted", pgettext_lazy("task state", "Under review")  # 审批中
    PAUSED = "paused", pgettext_lazy("task state", "Paused")  # 暂停
    DONE = "done", pgettext_lazy("task state", "Done")  # 已办结
