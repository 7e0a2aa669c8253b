"""Reading a one-thing for guidance: the published version only, with everything build_notice walks prefetched.

A published version is frozen (a change makes a new version), so the process keeps the one it loaded (issue 13):
`get_guide_one_thing` asks the database only which version is published now — one small query, carrying the
catalog's last recorded change (CatalogChange) and the version's updated_at — and reuses what it loaded for that
key. Whatever changes the catalog records a CatalogChange, so a changed key loads afresh; callers only read it.
"""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Subquery, prefetch_related_objects
from django.http import Http404

from catalog import queries as catalog_queries
from catalog.choices import OneThingStatus
from catalog.models import CatalogChange, OneThing

CACHE_SIZE = 256  # versions kept per process (the seeds publish ~140)
_LOADED: OrderedDict[tuple, OneThing] = OrderedDict()


def forget_guides() -> None:
    _LOADED.clear()


def get_guide_one_thing(code: str) -> OneThing:
    """The published version of a one-thing; 404 for unknown codes and for listed-only or unpublished ones."""
    last_change = Subquery(CatalogChange.objects.order_by("-pk").values("pk")[:1])
    row = (
        OneThing.objects.filter(code=code, status__in=catalog_queries.PUBLIC_STATUSES)
        .order_by("-version")
        .annotate(last_change=last_change)
        .values_list("pk", "status", "updated_at", "last_change")
        .first()
    )
    if row is None or row[1] != OneThingStatus.PUBLISHED:
        raise Http404("No guide for this one-thing")
    key = (code, *row)
    one_thing = _LOADED.get(key)
    if one_thing is not None:
        _LOADED.move_to_end(key)
        return one_thing
    one_thing = _load(code)
    _LOADED[key] = one_thing
    while len(_LOADED) > CACHE_SIZE:
        _LOADED.popitem(last=False)
    return one_thing


def _load(code: str) -> OneThing:
    one_thing = catalog_queries.get_public_one_thing(code)  # the public door: published or listed-only
    if one_thing.status != OneThingStatus.PUBLISHED:
        raise Http404("No guide for this one-thing")
    prefetch_related_objects(
        [one_thing],
        "region__parent__parent",
        "questions__options__include_items",
        "questions__options__exclude_items",
        "questions__options__require_materials",
        "questions__options__exempt_materials",
    )
    return one_thing
