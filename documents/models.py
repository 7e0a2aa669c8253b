"""Case documents (办件文书): one row per document issued for a case, with what it says and its verification code.

A document is issued by the change that creates its source, in that change's transaction (services.on_case_event;
a GET never issues one), and is never rewritten: `content` is the snapshot of what the document says (the PDF is always rendered from it), `digest` its
SHA-256, and `verification_code` an HMAC over the document's identity and that digest. The source record is one of
the nullable foreign keys (`correction`, `item`, `material`, `delivery`; none for the receipt, whose source is the
case itself); `source_key` names it too, so (case, kind, source_key) is unique and one source gets one document.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField

from .choices import DocumentKind, DocumentStatus


class CaseDocument(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    source_key = models.CharField(max_length=40)  # "" (receipt), "round-1", "item-12", "material-7", "delivery-3"
    correction = models.ForeignKey(
        "cases.CorrectionNotice", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    item = models.ForeignKey(
        "cases.CaseItem", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    material = models.ForeignKey(  # the case's copy of the signed commitment (告知承诺书)
        "cases.CaseMaterial", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    delivery = models.ForeignKey(
        "results.Delivery", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    issuer = models.CharField(_("issued by"), max_length=200)  # the centre or the department, as printed
    content = EncryptedJSONField(_("content"))  # what the document says, as issued (ID numbers encrypted)
    digest = models.CharField(_("content digest"), max_length=64)  # SHA-256 of the canonical content
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(  # who first downloaded it (the system issues it on their request)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verification_code = models.CharField(_("verification code"), max_length=16)
    status = models.CharField(
        _("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.CURRENT
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "source_key"], name="case_document_unique_source"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_status_colour(self) -> str:
        return DocumentStatus.colour(self.status)
