"""Personal data encrypted at rest (issue 11 part 7): ID numbers, mobile numbers and bank accounts.

Scheme: AES-SIV (RFC 5297, `cryptography`), a deterministic authenticated encryption. Its synthetic IV is a keyed
PRF (S2V over AES-CMAC) of the value and of the column it belongs to, so equal values in one column give equal
ciphertexts: that keyed value serves as the keyed hash for uniqueness (the unique constraints on User.id_number work
on the ciphertext) and for exact look-up (login by mobile, a walk-in found by ID number), with nothing stored in
clear. Equal values in different columns, or under different JSON keys, encrypt differently (the column or key is the
associated data). What it reveals is what any keyed hash for look-up reveals: which rows hold the same value.

Stored form: ``enc1:<key id>:<base64url>``; the empty string stays empty (the "not filled in" of a blank field).
Values read that carry no prefix are legacy clear text (before the migration that encrypts them) and are returned
as they are.

Keys: settings.FIELD_ENCRYPTION_KEYS, a list of base64url-encoded 64-byte keys from the environment (comma-separated
FIELD_ENCRYPTION_KEYS); the first encrypts, every one decrypts, and an exact look-up matches the ciphertext under
each. Rotation: put a new key first, keep the old ones, run `manage.py rotate_field_keys` (re-encrypts every
column under the first key), then drop the old keys. `manage.py rotate_field_keys --new-key` prints a new key.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"
KEY_BYTES = 64  # AES-SIV with AES-256 (two 256-bit keys)

# Data element keys (form values, profile values, JSON details) whose values are encrypted: ID numbers, mobile
# numbers, bank accounts, social security and disability card numbers — matched on the last part of the key.
SENSITIVE_SUFFIXES = ("id_number", "mobile", "bank_account", "social_security_number", "card_number")


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS: a key is not base64url.") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: each key must be {KEY_BYTES} bytes (base64url).")
    return raw


@lru_cache(maxsize=8)
def _keys(configured: tuple[str, ...]) -> tuple[tuple[str, AESSIV], ...]:
    if not configured:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be encrypted.")
    keys = []
    for text in configured:
        raw = _decode(text)
        keys.append((hashlib.sha256(raw).hexdigest()[:8], AESSIV(raw)))
    return tuple(keys)


def keys() -> tuple[tuple[str, AESSIV], ...]:
    """(key id, cipher) for every configured key, the encrypting one first."""
    return _keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def is_encrypted(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def _encrypt_with(key_id: str, cipher: AESSIV, value: str, context: str) -> str:
    token = cipher.encrypt(value.encode(), [context.encode()])
    return f"{PREFIX}{key_id}:{base64.urlsafe_b64encode(token).decode().rstrip('=')}"


def encrypt(value: str, context: str) -> str:
    """The stored form of `value` in `context` (column label or JSON key); "" stays ""; already encrypted stays."""
    if value == "" or is_encrypted(value):
        return value
    key_id, cipher = keys()[0]
    return _encrypt_with(key_id, cipher, value, context)


def ciphertexts(value: str, context: str) -> list[str]:
    """The stored form of `value` under every configured key (an exact look-up matches any of them)."""
    if value == "" or is_encrypted(value):
        return [value]
    return [_encrypt_with(key_id, cipher, value, context) for key_id, cipher in keys()]


def decrypt(stored: Any, context: str) -> Any:
    """The clear value of a stored one (legacy clear text and non-strings are returned unchanged)."""
    if not is_encrypted(stored):
        return stored
    key_id, _, body = stored[len(PREFIX) :].partition(":")
    token = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    for candidate_id, cipher in keys():
        if candidate_id == key_id:
            return cipher.decrypt(token, [context.encode()]).decode()
    raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS lacks the key {key_id} this value was encrypted with.")


def is_sensitive_key(key: str) -> bool:
    return str(key).rsplit(".", 1)[-1].endswith(SENSITIVE_SUFFIXES)


def _walk(value: Any, transform, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, transform, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, transform, key) for v in value]
    if isinstance(value, str) and key and is_sensitive_key(key):
        return transform(value, key)
    return value


def encrypt_sensitive(value: Any) -> Any:
    """A JSON value with the strings under sensitive keys (at any depth: {"before": {"applicant.mobile": …}})
    encrypted; the JSON key is the associated data."""
    return _walk(value, encrypt)


def decrypt_sensitive(value: Any) -> Any:
    return _walk(value, decrypt)


def sensitive_keys_in(value: Any) -> Iterable[str]:
    """The sensitive keys found in a JSON value (for tests and the rotation report)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and is_sensitive_key(str(k)):
                yield str(k)
            yield from sensitive_keys_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from sensitive_keys_in(v)
