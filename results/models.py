"""Results of a case (办理结果): e-licences, how the applicant receives the results, deliveries and the archive.

ELicence is the electronic licence (电子证照) generated when an item whose result is a licence, certificate, card or
approval document is approved; its verification code is an HMAC, so a number with a made-up code never verifies.
DeliveryChoice is the applicant's way of receiving the results (统一领取 / 分别领取; window, post, download), one per
case. Delivery is one handing-over by the certificate window (发证窗口), with its proof (送达凭证); each item is
delivered at most once (DeliveredItem). ArchiveRecord closes the case (归档). Every change goes through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.choices import DeliveryMethod, ResultKind
from core.fields import EncryptedCharField, EncryptedJSONField

from .choices import DeliveryMode, LicenceStatus


class LicenceCounter(models.Model):
    """The last sequence number of generated licence numbers with one prefix (region-item-day)."""

    prefix = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class ELicence(models.Model):
    """电子证照: one per approved item whose result is a licence, certificate, card or approval document."""

    number = models.CharField(_("licence number"), max_length=80, unique=True)
    item = models.OneToOneField("cases.CaseItem", on_delete=models.PROTECT, related_name="licence")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="licences")
    department = models.ForeignKey(  # the issuing department (the item's)
        "regions.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="licences")
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_id_number = EncryptedCharField(_("holder's identity number"))  # ID number or credit code (encrypted)
    title = models.CharField(_("title"), max_length=200)  # the service item's result name
    data = EncryptedJSONField(_("data"), default=dict, blank=True)  # label -> value (ServiceItem.result_fields)
    result_kind = models.CharField(_("result kind"), max_length=20, choices=ResultKind.choices)
    issued_at = models.DateTimeField(_("issued at"))  # the decision's time, to the second
    valid_until = models.DateField(_("valid until"), null=True, blank=True)  # empty: no end
    verification_code = models.CharField(_("verification code"), max_length=16)
    code_version = models.PositiveSmallIntegerField(default=2, editable=False)  # 1: code without the holder's name
    status = models.CharField(_("status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.VALID)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("e-licence")
        verbose_name_plural = _("e-licences")

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    def get_status_colour(self) -> str:
        return LicenceStatus.colour(self.status)


class DeliveryChoice(models.Model):
    """How the applicant wants the results (one per case); without one, everything together at the window."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="delivery_choice")
    mode = models.CharField(_("when"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.UNIFIED)
    method = models.CharField(_("how"), max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.WINDOW)
    address = models.CharField(_("postal address"), max_length=200, blank=True)  # post only
    recipient = models.CharField(_("recipient"), max_length=50, blank=True)
    phone = models.CharField(_("recipient's mobile"), max_length=11, blank=True)
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("way of receiving the results")
        verbose_name_plural = _("ways of receiving the results")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_mode_display()}, {self.get_method_display()}"


class Delivery(models.Model):
    """送达: results handed over (window), posted or released for download, with the proof (送达凭证)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="deliveries")
    items = models.ManyToManyField("cases.CaseItem", through="DeliveredItem", related_name="+")
    mode = models.CharField(_("when"), max_length=10, choices=DeliveryMode.choices)  # the choice at the time
    method = models.CharField(_("how"), max_length=10, choices=DeliveryMethod.choices)
    proof_number = models.CharField(_("delivery proof number"), max_length=40, unique=True)  # 送达凭证编号
    recipient_name = models.CharField(_("received by"), max_length=50)  # the name signed on the proof
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)  # post
    delivered_at = models.DateTimeField(_("delivered at"))
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed_to_departments_at = models.DateTimeField(_("proof passed to the departments at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "delivered_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return self.proof_number


class DeliveredItem(models.Model):
    """One item of a delivery; an item is delivered once (OneToOne)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="delivered_items")
    item = models.OneToOneField("cases.CaseItem", on_delete=models.PROTECT, related_name="delivered")

    def __str__(self) -> str:
        return f"{self.delivery} · {self.item_id}"


class ArchiveRecord(models.Model):
    """归档: the case's file is closed; the lead department keeps the paper originals (004 四(二)6; 000 第十七条)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="archive")
    originals_kept_by = models.ForeignKey(
        "regions.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("originals kept by"),
    )
    archived_at = models.DateTimeField(_("archived at"))
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")

    def __str__(self) -> str:
        return f"{self.case_id} {self.archived_at:%Y-%m-%d}"
