"""Account security pages (账号安全), under /accounts/: password change for every user, and the second factor for
staff (TOTP through django-otp; the middleware that demands it is accounts/middleware.py).

security (accounts:security)                the page: change password, second factor on/off
password (accounts:password_change)         PasswordChangeForm (SetPasswordForm for an account without a usable
                                            password, e.g. an applicant who only ever logged in by SMS code)
two_factor_setup (accounts:two_factor_setup)   QR code + key of a new device; confirmed by a first code
two_factor_verify (accounts:two_factor_verify) the code after the password (staff with a device, administrators)
two_factor_disable (accounts:two_factor_disable) POST with a current code; not for administrators when required
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.http import safe_next
from core.qr import qr_svg

from .middleware import SECOND_FACTOR, needs_second_factor

DEVICE_NAME = "authenticator app"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("6-digit code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
        error_messages={"required": gettext_lazy("Enter the code shown in your authenticator app.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."))
        return code


def _staff(user) -> bool:
    return user.is_staff_member or user.is_superuser


def _confirmed(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "staff": _staff(user),
        "devices": _confirmed(user) if _staff(user) else [],
        "required": user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS,
        "idle_minutes": settings.STAFF_IDLE_MINUTES,
        "code_form": CodeForm(auto_id="disable-%s"),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form_class = PasswordChangeForm if user.has_usable_password() else SetPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)  # this session stays logged in, the others end
        messages.success(request, _("Your password was changed. Other sessions of this account were logged out."))
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form, "has_password": user.has_usable_password()})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _staff(user):
        return redirect("accounts:security")
    next_url = safe_next(request, "")
    if _confirmed(user) and not user.is_verified():  # replacing a device needs the current one first
        return redirect("accounts:two_factor_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[SECOND_FACTOR] = True
            messages.success(request, _("Two-step verification is on. You will be asked for a code at every login."))
            return redirect(next_url or "accounts:security")
        form.add_error("code", _("The code is not right. Check the time on your phone and enter the newest code."))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": qr_svg(device.config_url, scale=4),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS,
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = safe_next(request, "")
    if not needs_second_factor(user) or user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    devices = _confirmed(user)
    if not devices:  # an administrator without a device: set one up first
        setup = reverse("accounts:two_factor_setup")
        return redirect(f"{setup}?{urlencode({'next': next_url})}" if next_url else setup)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        form.add_error("code", _("The code is not right. Enter the newest code from your authenticator app."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS:
        messages.error(request, _("System administrators cannot turn two-step verification off."))
        return redirect("accounts:security")
    form = CodeForm(request.POST)
    devices = _confirmed(user)
    if form.is_valid() and any(d.verify_token(form.cleaned_data["code"]) for d in devices):
        TOTPDevice.objects.filter(user=user).delete()
        request.session[SECOND_FACTOR] = False
        messages.success(request, _("Two-step verification is off."))
    else:
        messages.error(request, _("Not turned off: enter a current code from your authenticator app."))
    return redirect("accounts:security")


def locked_out(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None) -> HttpResponse:
    """settings.AXES_LOCKOUT_CALLABLE: the Chinese lockout page, HTTP 429 (the site's login and the admin's)."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)
