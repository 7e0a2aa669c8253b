"""{% case_documents case %} and {% item_documents item %}: download links of the documents that exist now."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from cases.models import Case, CaseItem

from ..choices import DocumentKind
from ..models import CaseDocument
from ..services import Source, item_sources, sources_of

register = template.Library()


def source_url(source: Source) -> str:
    if source.kind == DocumentKind.RECEIPT:
        return reverse("documents:receipt", args=[source.case.number])
    return reverse("documents:download", args=[source.case.number, source.kind, source.ref])


def _links(case: Case, sources: list[Source]) -> list[dict[str, Any]]:
    issued = {(d.kind, d.source_key): d for d in CaseDocument.objects.filter(case=case)}
    return [
        {
            "title": DocumentKind(s.kind).label,
            "about": s.item.name if s.item is not None else (s.material.name if s.material is not None else ""),
            "url": source_url(s),
            "document": issued.get((s.kind, s.key)),
        }
        for s in sources
    ]


@register.inclusion_tag("documents/_links.html")
def case_documents(case: Case) -> dict[str, Any]:
    """Every document of the case (for pages that already checked the user may see the case)."""
    return {"links": _links(case, sources_of(case))}


@register.inclusion_tag("documents/_links.html")
def item_documents(item: CaseItem) -> dict[str, Any]:
    """The department's documents of one item (its task page)."""
    return {"links": _links(item.case, item_sources(item))}
