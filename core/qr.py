"""QR codes as inline SVG (segno), for pages and PDFs alike: no image files, no network."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, scale: int = 3, border: int = 2) -> SafeString:
    """An <svg> element encoding `data` (error correction M), safe to drop into a template."""
    code = segno.make(data, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=scale, border=border, dark="#000", light="#fff"))  # noqa: S308 - segno's own markup


def qr_data_uri(data: str, *, scale: int = 3, border: int = 2) -> str:
    return segno.make(data, error="m", micro=False).svg_data_uri(scale=scale, border=border)


def public_url(path: str) -> str:
    """The absolute address of a path of this platform as printed on paper (settings.PUBLIC_URL)."""
    from django.conf import settings

    return settings.PUBLIC_URL + "/" + path.lstrip("/")
