"""Helpers for tests comparing whole pages."""

from __future__ import annotations

import re

from django.http import HttpResponse

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def page_body(response: HttpResponse) -> bytes:
    """The response's body without its CSRF token, which Django masks afresh on every response (the error pages carry
    one in the top bar's log-out form): two answers are "the same page" when these are equal."""
    return _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', response.content)
