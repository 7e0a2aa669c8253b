"""Choices of results (办理结果): e-licence states, verification answers, ways of receiving the results."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import DeliveryMethod, ResultKind

# Results of these kinds become an e-licence (电子证照) when the item is approved; service outcomes, filing receipts
# and "other" results (a payment, a check pushed to the other departments) do not.
LICENCE_RESULT_KINDS = frozenset({ResultKind.LICENCE, ResultKind.CERTIFICATE, ResultKind.CARD, ResultKind.APPROVAL})


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")  # 有效
    REVOKED = "revoked", _("Revoked")  # 已注销

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.VALID: "green", cls.REVOKED: "red"}[value]


class Verification(models.TextChoices):
    """The answer of the public verification page (电子证照核验)."""

    VALID = "valid", _("Genuine and valid")  # 真实有效
    EXPIRED = "expired", _("Genuine, but past its validity")  # 真实，已过有效期
    REVOKED = "revoked", _("Genuine, but revoked")  # 真实，已注销
    NOT_GENUINE = "not_genuine", _("Not genuine: no licence has this number and verification code")  # 核验不通过

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.VALID: "green", cls.EXPIRED: "amber", cls.REVOKED: "red", cls.NOT_GENUINE: "red"}[value]


class DeliveryMode(models.TextChoices):
    """统一领取 or 分别领取 (004 四(二)5; 000 第十六条)."""

    UNIFIED = "unified", _("All results together, once every item has ended")  # 统一领取
    SEPARATE = "separate", _("Each result as soon as it is ready")  # 分别领取


__all__ = ["LICENCE_RESULT_KINDS", "DeliveryMethod", "DeliveryMode", "LicenceStatus", "Verification"]
