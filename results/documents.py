"""Renderings of results the applicant keeps.

Today the e-licence is rendered as one self-contained HTML page (inline styles, no external resources: it prints on
A4 and opens offline), downloaded from My licences. The PDF rendering (版式文件, issue 5) belongs in this module,
beside `licence_html`, and the download view will then offer it; until then nothing here claims to be a PDF.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ELicence
from .services import mask_identity


def verification_url(request: HttpRequest, licence: ELicence) -> str:
    """The public verification page for this licence, as an absolute address to print on it."""
    query = urlencode({"n": licence.number, "c": licence.verification_code})
    return request.build_absolute_uri(f"{reverse('results:verify')}?{query}")


def licence_filename(licence: ELicence, extension: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in licence.number)
    return f"licence-{safe}.{extension}"


def licence_html(request: HttpRequest, licence: ELicence) -> str:
    return render_to_string(
        "results/licence_document.html",
        {
            "licence": licence,
            "holder_id": mask_identity(licence.holder_id_number),
            "verify_url": verification_url(request, licence),
        },
        request=request,
    )
