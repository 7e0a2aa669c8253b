"""Verification codes printed on paper (e-licences, case documents): a short HMAC of what the paper says.

16 base32 characters (80 bits) of HMAC-SHA256 under SECRET_KEY, salted per purpose; a code made under a key in
SECRET_KEY_FALLBACKS still verifies after a key rotation. Readers may type it with dashes, spaces or lower case.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

CODE_LENGTH = 16


def signed_code(salt: str, text: str, *, secret: str | None = None) -> str:
    digest = salted_hmac(salt, text, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]


def normalize_code(code: str) -> str:
    """As typed → as signed: letters and digits only, upper case (ABCD-efgh → ABCDEFGH)."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[: CODE_LENGTH * 2]


def code_matches(code: str, salt: str, text: str) -> bool:
    """Whether `code` (normalized) is the code of `text` under the current key or a fallback, in constant time."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any([constant_time_compare(code, signed_code(salt, text, secret=secret)) for secret in secrets])
