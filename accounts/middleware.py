"""StaffSessionMiddleware: what a staff session must satisfy on every request (等保2.0: 身份鉴别, 会话超时).

1. Idle timeout: a staff member's session ends after settings.STAFF_IDLE_MINUTES without a request; the next
   request logs them out and sends them to the login page with a message, coming back to the same page after.
2. Second factor (django-otp, TOTP): a staff member who turned one on, and every system administrator (when
   settings.OTP_REQUIRED_FOR_SUPERUSERS, the default), must enter a code from their app after the password before
   any other page — system administrators without a device are sent to set one up first.

Applicants are not concerned (they log in by password or a one-time SMS code; their sessions keep Django's default).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_SEEN = "staff_last_seen"  # session key: epoch seconds of the last request
SECOND_FACTOR = "staff_second_factor"  # session key: whether this login owes a second factor (set at login)
# Paths a staff member may reach while the second factor is still owed: the factor pages themselves, logging out,
# static files, and the language switch.
_OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/i18n/", "/favicon.ico")


def needs_second_factor(user) -> bool:
    """Whether this user must pass a second factor: a confirmed device of their own, or a system administrator."""
    if not (user.is_authenticated and (user.is_staff_member or user.is_superuser)):
        return False
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True) or (user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS)


def on_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in: start the idle clock and decide once per login whether a second factor is owed (so that
    ordinary requests read neither the devices nor write the session)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())
        request.session[SECOND_FACTOR] = needs_second_factor(user)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and (user.is_staff_member or user.is_superuser):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": settings.STAFF_IDLE_MINUTES},
                )
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            if last is None or now - int(last) >= 30:  # write the session at most every 30 s
                request.session[LAST_SEEN] = now
            owed = request.session.get(SECOND_FACTOR)
            if owed is None:  # a session from before this rule: decide now
                owed = request.session[SECOND_FACTOR] = needs_second_factor(user)
            if owed and not request.path.startswith(_OPEN_PREFIXES) and not user.is_verified():
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:two_factor_verify')}?{query}")
        return self.get_response(request)
