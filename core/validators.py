"""Validators for identity numbers and phone numbers; messages in Chinese for the person at the screen.

- Citizen ID number (公民身份号码, GB 11643-1999): 18 characters — 6-digit region, 8-digit birth date, 3-digit
  sequence (odd for men, even for women), check character (digit or X).
- Unified social credit code (统一社会信用代码, GB 32100-2015): 18 digits or capital letters without I, O, Z, S, V.
- Mainland mobile number (手机号码): 11 digits, 1[3-9]…

`validate_*` raise ValidationError; `normalize_*` give the form to store (no spaces, full-width characters made
ASCII, capital X). A lowercase x is accepted by the validator, so store the normalized value.
The region part of an ID number is not checked against a list of divisions: counties are created and renamed, and
a person keeps the number issued where they were first registered.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.util import clean

ID_NUMBER_RE = re.compile(r"^[0-9]{17}[0-9X]$")
CREDIT_CODE_RE = re.compile(r"^[0-9]{8}[0-9ABCDEFGHJKLMNPQRTUWXY]{10}$")
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _compact(value: str) -> str:
    # stdnum's clean() also turns full-width characters (１２３Ｘ, typed with a Chinese input method) into ASCII.
    return clean(str(value or ""), " -").strip().upper()


def normalize_id_number(value: str) -> str:
    """The citizen ID number as stored: no spaces, capital X."""
    return _compact(value)


def normalize_credit_code(value: str) -> str:
    """The unified social credit code as stored: no spaces, capital letters."""
    return _compact(value)


def normalize_mobile(value: str) -> str:
    """The mobile number as stored: digits only (spaces and hyphens removed)."""
    return _compact(value)


def validate_id_number(value: str) -> None:
    """GB 11643: length and format, a birth date that exists and is not in the future, then the check digit."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("The citizen ID number must have 18 characters; %(length)d were entered."),
            code="id_number_length",
            params={"length": len(number)},
        )
    if not ID_NUMBER_RE.match(number):
        raise ValidationError(
            _("The citizen ID number must be 17 digits followed by a digit or the letter X."),
            code="id_number_format",
        )
    try:
        birth = ric.get_birth_date(number)
    except Exception:  # stdnum raises InvalidComponent for a date such as 19990230
        raise ValidationError(
            _("The birth date in the citizen ID number (characters 7 to 14: %(date)s) does not exist."),
            code="id_number_birth_date",
            params={"date": number[6:14]},
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in the citizen ID number (characters 7 to 14: %(date)s) is in the future."),
            code="id_number_birth_date_future",
            params={"date": number[6:14]},
        )
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError(
            _("The check digit of the citizen ID number is wrong; please check the number."),
            code="id_number_checksum",
        )


def validate_credit_code(value: str) -> None:
    """GB 32100: length, the character set, then the check character."""
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters; %(length)d were entered."),
            code="credit_code_length",
            params={"length": len(code)},
        )
    if not CREDIT_CODE_RE.match(code):
        raise ValidationError(
            _(
                "The unified social credit code must start with 8 digits, followed by digits and capital letters "
                "other than I, O, Z, S and V."
            ),
            code="credit_code_format",
        )
    if code[-1] != uscc.calc_check_digit(code):
        raise ValidationError(
            _("The check character of the unified social credit code is wrong; please check the code."),
            code="credit_code_checksum",
        )


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits starting with 13 to 19."""
    if not MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13 to 19."), code="mobile_format"
        )


def birth_date_from_id_number(number: str) -> datetime.date:
    """The birth date a valid citizen ID number carries."""
    return ric.get_birth_date(normalize_id_number(number))


def gender_from_id_number(number: str) -> str:
    """男 or 女: the 17th character is odd for men, even for women (GB 11643)."""
    return "男" if int(normalize_id_number(number)[16]) % 2 else "女"
