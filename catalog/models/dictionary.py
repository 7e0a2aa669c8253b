from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import DataSource, ElementType


class DataElement(models.Model):
    """A piece of information forms ask for (数据元). Form fields point here, so merging is by meaning."""

    key = models.CharField(_("key"), max_length=80, unique=True)  # e.g. applicant.id_number
    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=20, choices=ElementType.choices)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    pattern = models.CharField(_("pattern"), max_length=200, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    source = models.CharField(_("shared-data source"), max_length=20, choices=DataSource.choices)
    section = models.CharField(_("form section"), max_length=40)  # 申请人, 经营场所, 新生儿…
    authoritative = models.BooleanField(_("locked when supplied by the source"), default=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


class MaterialType(models.Model):
    """A kind of document (材料类型); items' materials point here so one upload can serve several items."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    licence_type = models.CharField(_("e-licence type that replaces it"), max_length=100, blank=True)
    shared_source = models.CharField(
        _("shared data that replaces it"), max_length=20, choices=DataSource.choices, blank=True
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("material type")
        verbose_name_plural = _("material types")

    def __str__(self) -> str:
        return self.name
