"""Login by mobile number and a one-time code (短信验证码登录); the password login is django's LoginView."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import UserFacingError
from core.http import safe_next
from notifications.views import dev_outbox_enabled

from . import otp
from .forms import MobileForm, MobileLoginForm

REDIRECT_FIELD = "next"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest) -> str:
    """The `next` parameter when it is a path of this site (core.http.is_safe_next); "" otherwise."""
    return safe_next(request, "")


@require_http_methods(["GET", "POST"])
def login_mobile(request: HttpRequest) -> HttpResponse:
    """Step 1 (action "send"): the mobile number → a code by SMS. Step 2 (action "login"): mobile + code → logged in.

    Asking for a code answers the same whether or not an applicant account has the number.
    """
    next_url = _safe_next(request)
    mobile_form, login_form, notice, error = MobileForm(), None, "", ""
    if request.method == "POST" and request.POST.get("action") == "send":
        mobile_form = MobileForm(request.POST)
        if mobile_form.is_valid():
            mobile = mobile_form.cleaned_data["mobile"]
            login_form = MobileLoginForm(initial={"mobile": mobile})
            try:
                otp.do_request_login_code(mobile)
            except UserFacingError as exc:
                error = exc.message  # most likely a code was sent a moment ago: offer to enter it
            else:
                notice = _(
                    "If this number belongs to an applicant account, a code has been sent to it by text message. "
                    "It is valid for %(minutes)d minutes."
                ) % {"minutes": int(otp.CODE_LIFETIME.total_seconds() // 60)}
    elif request.method == "POST":
        login_form = MobileLoginForm(request.POST)
        if login_form.is_valid():
            try:
                user = otp.do_verify_login_code(login_form.cleaned_data["mobile"], login_form.cleaned_data["code"])
            except UserFacingError as exc:
                login_form.add_error("code", exc.message)
            else:
                login(request, user, backend=LOGIN_BACKEND)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(
        request,
        "accounts/login_mobile.html",
        {
            "mobile_form": mobile_form,
            "login_form": login_form,
            "notice": notice,
            "error": error,
            "next": next_url,
            "dev_outbox": dev_outbox_enabled(),
        },
    )
