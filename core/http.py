"""Small request helpers shared by the views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_FIELD = "next"
NEXT_MAX_LENGTH = 2000


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded in the case trail (CaseEvent.ip): the connecting client, as the server saw it."""
    return request.META.get("REMOTE_ADDR") or None


def is_safe_next(url: str, request: HttpRequest) -> bool:
    """Whether `url` is a path of this site to send the user back to: absolute path ("/..."), same host, no scheme
    change, no control characters. A bare word ("123", "approvals:index") is refused: `redirect()` would take it for a
    URL name and fail."""
    if not url or len(url) > NEXT_MAX_LENGTH or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next(request: HttpRequest, default: str, *, value: str | None = None) -> str:
    """The `next` parameter of the request (POST, then GET), or `value` when given, when it is a safe path of this
    site (is_safe_next); `default` otherwise."""
    if value is None:
        value = request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD) or ""
    return value if is_safe_next(value, request) else default


def client_ip_for_axes(request: HttpRequest, *args: object) -> str | None:
    """settings.AXES_CLIENT_IP_CALLABLE: the same address as the trail records (None when there is none, e.g. a
    login made in code: the access log's address column takes only addresses)."""
    return client_ip(request)


def private_file_headers(response: HttpResponseBase) -> HttpResponseBase:
    """Headers for a file someone uploaded: kept by no cache (shared or the browser's), and its content type
    taken as sent (the browser does not guess another one)."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
