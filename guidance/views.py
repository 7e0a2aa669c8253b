"""Public pages: the progressive questionnaire with its live notice, and the printable one-time notice.

Both are GET pages whose whole state is the query string (forms.GuideQuery), open to anonymous users.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from catalog.models import OneThing
from core.qr import public_url, qr_svg

from . import queries
from .forms import GuideQuery
from .services import PersonalNotice


def _context(one_thing: OneThing, notice: PersonalNotice, error: str) -> dict:
    canonical = GuideQuery.canonical(notice)
    suffix = f"?{canonical}" if canonical else ""
    return {
        "one_thing": one_thing,
        "notice": notice,
        "error": error,
        "guide_url": reverse("guidance:guide", args=[one_thing.code]) + suffix,
        "notice_url": reverse("guidance:notice", args=[one_thing.code]) + suffix,
        # the one form with these answers (a logged-out visitor logs in first and comes back to it)
        "apply_url": reverse("oneform:form", args=[one_thing.code]) + suffix,
    }


def guide(request: HttpRequest, code: str) -> HttpResponse:
    """The questionnaire beside the live notice. An HTMX request gets only that region, and the URL to push."""
    one_thing = queries.get_guide_one_thing(code)
    notice, error = GuideQuery.from_querydict(request.GET).notice(one_thing)
    context = _context(one_thing, notice, error)
    status = 400 if error else 200
    if request.headers.get("HX-Request"):
        response = render(request, "guidance/_guide.html", context, status=status)
        response["HX-Push-Url"] = context["guide_url"]
    else:
        response = render(request, "guidance/guide.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])  # the fragment and the page share one URL
    return response


def notice(request: HttpRequest, code: str) -> HttpResponse:
    """The printable personal one-time notice (一次告知单)."""
    one_thing = queries.get_guide_one_thing(code)
    notice, error = GuideQuery.from_querydict(request.GET).notice(one_thing)
    context = _context(one_thing, notice, error)
    context["apply_public_url"] = public_url(context["apply_url"])  # printed: where to go on to apply
    context["apply_qr"] = qr_svg(context["apply_public_url"], scale=2)
    return render(request, "guidance/notice.html", context, status=400 if error else 200)
