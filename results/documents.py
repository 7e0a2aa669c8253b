"""Renderings of results the applicant keeps: the e-licence as a PDF (版式文件, issue 5).

The PDF uses the case documents' A4 layout (documents/templates/documents/base.html, via core.pdf: Noto CJK fonts
embedded, nothing fetched from a network), with the holder's identity number masked and a QR code to the public
verification page /results/verify/ carrying the licence's number and its existing verification code. A revoked
licence still downloads, marked revoked, and its QR code then verifies as revoked.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pdf import render_pdf
from core.qr import public_url, qr_svg

from .models import ELicence
from .services import mask_identity

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
