"""Display preferences every page honours: 长辈模式 (适老化, the elderly mode: larger type, higher contrast, fewer
elements), switched by a link in the top bar of every page and remembered in a cookie for a year."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from .http import safe_next

ELDERLY_COOKIE = "yijian_elderly"
YEAR = 365 * 24 * 3600


def is_elderly(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDERLY_COOKIE) == "1"


def display(request: HttpRequest) -> dict:
    """Context processor: `elderly` for base.html."""
    return {"elderly": is_elderly(request)}


def _back(request: HttpRequest) -> str:
    """The page the button was pressed on: the same-site Referer's path (Referrer-Policy: same-origin sends it), so
    that pages need not carry their own address in the form."""
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc != request.get_host():
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


@require_GET
def toggle_elderly(request: HttpRequest) -> HttpResponse:
    """Switch the elderly mode on or off and go back to the page it was pressed on. A link (GET), like a language
    switch: it changes a display preference in a cookie, nothing on the server, and keeps pages free of per-request
    tokens (published guides stay byte-for-byte the same)."""
    response = redirect(safe_next(request, "/", value=_back(request)))
    if is_elderly(request):
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    else:
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=YEAR, samesite="Lax", httponly=True)
    return response
