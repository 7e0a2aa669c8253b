"""Reading a one-thing for guidance: the published version only, with everything build_notice walks prefetched."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import Http404

from catalog import queries as catalog_queries
from catalog.choices import OneThingStatus
from catalog.models import OneThing


def get_guide_one_thing(code: str) -> OneThing:
    """The published version of a one-thing; 404 for unknown codes and for listed-only or unpublished ones."""
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
