"""The catalog's shape, for scripts and for staff (`manage.py catalog_report --json`)."""

from __future__ import annotations

from django.db.models import Count, Q

from regions.models import Department, Region

from .choices import OneThingStatus, Specification
from .models import DataElement, MaterialType, OneThing, OneThingItem

LIVE_STATUSES = [OneThingStatus.LISTED, OneThingStatus.DRAFT, OneThingStatus.PUBLISHED]


def catalog_report() -> dict:
    """Per region holding one-things: counts of one-things (latest live version of each), how many are fully
    specified or only listed by name, distinct service items used, and departments; plus dictionary sizes."""
    one_things = (
        OneThing.objects.filter(status__in=[OneThingStatus.LISTED, OneThingStatus.PUBLISHED])
        .values("region_id")
        .annotate(
            total=Count("id"),
            full=Count("id", filter=Q(specification=Specification.FULL)),
            listed=Count("id", filter=Q(status=OneThingStatus.LISTED)),
            templates=Count("id", filter=Q(is_template=True)),
        )
    )
    by_region = {row["region_id"]: row for row in one_things}
    items = (
        OneThingItem.objects.filter(one_thing__status__in=[OneThingStatus.LISTED, OneThingStatus.PUBLISHED])
        .values("one_thing__region_id")
        .annotate(n=Count("service_item", distinct=True))
    )
    items_by_region = {row["one_thing__region_id"]: row["n"] for row in items}
    departments = dict(Department.objects.values("region_id").annotate(n=Count("id")).values_list("region_id", "n"))
    regions = []
    for region in Region.objects.filter(pk__in=by_region.keys()).order_by("code"):
        row = by_region[region.pk]
        regions.append(
            {
                "code": region.code,
                "name": region.name,
                "one_things": row["total"],
                "fully_specified": row["full"],
                "listed_only": row["listed"],
                "templates": row["templates"],
                "items": items_by_region.get(region.pk, 0),
                "departments": departments.get(region.pk, 0),
            }
        )
    return {
        "regions": regions,
        "data_elements": DataElement.objects.count(),
        "material_types": MaterialType.objects.count(),
    }
