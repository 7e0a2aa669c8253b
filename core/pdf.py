"""HTML → PDF with WeasyPrint, offline: every resource comes from the project's static files, nothing from a network.

Chinese text is set in Noto Sans/Serif CJK SC (Debian's fonts-noto-cjk, found through fontconfig); WeasyPrint
embeds the subset of glyphs it uses, so a PDF opens the same on a machine without those fonts.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from core.storage import pdf_storage

# Relative URLs in a document resolve against this made-up origin; the fetcher maps its /static/ paths to files.
DOCUMENT_ORIGIN = "http://yijian.invalid/"


def _static_file(name: str) -> str | None:
    """The file of a static path, or None (unknown, or a path that climbs out of the static directories)."""
    try:
        return finders.find(name)
    except SuspiciousFileOperation:
        return None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serve `data:` URIs and the project's static files; refuse every other URL (county intranets are offline)."""

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            static_prefix = DOCUMENT_ORIGIN + settings.STATIC_URL.lstrip("/")
            if url.startswith(static_prefix):
                path = _static_file(url[len(static_prefix) :].split("?")[0])
                if path:
                    with open(path, "rb") as f:
                        body = f.read()
                    mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": mime})
            raise ValueError(f"PDF documents load no resource from outside the static files: {url}")

    return StaticOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """The PDF of an HTML document whose stylesheets and images are static files or data: URIs."""
    import weasyprint  # imported late: it loads Pango, which pages that make no PDF do not need

    return weasyprint.HTML(string=html, base_url=DOCUMENT_ORIGIN, url_fetcher=_fetcher()).write_pdf()


STATIC_REFERENCE = re.compile(r"""(?:href|src)=["']/?static/([^"'?#]+)""")


def _cache_key(html: str) -> str:
    """What the PDF depends on: the HTML, the static files it references (stylesheets), and WeasyPrint's version."""
    import weasyprint

    digest = hashlib.sha256()
    digest.update(weasyprint.__version__.encode())
    digest.update(html.encode())
    for name in sorted(set(STATIC_REFERENCE.findall(html))):
        path = _static_file(name)
        digest.update(name.encode())
        digest.update(Path(path).read_bytes() if path else b"-")
    return digest.hexdigest()


def html_to_pdf_cached(html: str) -> bytes:
    """html_to_pdf, kept in settings.PDF_CACHE_DIR by what it depends on, for documents that do not change (a
    published guide is frozen: its PDF is laid out once, not at each download). The directory may be emptied at
    any time; a file is written whole (rename) so that concurrent requests never read half a PDF."""
    cache_dir = Path(settings.PDF_CACHE_DIR)
    path = cache_dir / f"{_cache_key(html)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = html_to_pdf(html)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(pdf)
    os.replace(partial, path)
    return pdf


def _checked(name: str) -> str:
    if ".." in Path(name).parts or name.startswith("/"):
        raise SuspiciousFileOperation(name)
    return name


def stored_pdf_path(name: str) -> Path:
    """Where the stored PDF `name` ("documents/12/current.pdf") lives on the local filesystem storage: MEDIA_ROOT/pdfs/,
    which no URL serves (the views hand the bytes out after their permission check) and git ignores. Another
    storage (S3) has no path: use find_stored_pdf."""
    return Path(pdf_storage().path(_checked(name)))


def find_stored_pdf(name: str) -> bytes | None:
    """The bytes of the stored PDF `name` in settings.STORAGES["pdfs"], None when there is none."""
    try:
        with pdf_storage().open(_checked(name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def store_pdf(name: str, pdf: bytes) -> bytes:
    """Keep `pdf` as the stored PDF `name`, unless one is stored already: then that one is kept and returned, so
    that every reader gets the same bytes (two first downloads at once, or a download beside the background task).
    On the local storage the file appears whole or not at all and the first writer wins (core.storage); on S3 an
    object appears whole, and two writers racing for the same name both wrote a rendering of the same content."""
    storage = pdf_storage()
    name = _checked(name)
    existing = find_stored_pdf(name)
    if existing is not None:
        return existing
    try:
        saved = storage.save(name, ContentFile(pdf))
    except FileExistsError:  # another writer linked its file first
        return find_stored_pdf(name) or pdf
    if saved != name:  # the storage chose another name: one appeared meanwhile; keep that one
        storage.delete(saved)
        return find_stored_pdf(name) or pdf
    return pdf


def stored_pdf(name: str, render: Callable[[], bytes]) -> bytes:
    """The stored PDF `name`; when there is none yet, `render()` it now and store it (store_pdf: first one wins)."""
    pdf = find_stored_pdf(name)
    return pdf if pdf is not None else store_pdf(name, render())


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{_quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename, safe="")
