from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DraftEventAction(models.TextChoices):
    SAVE_DRAFT = "save_draft", _("Draft saved")  # 草稿已保存
    REPORTED_WRONG = "reported_wrong", _("Shared data reported as wrong")  # 报告共享数据有误


# DataElement.section -> the section title on the form. Sections not listed here fall back to SECTION_FALLBACK.
SECTION_TITLES = {
    "applicant": pgettext_lazy("form section", "Applicant"),  # 申请人
    "enterprise": pgettext_lazy("form section", "Enterprise"),  # 企业（申请单位）
    "legal_person": pgettext_lazy("form section", "Legal representative"),  # 法定代表人
    "agent": pgettext_lazy("form section", "Agent"),  # 经办人
    "premises": pgettext_lazy("form section", "Business premises"),  # 经营场所
    "food": pgettext_lazy("form section", "Food business"),  # 食品经营
    "fire": pgettext_lazy("form section", "Fire safety"),  # 消防安全
    "signboard": pgettext_lazy("form section", "Outdoor signboard"),  # 户外招牌
    "newborn": pgettext_lazy("form section", "Newborn"),  # 新生儿
    "mother": pgettext_lazy("form section", "Mother"),  # 母亲
    "father": pgettext_lazy("form section", "Father"),  # 父亲
    "guardian": pgettext_lazy("form section", "Guardian"),  # 监护人
    "spouse": pgettext_lazy("form section", "Spouse"),  # 配偶
    "marriage": pgettext_lazy("form section", "Marriage"),  # 婚姻登记
    "premarital": pgettext_lazy("form section", "Premarital check-up"),  # 婚前检查
    "childbearing": pgettext_lazy("form section", "Childbearing"),  # 生育登记
    "hukou_move": pgettext_lazy("form section", "Household registration move"),  # 户口迁移
    "student": pgettext_lazy("form section", "Student"),  # 学生
    "retiree": pgettext_lazy("form section", "Retirement"),  # 退休人员
    "deceased": pgettext_lazy("form section", "Deceased"),  # 逝者
    "disabled": pgettext_lazy("form section", "Person with a disability"),  # 残疾人
    "change": pgettext_lazy("form section", "Changes"),  # 变更事项
    "deregistration": pgettext_lazy("form section", "Deregistration"),  # 注销
    "seal": pgettext_lazy("form section", "Seals"),  # 印章
    "tax": pgettext_lazy("form section", "Taxation"),  # 税务
    "social_insurance": pgettext_lazy("form section", "Social insurance"),  # 社会保险
    "housing_fund": pgettext_lazy("form section", "Housing provident fund"),  # 住房公积金
    "customs": pgettext_lazy("form section", "Customs"),  # 海关
    "transport": pgettext_lazy("form section", "Road transport"),  # 道路运输
    "vehicle": pgettext_lazy("form section", "Vehicle"),  # 车辆
    "utility": pgettext_lazy("form section", "Utilities connection"),  # 水电气网报装
    "drainage": pgettext_lazy("form section", "Drainage"),  # 排水
    "delivery": pgettext_lazy("form section", "Delivery of results"),  # 送达
}
SECTION_FALLBACK = pgettext_lazy("form section", "Other information")  # 其他信息

# Who is applying comes first (申请人/法人/经办人), then the subject's sections in the order the items ask for them,
# and how the results are delivered last.
LEADING_SECTIONS = ("applicant", "enterprise", "legal_person", "agent")
TRAILING_SECTIONS = ("delivery",)

# Values of a yes/no field as the form sends them.
BOOLEAN_VALUES = {"true": _("Yes"), "false": _("No")}


def display_value(value: object) -> str:
    """A form value as people read it: 是/否 for a yes/no value (the form's "true"/"false", or a boolean a registry
    supplied), "" for nothing; anything else as it is (a choice is stored as its label)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    return str(BOOLEAN_VALUES.get(text, text))
