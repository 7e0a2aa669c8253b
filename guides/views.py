from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.pdf import pdf_response

from .rendering import guide_filename, render_guide_html, render_guide_pdf
from .services import get_guide_snapshot


@require_GET
def guide_page(
    request: HttpRequest, code: str, variant: str, version: int | None = None, fmt: str = "html"
) -> HttpResponse:
    """A published guide (public): the current version's, or version `version`'s; HTML, or PDF (`.pdf`, ?format=pdf)."""
    snapshot = get_guide_snapshot(code, version)
    pinned = version is not None
    if fmt == "pdf" or request.GET.get("format") == "pdf":
        return pdf_response(
            render_guide_pdf(snapshot, variant, pinned=pinned), guide_filename(snapshot, variant, "pdf")
        )
    return HttpResponse(render_guide_html(snapshot, variant, pinned=pinned, request=request))
