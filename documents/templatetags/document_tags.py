"""{% case_documents case %} and {% item_documents item %}: download links of the documents issued so far."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from accounts.permissions import may
from cases.models import Case, CaseItem

from ..choices import DocumentKind, DocumentStatus
from ..forms import RevokeForm
from ..models import CaseDocument
from ..services import Source, item_sources, revocation_action, sources_of

register = template.Library()


def source_url(source: Source) -> str:
    if source.kind == DocumentKind.RECEIPT:
        return reverse("documents:receipt", args=[source.case.number])
    return reverse("documents:download", args=[source.case.number, source.kind, source.ref])


def revoke_url(source: Source) -> str:
    if source.kind == DocumentKind.RECEIPT:
        return reverse("documents:revoke_receipt", args=[source.case.number])
    return reverse("documents:revoke", args=[source.case.number, source.kind, source.ref])


def _links(context: template.Context, case: Case, sources: list[Source]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    issued = {(d.kind, d.source_key): d for d in CaseDocument.objects.filter(case=case).select_related("item")}
    links = []
    for s in sources:
        document = issued.get((s.kind, s.key))
        if document is None:  # issued by the change that created its source; data from before: issue_documents
            continue
        if document is not None:
            document.case = case
        revocable = bool(
            document
            and document.status != DocumentStatus.REVOKED
            and may(user, revocation_action(document), document)  # the user's rights read once per request
        )
        links.append(
            {
                "title": DocumentKind(s.kind).label,
                "about": s.item.name if s.item is not None else (s.material.name if s.material is not None else ""),
                "url": source_url(s),
                "document": document,
                "revoke_url": revoke_url(s) if revocable else "",
            }
        )
    back = request.get_full_path() if request is not None else ""
    return {"links": links, "revoke_form": RevokeForm(initial={"next": back}, auto_id=False)}


@register.inclusion_tag("documents/_links.html", takes_context=True)
def case_documents(context: template.Context, case: Case) -> dict[str, Any]:
    """Every document of the case (for pages that already checked the user may see the case)."""
    return _links(context, case, sources_of(case))


@register.inclusion_tag("documents/_links.html", takes_context=True)
def item_documents(context: template.Context, item: CaseItem) -> dict[str, Any]:
    """The department's documents of one item (its task page)."""
    return _links(context, item.case, item_sources(item))
