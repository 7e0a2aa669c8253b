"""Small request helpers shared by the views."""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded in the case trail (CaseEvent.ip): the connecting client, as the server saw it."""
    return request.META.get("REMOTE_ADDR") or None
