"""Pages of case documents, under /documents/.

verify (documents:verify)
    Public verification (文书核验), `?n=<number>&c=<code>` (the QR code's address): genuine and current, genuine but
    superseded, revoked (with the date), or not genuine; kind, case number, issue date, issuing body and the
    applicant's name masked — nothing else, and nothing at all unless number and code match.
download (documents:download, documents:receipt)
    The PDF of one document of a case (queries.py says who may have it; anyone else 404). Reading never issues: a
    document exists once the change that creates it committed (services.on_case_event); before that, 404. The PDF
    is the stored one (rendered in the background after the change), else rendered now and stored (rendering.py).
revoke (documents:revoke, documents:revoke_receipt)
    POST: the issuing body revokes a document issued in error, with the reason (accounts.permissions.may); back to the
    page it came from with a message. A user who may not see the document gets 404, like for the download.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import UserFacingError
from core.http import client_ip, safe_next
from core.pdf import pdf_response

from . import queries, rendering, services
from .forms import RevokeForm, VerifyForm


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
    document = services.issued_document(source)
    if document is None:
        raise Http404("Not issued")
    document = services.refresh_status(document, save=False)
    return pdf_response(rendering.stored_document_pdf(document), rendering.document_filename(document))


@login_required
@require_POST
def revoke(request: HttpRequest, number: str, kind: str, ref: str = "") -> HttpResponse:
    source = queries.get_document_source(request.user, number, kind, ref)
    document = services.issued_document(source)
    if document is None:
        raise Http404("Not issued")
    form = RevokeForm(request.POST)
    back = safe_next(request, "", value=form.data.get("next") or "")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        try:
            services.do_revoke_document(
                document,
                form.cleaned_data["reason"],
                acting_user=request.user,
                ip=client_ip(request),
            )
        except UserFacingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(title)s No. %(number)s is revoked; its verification now says so.")
                % {"title": document.get_kind_display(), "number": document.number},
            )
    return redirect((back or f"/cases/{number}/") + "#documents")
