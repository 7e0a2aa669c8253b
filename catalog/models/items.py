from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Department, Region

from ..choices import (
    ItemKind,
    ItemLevel,
    MaterialForm,
    MaterialProvider,
    MaterialRequirement,
    MaterialSource,
    ResultKind,
    Subject,
)
from .dictionary import DataElement, MaterialType


class ServiceItem(models.Model):
    """A single service item of the basic catalog (单事项), handled by one department."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_items")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="service_items")
    level = models.CharField(_("level"), max_length=10, choices=ItemLevel.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("acceptance conditions"), blank=True)  # 受理条件
    legal_days = models.PositiveIntegerField(_("legal time limit (working days)"), null=True, blank=True)
    promised_days = models.PositiveIntegerField(_("promised time limit (working days)"), null=True, blank=True)
    fee_amount = models.DecimalField(_("fee (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    result_name = models.CharField(_("result"), max_length=200, blank=True)
    result_kind = models.CharField(_("result kind"), max_length=20, choices=ResultKind.choices, blank=True)
    # whom the result is about: a form section ("newborn"); empty: the applicant (person or enterprise)
    result_holder = models.CharField(_("result is about"), max_length=40, blank=True)
    # the data elements the e-licence carries, besides holder, number and validity (e.g. newborn.birth_date)
    result_fields = models.JSONField(_("data on the result"), default=list, blank=True)
    # the data elements this item's result produces (出生医学证明编号): entered by the department when it approves,
    # never asked of the applicant when this item is in the same case, and passed on to the items that use them
    result_produces = models.JSONField(_("data the result produces"), default=list, blank=True)
    result_sample = models.TextField(_("result sample"), blank=True)  # 结果样本: what the result looks like
    # the material type the result is (a MaterialType key): another item of the same case that asks for it gets it
    # when this item is done, so the applicant does not supply it (guidance.materials)
    result_material = models.CharField(_("result is the material"), max_length=80, blank=True)
    review_points = models.JSONField(_("review points"), default=list, blank=True)  # 审查要点
    is_specified = models.BooleanField(_("fully specified"), default=False)
    template = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adoptions",
        verbose_name=_("adopted from"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        constraints = [
            models.UniqueConstraint(fields=["region", "department", "name"], name="service_item_unique_per_department"),
        ]

    def __str__(self) -> str:
        return self.name


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    material_type = models.ForeignKey(MaterialType, on_delete=models.PROTECT, related_name="item_materials")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(_("name"), max_length=200)
    basis = models.TextField(_("basis"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=MaterialForm.choices, default=MaterialForm.ORIGINAL)
    source = models.CharField(
        _("source"), max_length=20, choices=MaterialSource.choices, default=MaterialSource.APPLICANT
    )
    paper_copies = models.PositiveIntegerField(_("paper copies"), default=0)
    requirement = models.CharField(
        _("requirement"), max_length=20, choices=MaterialRequirement.choices, default=MaterialRequirement.REQUIRED
    )
    provided_by = models.CharField(
        _("provided by"), max_length=20, choices=MaterialProvider.choices, default=MaterialProvider.APPLICANT
    )
    deferrable = models.BooleanField(_("may be supplied later (容缺)"), default=False)
    commitment_allowed = models.BooleanField(_("may be replaced by a commitment (告知承诺)"), default=False)
    licence_type = models.CharField(_("e-licence type that exempts it"), max_length=100, blank=True)
    standard = models.TextField(_("acceptance standard"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("item material")
        verbose_name_plural = _("item materials")
        constraints = [
            models.UniqueConstraint(fields=["item", "material_type", "name"], name="item_material_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ItemFormField(models.Model):
    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="form_fields")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="form_fields")
    order = models.PositiveIntegerField(default=0)
    required = models.BooleanField(_("required"), default=True)
    label = models.CharField(_("item-specific label"), max_length=100, blank=True)

    class Meta:
        ordering = ["item", "order"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["item", "data_element"], name="item_form_field_unique"),
        ]

    def __str__(self) -> str:
        return self.label or self.data_element.name
