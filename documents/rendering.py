"""Case documents as PDF (版式文件): one A4 layout (templates/documents/base.html), Noto CJK fonts embedded by
WeasyPrint (core.pdf), a QR code to the public verification page (core.qr), the number and code printed as text."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from core.pdf import render_pdf
from core.qr import qr_svg

from .choices import DocumentKind
from .models import CaseDocument
from .services import DOCUMENT_LANGUAGE, readable_code, verification_url

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
