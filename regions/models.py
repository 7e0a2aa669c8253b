from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DepartmentKind, RegionLevel


class Region(models.Model):
    """An administrative division, identified by its GB/T 2260 code."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Region"]:
        """This region's parents from the nearest up to the province."""
        chain = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in reversed([self, *self.ancestors()]))


class Department(models.Model):
    """A department or co-handling unit of a region (public enterprises included).

    `code` names the function (MARKET, PUBLIC_SECURITY …, see docs/department-codes.md) and is the same in every
    region, so that a one-thing adopted from a province or city maps onto the county's own departments.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("function code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    aliases = models.JSONField(_("other spellings"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.GOVERNMENT)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="department_unique_code_per_region"),
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_per_region"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def spellings(self) -> set[str]:
        return {s for s in [self.name, self.short_name, *self.aliases] if s}
