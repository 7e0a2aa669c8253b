"""Helpers for tests comparing whole pages."""

from __future__ import annotations

import re

from django.http import HttpResponse

_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
_BACK = re.compile(rb'name="next" value="[^"]*"')  # the top bar's forms come back to the address asked for


def page_body(response: HttpResponse) -> bytes:
    """The response's body without its CSRF token, which Django masks afresh on every response (the error pages carry
    one in the top bar's log-out form), nor the address the top bar's forms return to (the one asked for): two answers
    are "the same page" when these are equal."""
    body = _CSRF.sub(b'name="csrfmiddlewaretoken" value=""', response.content)
    return _BACK.sub(b'name="next" value=""', body)
