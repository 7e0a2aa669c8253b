from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentScope(models.TextChoices):
    """Which shared-data source an applicant lets us use. Values match catalog.choices.DataSource."""

    POPULATION = "population", _("Population registry")  # 人口库（公安：户籍、家庭关系）
    MARKET = "market", _("Market-entity registry")  # 市场主体库
    E_LICENCE = "e_licence", _("E-licence library")  # 电子证照库
    HEALTH = "health", _("Health authority")  # 卫生健康部门：出生医学证明、死亡医学证明、住院分娩、独生子女
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs authority")  # 民政部门：婚姻登记、社会救助和福利
    SOCIAL_SECURITY = "social_security", _("Social insurance agency")  # 社保经办机构
    HOUSING_FUND = "housing_fund", _("Housing provident fund centre")  # 住房公积金中心
    DISABILITY = "disability", _("Disabled persons' federation")  # 残联：残疾人证
    EDUCATION = "education", _("Education authority")  # 教育部门：学籍
    REAL_ESTATE = "real_estate", _("Real-estate registration agency")  # 不动产登记机构
    TAX = "tax", _("Tax authority")  # 税务部门
    CONSTRUCTION = "construction", _("Construction project approval system")  # 工程建设项目审批管理系统（工改系统）
    VEHICLE = "vehicle", _("Vehicle registration (traffic police)")  # 公安交通管理部门：机动车登记
    # 一人一档/一企一档: what the applicant typed in earlier filings; kept and reused only while this is current
    PROFILE = "profile", _("My earlier filings (what I entered before)")  # 一人一档（我以前填写过的信息）


# The departments' record systems, read through SharedDataSource.lookup_record (the population and market-entity
# registries and the e-licence library have methods of their own).
DEPARTMENT_SCOPES = (
    ConsentScope.HEALTH,
    ConsentScope.CIVIL_AFFAIRS,
    ConsentScope.SOCIAL_SECURITY,
    ConsentScope.HOUSING_FUND,
    ConsentScope.DISABILITY,
    ConsentScope.EDUCATION,
    ConsentScope.REAL_ESTATE,
    ConsentScope.TAX,
    ConsentScope.CONSTRUCTION,
    ConsentScope.VEHICLE,
)


class PrefillSource(models.TextChoices):
    """Where a pre-filled value came from; shown beside the field ("来自…")."""

    ACCOUNT = "account", _("Your account")  # 本人账号的实名信息（无需授权）
    PROFILE = "profile", _("Your earlier applications")  # 一人一档/一企一档（本人此前填报）
    POPULATION = "population", _("Population registry")  # 人口库
    MARKET = "market", _("Market-entity registry")  # 市场主体库
    HEALTH = "health", _("Health authority")  # 卫生健康部门
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs authority")  # 民政部门
    SOCIAL_SECURITY = "social_security", _("Social insurance agency")  # 社保经办机构
    HOUSING_FUND = "housing_fund", _("Housing provident fund centre")  # 住房公积金中心
    DISABILITY = "disability", _("Disabled persons' federation")  # 残联
    EDUCATION = "education", _("Education authority")  # 教育部门
    REAL_ESTATE = "real_estate", _("Real-estate registration agency")  # 不动产登记机构
    TAX = "tax", _("Tax authority")  # 税务部门
    CONSTRUCTION = "construction", _("Construction project approval system")  # 工改系统
    VEHICLE = "vehicle", _("Vehicle registration (traffic police)")  # 公安交管：机动车登记
    PARTY = "party", _("The other party, with their consent")  # 共同申请的另一方本人授权
    DERIVED = "derived", _("Generated from other information on this form")  # 由本表其他信息生成（可修改）
    ONE_THING = "one_thing", _("Settled by this one-thing or your answers")  # 由本“一件事”或您的问卷回答确定（可修改）


class Relation(models.TextChoices):
    """A family relation the population registry knows (户籍登记的家庭关系), from one person's point of view."""

    SPOUSE = "spouse", _("Spouse")  # 配偶
    CHILD = "child", _("Child")  # 子女
    PARENT = "parent", _("Parent")  # 父母


class RelatedPerson(models.TextChoices):
    """Whom a section of the one form is about, relative to the applicant (see shareddata.related)."""

    SELF = "self", _("You")  # 本人（本企业）
    NEWBORN = "newborn", _("Your newborn and its parents")  # 新生儿及其父母
    CHILD = "child", _("Your school-age child")  # 适龄子女
    WARD = "ward", _("You, or the family member with a disability in your household")  # 残疾人本人或同户家庭成员
    DECEASED = "deceased", _("A deceased close relative")  # 逝者（近亲属）


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")  # 有效
    EXPIRED = "expired", _("Expired")  # 已过期
    REVOKED = "revoked", _("Revoked")  # 已注销（吊销）

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.VALID: "green", cls.EXPIRED: "amber", cls.REVOKED: "red"}[value]


class EventAction(models.TextChoices):
    GRANT_CONSENT = "grant_consent", _("Consent granted")  # 授权
    WITHDRAW_CONSENT = "withdraw_consent", _("Consent withdrawn")  # 撤回授权
    REMEMBER_VALUES = "remember_values", _("Profile updated")  # 更新一人一档
    ERASE_PROFILE = "erase_profile", _("Profile erased")  # 删除一人一档（撤回授权）
    GRANT_PARTY_CONSENT = "grant_party", _("Co-applicant consent granted")  # 授权对方在共同申请中使用本人信息
    WITHDRAW_PARTY_CONSENT = "withdraw_party", _("Co-applicant consent withdrawn")
    OPEN_WALK_IN = "open_walk_in", _("Application opened at the window")  # 窗口帮办代办：调取申请人信息
