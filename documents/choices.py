"""Kinds of case documents (办件文书), their states and the answers of the public verification page."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of application")  # 收件回执
    CORRECTION = "correction", _("One-time notice of corrections")  # 一次性告知补正通知书
    ACCEPTANCE = "acceptance", _("Notice of acceptance")  # 受理通知书
    REFUSAL = "refusal", _("Decision not to accept")  # 不予受理决定书
    DENIAL = "denial", _("Decision not to grant")  # 不予许可决定书（不予批准）
    COMMITMENT = "commitment", _("Letter of notification and commitment")  # 告知承诺书
    DELIVERY = "delivery", _("Proof of delivery")  # 送达凭证


# The prefix of each kind's document number (pinyin initials of the Chinese title), before the case number.
NUMBER_PREFIX = {
    DocumentKind.RECEIPT: "SJ",
    DocumentKind.CORRECTION: "BZ",
    DocumentKind.ACCEPTANCE: "SL",
    DocumentKind.REFUSAL: "BSL",
    DocumentKind.DENIAL: "BXK",
    DocumentKind.COMMITMENT: "CN",
    DocumentKind.DELIVERY: "SD",
}

# Issued by the region's government service centre (the window); the others by the item's department.
CENTRE_KINDS = frozenset(
    {DocumentKind.RECEIPT, DocumentKind.CORRECTION, DocumentKind.DELIVERY, DocumentKind.COMMITMENT}
)
DEPARTMENT_KINDS = frozenset({DocumentKind.ACCEPTANCE, DocumentKind.REFUSAL, DocumentKind.DENIAL})


class DocumentStatus(models.TextChoices):
    CURRENT = "current", _("Current")  # 有效
    SUPERSEDED = "superseded", _("Superseded")  # 已失效（已被后续办理取代）
    REVOKED = "revoked", _("Revoked")  # 已撤销

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.CURRENT: "green", cls.SUPERSEDED: "amber", cls.REVOKED: "red"}[value]


class DocumentVerification(models.TextChoices):
    """The answer of the public document verification page (文书核验)."""

    CURRENT = "current", _("Genuine and current")  # 真实有效
    SUPERSEDED = "superseded", _("Genuine, but no longer current")  # 真实，已失效
    REVOKED = "revoked", _("Genuine, but revoked by the issuing body")  # 真实，已被出具机关撤销
    NOT_GENUINE = "not_genuine", _("Not genuine: no document has this number and verification code")  # 核验不通过

    @classmethod
    def colour(cls, value: str) -> str:
        return {cls.CURRENT: "green", cls.SUPERSEDED: "amber", cls.REVOKED: "red", cls.NOT_GENUINE: "red"}[value]
