"""Display preferences every page honours: 长辈模式 (适老化, the elderly mode: larger type, higher contrast, fewer
elements), switched by a button in the top bar of every page and remembered in a cookie for a year."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from .http import safe_next

ELDERLY_COOKIE = "yijian_elderly"
YEAR = 365 * 24 * 3600


def is_elderly(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDERLY_COOKIE) == "1"


def display(request: HttpRequest) -> dict:
    """Context processor: `elderly` for base.html."""
    return {"elderly": is_elderly(request)}


@require_POST
def toggle_elderly(request: HttpRequest) -> HttpResponse:
    """Switch the elderly mode on or off and go back to the page it was pressed on."""
    response = redirect(safe_next(request, "/", value=request.POST.get("next", "")))
    if is_elderly(request):
        response.delete_cookie(ELDERLY_COOKIE, samesite="Lax")
    else:
        response.set_cookie(ELDERLY_COOKIE, "1", max_age=YEAR, samesite="Lax", httponly=True)
    return response
