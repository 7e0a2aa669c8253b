"""A guide snapshot as an HTML page or a PDF document (used by the pages and by `render_guide`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from core.pdf import html_to_pdf_cached
from core.qr import public_url, qr_svg

from .elements import elements_for
from .models import GuideSnapshot
from .services import missing_labels

VARIANTS = ("full", "simple")


def guide_urls(code: str, version: int | None) -> dict[str, str]:
    """The paths of a guide's four renderings: current (version None) or a named version."""
    if version is None:
        names = {
            "full": "guides:full",
            "simple": "guides:simple",
            "full_pdf": "guides:full_pdf",
            "simple_pdf": "guides:simple_pdf",
        }
        kwargs: dict[str, Any] = {"code": code}
    else:
        names = {
            "full": "guides:version",
            "simple": "guides:version_simple",
            "full_pdf": "guides:version_pdf",
            "simple_pdf": "guides:version_simple_pdf",
        }
        kwargs = {"code": code, "version": version}
    return {key: reverse(name, kwargs=kwargs) for key, name in names.items()}


def guide_context(snapshot: GuideSnapshot, variant: str, *, pinned: bool) -> dict[str, Any]:
    """Template context; `pinned`: the page names its version in the address (old versions, cases)."""
    assert variant in VARIANTS, variant
    content = snapshot.content
    blocks = content.get(variant) or {}
    one_thing = snapshot.one_thing
    urls = guide_urls(one_thing.code, one_thing.version if pinned else None)
    return {
        "snapshot": snapshot,
        "content": content,
        "one_thing": one_thing,
        "variant": variant,
        "sections": [
            {"key": e.key, "label": e.label_for(variant), "blocks": blocks.get(e.key) or []}
            for e in elements_for(variant)
        ],
        "missing": missing_labels(snapshot),
        "urls": urls,
        "pinned": pinned,
        "full_url": public_url(urls["full"]),
        "qr": qr_svg(public_url(urls["full"]), scale=2) if variant == "simple" else "",
    }


def render_guide_html(
    snapshot: GuideSnapshot, variant: str, *, pinned: bool, request: HttpRequest | None = None
) -> str:
    return render_to_string(f"guides/{variant}.html", guide_context(snapshot, variant, pinned=pinned), request=request)


def render_guide_pdf(snapshot: GuideSnapshot, variant: str, *, pinned: bool) -> bytes:
    """The guide's PDF: laid out once per snapshot, variant and stylesheets (a full guide takes seconds), then kept."""
    context = guide_context(snapshot, variant, pinned=pinned)
    return html_to_pdf_cached(render_to_string(f"guides/pdf_{variant}.html", context))


def guide_filename(snapshot: GuideSnapshot, variant: str, ext: str) -> str:
    label = "办事指南" if variant == "full" else "办事指南（简版）"
    return f"{snapshot.one_thing.name}{label}-v{snapshot.one_thing.version}.{ext}"
