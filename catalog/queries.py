"""The one door for reading one-things: public visibility and staff scope in one place (STYLE.md §9)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.permissions import restrict

from .choices import OneThingStatus
from .models import OneThing, OneThingItem

PUBLIC_STATUSES = [OneThingStatus.PUBLISHED, OneThingStatus.LISTED]


def public_one_things() -> QuerySet[OneThing]:
    return (
        OneThing.objects.filter(status__in=PUBLIC_STATUSES)
        .select_related("region", "lead_department", "batch")
        .annotate(item_count=Count("items"))
    )


def restrict_one_things(user, action: str) -> QuerySet[OneThing]:
    """Every version (drafts included) of the one-things in the regions where `user` may perform `action`."""
    return restrict(user, action, OneThing.objects.select_related("region", "lead_department", "batch"))


def filter_catalog(qs: QuerySet[OneThing], data: dict) -> QuerySet[OneThing]:
    if data.get("region"):
        region = data["region"]
        qs = qs.filter(Q(region=region) | Q(region__parent=region) | Q(region__parent__parent=region))
    if data.get("subject"):
        qs = qs.filter(subject=data["subject"])
    if data.get("stage"):
        qs = qs.filter(stage=data["stage"])
    if data.get("department"):
        term = data["department"].strip()
        qs = qs.filter(
            Q(lead_department__name__icontains=term)
            | Q(lead_department__short_name__icontains=term)
            | Q(items__department__name__icontains=term)
            | Q(items__department__short_name__icontains=term)
        ).distinct()
    if data.get("q"):
        term = data["q"].strip()
        qs = qs.filter(Q(name__icontains=term) | Q(items__service_item__name__icontains=term)).distinct()
    return qs


def item_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=OneThingItem.objects.select_related(
            "service_item", "department", "inherited_from__one_thing__region"
        ).prefetch_related(
            "prerequisites__service_item",
            "supporting_departments",
            "service_item__materials__material_type",
        ),
    )


def get_public_one_thing(code: str, version: int | None = None) -> OneThing:
    """The version the public sees (or a named published/superseded one); 404 otherwise."""
    qs = OneThing.objects.filter(code=code).select_related("region", "lead_department", "batch", "adopted_from__region")
    if version is not None:
        qs = qs.filter(version=version, status__in=[*PUBLIC_STATUSES, OneThingStatus.SUPERSEDED])
    else:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    one_thing = qs.prefetch_related(item_prefetch(), "questions__options", "questions__show_if", "faqs").first()
    if one_thing is None:
        raise Http404("No such one-thing")
    return one_thing


def access_one_thing(user, pk: int, action: str) -> OneThing:
    """A one-thing version the user may act on; the same 404 whether it does not exist or is not theirs."""
    one_thing = (
        restrict_one_things(user, action)
        .filter(pk=pk)
        .prefetch_related(item_prefetch(), "questions__options", "faqs")
        .first()
    )
    if one_thing is None:
        raise Http404("No such one-thing")
    return one_thing
