from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    NATURAL_PERSON = "natural", _("Natural person")  # 自然人
    LEGAL_PERSON = "legal", _("Legal person")  # 法人
    STAFF = "staff", _("Staff")  # 工作人员


class StaffRole(models.TextChoices):
    WINDOW = "window", _("Comprehensive window staff")  # 综合窗口人员
    REVIEWER = "reviewer", _("Department reviewer")  # 部门审批人员
    LEAD = "lead", _("Lead department")  # 牵头部门
    DELIVERY = "delivery", _("Certificate delivery window")  # 发证窗口
    CATALOG_ADMIN = "catalog_admin", _("Catalog administrator")  # 事项管理员
    SUPERVISOR = "supervisor", _("Supervisor")  # 监察人员
    DEPARTMENT_HEAD = "department_head", _("Department head")  # 部门负责人（接收督办）
    SYSADMIN = "sysadmin", _("System administrator")  # 系统管理员
