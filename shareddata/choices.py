from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentScope(models.TextChoices):
    """Which shared-data source an applicant lets us use. Values match catalog.choices.DataSource."""

    POPULATION = "population", _("Population registry")  # 人口库
    MARKET = "market", _("Market-entity registry")  # 市场主体库
    E_LICENCE = "e_licence", _("E-licence library")  # 电子证照库


class PrefillSource(models.TextChoices):
    """Where a pre-filled value came from; shown beside the field."""

    PROFILE = "profile", _("Your earlier applications")  # 一人一档/一企一档（本人此前填报）
    POPULATION = "population", _("Population registry")  # 人口库
    MARKET = "market", _("Market-entity registry")  # 市场主体库


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
