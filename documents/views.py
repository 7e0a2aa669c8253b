"""Pages of case documents, under /documents/.

verify (documents:verify)
    Public verification (文书核验), `?n=<number>&c=<code>` (the QR code's address): genuine and current, genuine but
    superseded, revoked (with the date), or not genuine; kind, case number, issue date, issuing body and the
    applicant's name masked — nothing else, and nothing at all unless number and code match.
download (documents:download, documents:receipt)
    The PDF of one document of a case, issued on first download (queries.py says who may have it; anyone else 404).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.pdf import pdf_response

from . import queries, rendering, services
from .forms import VerifyForm


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid() and (form.cleaned_data["n"] or form.cleaned_data["c"]):
        result = services.verify_document(form.cleaned_data["n"], form.cleaned_data["c"])
    response = render(request, "documents/verify.html", {"form": form, "result": result})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the code is in the address
    return response


@login_required
@require_GET
def download(request: HttpRequest, number: str, kind: str, ref: str = "") -> HttpResponse:
    source = queries.get_document_source(request.user, number, kind, ref)
    document = services.issue_document(source, acting_user=request.user, ip=request.META.get("REMOTE_ADDR") or None)
    return pdf_response(rendering.document_pdf(document), rendering.document_filename(document))
