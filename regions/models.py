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
        """河南省新乡市新乡县: the names from the province down (from the process's table of regions)."""
        return "".join(name for _code, name in reversed(lineage(self.pk)))

    @property
    def ancestor_codes(self) -> list[str]:
        """The codes of the regions above this one, nearest first."""
        return [code for code, _name in lineage(self.pk)[1:]]


# The regions (a few dozen rows, changed when the catalog is loaded) as the process knows them: id -> (code, name,
# parent id). Read at once on the first question and again after any region is saved or deleted here
# (RegionsConfig.ready) or after REGION_CACHE_SECONDS for changes made by another process.
_TREE: dict[str, tuple[float, dict[int, tuple[str, str, int | None]]]] = {}
REGION_CACHE_SECONDS = 300


def forget_regions(*args, **kwargs) -> None:
    _TREE.clear()


def lineage(region_id: int) -> list[tuple[str, str]]:
    """(code, name) of the region and of each region above it, nearest first."""
    import time

    loaded = _TREE.get("tree")
    if loaded is None or time.monotonic() - loaded[0] > REGION_CACHE_SECONDS or region_id not in loaded[1]:
        rows = Region.objects.order_by().values_list("pk", "code", "name", "parent_id")
        loaded = _TREE["tree"] = (time.monotonic(), {pk: (code, name, parent) for pk, code, name, parent in rows})
    tree = loaded[1]
    chain: list[tuple[str, str]] = []
    node: int | None = region_id
    while node is not None and node in tree and len(chain) < 10:
        code, name, parent = tree[node]
        chain.append((code, name))
        node = parent
    return chain


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
