from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    NATURAL = "natural", _("Individual")  # 个人 / 自然人
    LEGAL = "legal", _("Legal person")  # 法人


class LifeStage(models.TextChoices):
    BIRTH = "birth", _("Birth")  # 出生
    SCHOOL = "school", _("School entry")  # 入学
    EMPLOYMENT = "employment", _("Employment")  # 就业
    HOUSING = "housing", _("Home buying")  # 置业
    MARRIAGE = "marriage", _("Marriage")  # 婚姻
    CHILDBEARING = "childbearing", _("Childbearing")  # 生育
    RETIREMENT = "retirement", _("Retirement")  # 退休
    FUNERAL = "funeral", _("Funeral")  # 殡葬
    LIFE = "life", _("Other daily life")  # 其他民生
    ESTABLISH = "establish", _("Establishment")  # 设立
    OPERATE = "operate", _("Operation")  # 经营
    CHANGE = "change", _("Change")  # 变更
    EXIT = "exit", _("Exit")  # 退出


class ItemLevel(models.TextChoices):
    PROVINCE = "province", _("Province")  # 省级
    CITY = "city", _("City")  # 市级
    COUNTY = "county", _("County")  # 县级
    TOWNSHIP = "township", _("Township")  # 乡级


class ItemKind(models.TextChoices):
    LICENSING = "licensing", _("Administrative licensing")  # 行政许可
    CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
    BENEFIT = "benefit", _("Administrative payment")  # 行政给付
    PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务
    FILING = "filing", _("Filing")  # 备案
    OTHER = "other", _("Other")  # 其他


class ResultKind(models.TextChoices):
    LICENCE = "licence", _("Licence")  # 证照
    APPROVAL = "approval", _("Approval document")  # 批文
    FILING_RECEIPT = "filing_receipt", _("Filing receipt")  # 备案回执
    CERTIFICATE = "certificate", _("Certificate")  # 证明
    CARD = "card", _("Card")  # 卡
    SERVICE = "service", _("Service outcome")  # 服务结果
    OTHER = "other", _("Other")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("Original")  # 原件
    COPY = "copy", _("Copy")  # 复印件
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")  # 原件及复印件
    ELECTRONIC = "electronic", _("Electronic")  # 电子材料


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("Prepared by the applicant")  # 申请人自备
    GOVERNMENT = "government", _("Issued by a government body")  # 政府部门核发
    INTERMEDIARY = "intermediary", _("Issued by an intermediary")  # 中介机构
    OTHER = "other", _("Other")


class MaterialProvider(models.TextChoices):
    """Who puts the material into the case: the applicant, the platform from the one form, or a department's system.

    A material another item of the same case produces is not marked here: ServiceItem.result_material says it."""

    APPLICANT = "applicant", _("The applicant")  # 申请人提交
    FORM = "form", _("Generated from the one form")  # 由一表申请自动生成
    PUSH = "push", _("Pushed by a department")  # 由部门（机构）推送


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", _("Required")  # 必要
    SITUATIONAL = "situational", _("Depending on the situation")  # 情形要件


class ElementType(models.TextChoices):
    STRING = "string", _("Text")
    TEXT = "text", _("Long text")
    DATE = "date", _("Date")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Number")
    BOOLEAN = "boolean", _("Yes/no")
    CHOICE = "choice", _("Choice")
    ID_NUMBER = "id_number", _("Citizen ID number")  # GB 11643
    CREDIT_CODE = "credit_code", _("Unified social credit code")  # GB 32100
    PHONE = "phone", _("Mobile number")
    EMAIL = "email", _("E-mail")
    ADDRESS = "address", _("Address")


class DataSource(models.TextChoices):
    APPLICANT = "applicant", _("Entered by the applicant")  # 申请人填报
    POPULATION = "population", _("Population registry")  # 人口库
    MARKET = "market", _("Market-entity registry")  # 市场主体库
    E_LICENCE = "e_licence", _("E-licence library")  # 电子证照库
    SOCIAL_SECURITY = "social_security", _("Social security")  # 社保
    HOUSING_FUND = "housing_fund", _("Housing provident fund")  # 公积金
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")  # 民政
    HEALTH = "health", _("Health commission")  # 卫健
    EDUCATION = "education", _("Education")  # 教育
    REAL_ESTATE = "real_estate", _("Real-estate registry")  # 不动产
    TAX = "tax", _("Taxation")  # 税务
    DISABILITY = "disability", _("Disabled persons' federation")  # 残联
    CONSTRUCTION = "construction", _("Construction project approval system")  # 工程建设项目审批管理系统
    VEHICLE = "vehicle", _("Vehicle registration (traffic police)")  # 公安交管：机动车登记


class OneThingStatus(models.TextChoices):
    LISTED = "listed", _("Listed, not yet specified")  # 已列入清单，待细化
    DRAFT = "draft", _("Draft")  # 草稿
    PUBLISHED = "published", _("Published")  # 已发布
    SUPERSEDED = "superseded", _("Superseded by a newer version")  # 已被新版本替代
    RETIRED = "retired", _("Retired")  # 已停用

    @classmethod
    def colour(cls, value: str) -> str:
        return {
            cls.LISTED: "grey",
            cls.DRAFT: "amber",
            cls.PUBLISHED: "green",
            cls.SUPERSEDED: "blue",
            cls.RETIRED: "red",
        }[value]


class Specification(models.TextChoices):
    NAME_ONLY = "name", _("Name only")  # 仅名称
    ITEMS = "items", _("Items and departments")  # 事项与部门
    FULL = "full", _("Fully specified")  # 完整（材料、表单、时限、情形、问答）


class ItemOrigin(models.TextChoices):
    LOCAL = "local", _("Local")  # 本地
    INHERITED = "inherited", _("Inherited")  # 继承上级
    OVERRIDDEN = "overridden", _("Inherited, changed locally")  # 继承后本地调整


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("Pick up at the window")  # 窗口领取
    POST = "post", _("By post")  # 邮寄送达
    DOWNLOAD = "download", _("Download")  # 网上下载
