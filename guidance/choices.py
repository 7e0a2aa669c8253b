from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState(models.TextChoices):
    """Whether an item of the one-thing is handled for this applicant, and why (not)."""

    SELECTED = "selected", _("Handled")  # 办理
    DESELECTED = "deselected", _("Not handled (your choice)")  # 申请人取消
    EXCLUDED = "excluded", _("Not needed in your situation")  # 所选情形排除
    NOT_INCLUDED = "not_included", _("Not needed in your situation")  # 没有所选情形纳入
    PENDING = "pending", _("Depends on an unanswered question")  # 待回答

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.SELECTED: "green",
            cls.DESELECTED: "grey",
            cls.EXCLUDED: "grey",
            cls.NOT_INCLUDED: "grey",
            cls.PENDING: "amber",
        }[value]


class MaterialStatus(models.TextChoices):
    """What the applicant has to do about one material type of the one set of materials (guidance.materials)."""

    SUBMIT = "submit", _("To submit")  # 需提交（必要，标*）
    DEFERRABLE = "deferrable", _("To submit; 容缺 allowed")  # 可容缺受理，受理后补齐（不标*）
    CONDITIONAL = "conditional", _("Only in some situations")  # 特定情形下提交（如适用请上传）
    EXEMPT = "exempt", _("Exempt")  # 免提交（电子证照、共享数据）
    GENERATED = "generated", _("Generated from the one form")  # 由一表申请自动生成
    PRODUCED = "produced", _("Produced by another item of this one-thing")  # 由本件事中的其他事项办结后共享
    PUSHED = "pushed", _("Pushed by a department")  # 由部门（机构）推送
    NOT_NEEDED = "not_needed", _("Not to submit in your situation")  # 所选情形无需提交

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.SUBMIT: "red",
            cls.DEFERRABLE: "amber",
            cls.CONDITIONAL: "amber",
            cls.EXEMPT: "green",
            cls.GENERATED: "green",
            cls.PRODUCED: "green",
            cls.PUSHED: "green",
            cls.NOT_NEEDED: "grey",
        }[value]


class ExemptionKind(models.TextChoices):
    E_LICENCE = "e_licence", _("E-licence held")  # 电子证照
    SHARED_DATA = "shared_data", _("Shared data")  # 共享数据
