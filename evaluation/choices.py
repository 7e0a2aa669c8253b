"""好差评 (GB/T 39734-2020) and complaints: levels, what is rated, the 差评 reasons, and the states of a
rectification and of a complaint, each with a label (and a colour where a page shows a badge)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The five levels of GB/T 39734-2020 7.3 (评价等级): 5 非常满意 … 1 非常不满意."""

    VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
    SATISFIED = 4, _("Satisfied")  # 满意
    BASICALLY_SATISFIED = 3, _("Basically satisfied")  # 基本满意
    DISSATISFIED = 2, _("Dissatisfied")  # 不满意
    VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意


POOR_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})  # 差评: a rectification opens


class ContactKind(models.TextChoices):
    """What is rated: each contact with the service (一次一评) and the whole one-thing once it ended (一事一评)."""

    INTAKE = "intake", _("Formal review and intake at the window")  # 窗口形式审查、收件
    ITEM = "item", _("Acceptance and decision by the department")  # 部门受理、审批
    DELIVERY = "delivery", _("Delivery of the results")  # 送达
    WHOLE = "whole", _("The whole one-thing")  # 一事一评


class Reason(models.TextChoices):
    """Reasons to tick with a 差评 (GB/T 39734-2020 附录A, 差评评价内容, as grouped here: the three reasons published
    figures name most often first — 超过法定办理时间, 指南之外增加审批条件, 指南之外的申报材料)."""

    OVER_TIME_LIMIT = "over_time_limit", _("Took longer than the legal or promised time limit")  # 超过法定办理时间
    EXTRA_CONDITIONS = "extra_conditions", _("Conditions added beyond the service guide")  # 指南之外增加审批条件
    EXTRA_MATERIALS = "extra_materials", _("Materials asked beyond the service guide")  # 指南之外的申报材料
    NOT_TOLD_AT_ONCE = "not_told_at_once", _("Not told everything at once; corrections asked again")  # 未一次性告知
    REPEAT_VISITS = "repeat_visits", _("Had to come back more times than promised")  # 多次跑动
    GUIDE_UNCLEAR = "guide_unclear", _("The service guide was inaccurate or unclear")  # 办事指南不准确
    ATTITUDE = "attitude", _("Poor service attitude")  # 服务态度差
    NOT_COMPETENT = "not_competent", _("Staff unfamiliar with the procedure")  # 业务不熟练、解答不清
    PROGRESS_NOT_TOLD = "progress_not_told", _("Progress or result not told in time")  # 进度、结果未及时告知
    LONG_WAIT = "long_wait", _("Long waiting time")  # 排队等候时间长
    ONLINE_DIFFICULT = "online_difficult", _("Online service hard to use or unavailable")  # 网上办理不便
    OTHER = "other", _("Other")  # 其他


class RatingChannel(models.TextChoices):
    CASE_PAGE = "online", _("Case page")  # 网上（办件页面）
    SMS = "sms", _("SMS link")  # 短信评价
    TABLET = "tablet", _("Rating screen at the window")  # 窗口评价器


class RectificationStatus(models.TextChoices):
    """差评整改 (evaluation/rules.py RECTIFICATION)."""

    OPEN = "open", _("Awaiting verification")  # 待核实
    VERIFIED = "verified", _("Verified, to rectify or explain")  # 已核实，待整改或解释说明
    ANSWERED = "answered", _("Answered, awaiting the call back")  # 已整改（解释），待回访
    CALLED_BACK = "called_back", _("Called back, may re-rate")  # 已回访，可复评
    CLOSED = "closed", _("Closed")  # 已办结

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.OPEN: "red",
            cls.VERIFIED: "amber",
            cls.ANSWERED: "amber",
            cls.CALLED_BACK: "blue",
            cls.CLOSED: "green",
        }[value]


OPEN_RECTIFICATION_STATUSES = frozenset(
    {RectificationStatus.OPEN, RectificationStatus.VERIFIED, RectificationStatus.ANSWERED}
)


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")  # 属实
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")  # 不属实


class ComplaintStatus(models.TextChoices):
    """投诉 (evaluation/rules.py COMPLAINT)."""

    OPEN = "open", _("Awaiting an answer")  # 待处理
    ANSWERED = "answered", _("Answered: not upheld")  # 已答复（不属实）
    UPHELD = "upheld", _("Upheld: responsibility to record")  # 属实，待认定责任
    CLOSED = "closed", _("Upheld: responsibility recorded")  # 已认定责任

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.OPEN: "red", cls.ANSWERED: "green", cls.UPHELD: "amber", cls.CLOSED: "green"}[value]
