"""Case documents as PDF (版式文件): one A4 layout (templates/documents/base.html), Noto CJK fonts embedded by
WeasyPrint (core.pdf), a QR code to the public verification page (core.qr), the number and code printed as text.

Stored, not laid out at each download: the change that issues a document (or supersedes or revokes it) enqueues
documents.tasks.render_document_pdf once it commits, which keeps the PDF in the "pdfs" storage (core.pdf.store_pdf:
settings.STORAGES, MEDIA_ROOT/pdfs/ locally, a private bucket on S3);
the download serves that file, or renders and stores it when the task has not run yet (stored_document_pdf). One
file per document and status (`pdf_name`): the banner of a superseded or revoked document is part of its page, so a
document serves the same bytes for as long as its status holds, and its own file once it changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone, translation

from core.pdf import find_stored_pdf, render_pdf, stored_pdf
from core.qr import qr_svg

from .choices import DocumentKind, DocumentStatus
from .models import CaseDocument
from .services import DOCUMENT_LANGUAGE, readable_code, refresh_status, verification_url

# The date under the issuing body's name is the date of the act the document records, not of its first download.
ACT_DATE = {
    DocumentKind.RECEIPT: "received_at",
    DocumentKind.CORRECTION: "issued_at",
    DocumentKind.ACCEPTANCE: "accepted_at",
    DocumentKind.REFUSAL: "decided_at",
    DocumentKind.DENIAL: "decided_at",
    DocumentKind.COMMITMENT: "signed_at",
    DocumentKind.DELIVERY: "delivered_at",
}


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _act_date(document: CaseDocument) -> str:
    value = str(document.content.get(ACT_DATE[document.kind]) or "")[:10]
    try:
        return chinese_date(dt.date.fromisoformat(value))
    except ValueError:
        return chinese_date(timezone.localtime(document.issued_at).date())


def document_pdf(document: CaseDocument) -> bytes:
    url = verification_url(document)
    with translation.override(DOCUMENT_LANGUAGE):
        context = {
            "document": document,
            "c": document.content,
            "title": DocumentKind(document.kind).label,
            "issuer": document.issuer,
            "number": document.number,
            "case_number": document.case.number,
            "code": readable_code(document.verification_code),
            "issued_at": document.issued_at,
            "seal_date": _act_date(document),
            "verify_url": url,
            "qr": qr_svg(url, scale=2),
        }
        return render_pdf(f"documents/{document.kind}.html", context)


def document_filename(document: CaseDocument) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in document.number)
    return f"{document.kind}-{safe}.pdf"


def pdf_name(document: CaseDocument) -> str:
    """The stored PDF of the document as it reads now: "documents/<id>/current.pdf", or for a superseded or revoked
    one its status and a digest of what its banner prints (the date and the reason)."""
    state = str(document.status)
    if document.status != DocumentStatus.CURRENT:
        changed = document.status_changed_at
        day = timezone.localtime(changed).date().isoformat() if changed else ""
        state += "-" + hashlib.sha256(f"{day}|{document.status_reason}".encode()).hexdigest()[:12]
    return f"documents/{document.pk}/{state}.pdf"


def stored_document_pdf(document: CaseDocument) -> bytes:
    """The document's stored PDF (its status as given: the caller applied refresh_status); rendered and stored now
    when there is none yet."""
    return stored_pdf(pdf_name(document), lambda: document_pdf(document))


def has_stored_pdf(document: CaseDocument) -> bool:
    return find_stored_pdf(pdf_name(document)) is not None


def store_document_pdf(document_id: int) -> str | None:
    """Render and store the PDF of one document as it reads now, unless it is stored (the background task:
    idempotent); the stored file's name, None when there is no such document."""
    document = CaseDocument.objects.select_related("case", "item", "material", "correction").filter(pk=document_id)
    document = document.first()
    if document is None:
        return None
    document = refresh_status(document, save=False)
    stored_document_pdf(document)
    return pdf_name(document)
