"""Password rules beyond Django's (settings.AUTH_PASSWORD_VALIDATORS): a password may not contain the user's own
identifiers — ID number, mobile, unified credit code, the agent's ID number — nor be a simple pattern (one character
repeated, a run such as 123456 or abcdef, a keyboard row such as qwerty). Messages in Chinese through gettext."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")
MIN_PERSONAL_PART = 6  # a run of this many characters of an own identifier (e.g. the birth date part) is refused


def _identifiers(user: Any) -> list[str]:
    values = [
        getattr(user, name, "") or ""
        for name in ("id_number", "mobile", "credit_code", "agent_id_number", "agent_mobile")
    ]
    return [v.lower() for v in values if len(v) >= MIN_PERSONAL_PART]


class PersonalDataValidator:
    """Refuses a password that contains the user's ID number, mobile or credit code, or six characters in a row of
    one of them (the birth date of an ID number, the last digits of a mobile)."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        text = password.lower()
        for value in _identifiers(user):
            parts = {value[i : i + MIN_PERSONAL_PART] for i in range(len(value) - MIN_PERSONAL_PART + 1)}
            if any(part in text for part in parts):
                raise ValidationError(
                    _("The password must not contain your ID number, mobile number or credit code, nor part of it."),
                    code="password_personal_data",
                )

    def get_help_text(self) -> str:
        return _("Your password must not contain your ID number, mobile number or credit code.")


def _is_run(text: str) -> bool:
    """One character repeated, or consecutive characters of a keyboard row or the alphabet, either way."""
    if len(set(text)) == 1:
        return True
    return any(text in row or text in row[::-1] for row in KEYBOARD_ROWS)


class SimplePatternValidator:
    """Refuses passwords made of a simple pattern: 11111111, 12345678, abcdefgh, qwertyui, or such a pattern with a
    short tail (Abcdef12, qwerty!!) — at least half of the password being one run."""

    def validate(self, password: str, user: Any = None) -> None:
        core = re.sub(r"[^0-9a-z]", "", password[:128].lower())
        if not core:
            return
        longest, i = 0, 0
        while i < len(core):  # the longest run starting at each position (runs are short: linear in practice)
            j = i + 2
            while j <= len(core) and _is_run(core[i:j]):
                j += 1
            longest = max(longest, j - 1 - i)
            i += 1
        if longest * 2 >= len(password) or _is_run(core):
            raise ValidationError(
                _(
                    "The password is too simple: avoid repeated characters, runs such as 123456 or abcdef, and keyboard rows."
                ),
                code="password_simple_pattern",
            )

    def get_help_text(self) -> str:
        return _("Your password must not be a simple pattern such as 123456, abcdef or qwerty.")
