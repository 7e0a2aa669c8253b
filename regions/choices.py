from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级（含区）
    TOWNSHIP = "township", _("Township")  # 乡级（乡镇、街道）


class DepartmentKind(models.TextChoices):
    GOVERNMENT = "government", _("Government department")  # 政府工作部门
    VERTICAL = "vertical", _("Vertically managed body")  # 垂直管理部门（税务、海关、金融监管）
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")  # 事业单位
    PUBLIC_ENTERPRISE = "public_enterprise", _("Public enterprise")  # 公共企业（供电、供水、燃气、烟草、通信）
    FINANCIAL = "financial", _("Financial institution")  # 银行等金融机构
    GRASSROOTS = "grassroots", _("Township or community")  # 乡镇、街道、村（社区）
    OTHER = "other", _("Other")
