"""Renderings of results the applicant keeps: the e-licence as a PDF (版式文件, issue 5).

The PDF uses the case documents' A4 layout (documents/templates/documents/base.html, via core.pdf: Noto CJK fonts
embedded, nothing fetched from a network), with the holder's identity number masked and a QR code to the public
verification page /results/verify/ carrying the licence's number and its existing verification code. A revoked
licence still downloads, marked revoked, and its QR code then verifies as revoked.

Stored, not laid out at each download: issuing (and revoking) a licence enqueues results.tasks.render_licence_pdf
once the change commits, which keeps the PDF as licences/… in the "pdfs" storage (core.pdf.store_pdf); the download
serves it, or renders and stores it when the task has not run yet. One file per licence and status (the revoked
banner is part of the page): the same bytes at every download while the status holds.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import find_stored_pdf, render_pdf, stored_pdf
from core.qr import public_url, qr_svg

from .choices import LicenceStatus
from .models import ELicence
from .queries import mask_identity

DOCUMENT_LANGUAGE = "zh-hans"


def _verify_path(licence: ELicence) -> str:
    return f"{reverse('results:verify')}?{urlencode({'n': licence.number, 'c': licence.verification_code})}"


def verification_url(request: HttpRequest, licence: ELicence) -> str:
    """The public verification page for this licence, as an absolute address of the current site."""
    return request.build_absolute_uri(_verify_path(licence))


def printed_verification_url(licence: ELicence) -> str:
    """The same address as printed on paper (settings.PUBLIC_URL)."""
    return public_url(_verify_path(licence))


def licence_filename(licence: ELicence, extension: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in licence.number)
    return f"licence-{safe}.{extension}"


def licence_pdf(licence: ELicence) -> bytes:
    url = printed_verification_url(licence)
    code = licence.verification_code
    with translation.override(DOCUMENT_LANGUAGE):
        return render_pdf(
            "documents/licence.html",
            {
                "licence": licence,
                "title": licence.title,
                "issuer": licence.department.name,
                "number": licence.number,
                "number_label": _("Licence number"),
                "issued_at": licence.issued_at,
                "seal_date": "{0.year}年{0.month}月{0.day}日".format(timezone.localtime(licence.issued_at).date()),
                "holder_id": mask_identity(licence.holder_id_number),
                "code": "-".join(code[i : i + 4] for i in range(0, len(code), 4)),
                "verify_url": url,
                "qr": qr_svg(url, scale=2),
            },
        )


def licence_pdf_name(licence: ELicence) -> str:
    """ "licences/<id>/valid.pdf", or "…/revoked-<day>.pdf" (the banner prints the day of revocation)."""
    state = str(licence.status)
    if licence.status == LicenceStatus.REVOKED and licence.revoked_at:
        state += "-" + timezone.localtime(licence.revoked_at).date().isoformat()
    return f"licences/{licence.pk}/{state}.pdf"


def stored_licence_pdf(licence: ELicence) -> bytes:
    """The licence's stored PDF; rendered and stored now when there is none yet."""
    return stored_pdf(licence_pdf_name(licence), lambda: licence_pdf(licence))


def has_stored_pdf(licence: ELicence) -> bool:
    return find_stored_pdf(licence_pdf_name(licence)) is not None


def store_licence_pdf(licence_id: int) -> str | None:
    """Render and store one licence's PDF unless it is stored (the background task: idempotent); the stored file's
    name, None when there is no such licence."""
    licence = ELicence.objects.select_related("department", "holder", "item", "case").filter(pk=licence_id).first()
    if licence is None:
        return None
    stored_licence_pdf(licence)
    return licence_pdf_name(licence)
