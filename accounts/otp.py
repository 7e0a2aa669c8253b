"""Login by mobile number and a one-time code sent by SMS (短信验证码登录), for applicants only.

- `do_request_login_code(mobile)`: within the rate limits, writes a OneTimeCode and, when exactly one active
  applicant account (natural or legal person) has that mobile, sends it a 6-digit code by SMS through the
  notifications outbox. The answer is the same whether or not such an account exists, so numbers cannot be probed:
  the rate limits count every request for a mobile, sent or not.
- `do_verify_login_code(mobile, code)`: checks the newest code for the mobile (at most MAX_ATTEMPTS wrong
  tries, valid for CODE_LIFETIME, once) and returns the account to log in.

Staff accounts log in with their password only: no code is ever sent to them.
Codes are stored as an HMAC keyed with SECRET_KEY, never in clear.
"""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.errors import UserFacingError
from core.validators import normalize_mobile
from notifications.choices import Channel
from notifications.services import do_queue_message

from .choices import AccountKind
from .models import OneTimeCode, User

CODE_LENGTH = 6
CODE_LIFETIME = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 5  # wrong codes before the code is locked
RESEND_INTERVAL = datetime.timedelta(seconds=60)  # at most one code per mobile per minute…
HOURLY_LIMIT = 5  # …and this many per hour
MESSAGE_KIND = "otp"
APPLICANT_KINDS = (AccountKind.NATURAL_PERSON, AccountKind.LEGAL_PERSON)


def _hash(mobile: str, code: str) -> str:
    return salted_hmac("accounts.otp.OneTimeCode", f"{mobile}:{code}", algorithm="sha256").hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def find_applicant_by_mobile(mobile: str) -> User | None:
    """The one active applicant account with this mobile; None for none, and for several (ambiguous: password)."""
    accounts = list(User.objects.filter(mobile=mobile, kind__in=APPLICANT_KINDS, is_active=True)[:2])
    return accounts[0] if len(accounts) == 1 else None


def _check_rate(mobile: str, now: datetime.datetime) -> None:
    recent = list(
        OneTimeCode.objects.filter(mobile=mobile, created_at__gt=now - datetime.timedelta(hours=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:HOURLY_LIMIT]
    )
    if recent and now - recent[0] < RESEND_INTERVAL:
        wait = RESEND_INTERVAL - (now - recent[0])
        raise UserFacingError(
            _("A code was sent to this number less than a minute ago. You can ask for a new one in %(seconds)d s.")
            % {"seconds": max(1, int(wait.total_seconds() + 0.999))}
        )
    if len(recent) >= HOURLY_LIMIT:
        raise UserFacingError(
            _("Codes have been asked for this number %(count)d times within an hour. Please try again later.")
            % {"count": HOURLY_LIMIT}
        )


def do_request_login_code(mobile: str) -> OneTimeCode:
    """Write a code for this mobile and, if an applicant account has it, send the code by SMS.

    Raises UserFacingError when the rate limits refuse (the same for every number)."""
    mobile = normalize_mobile(mobile)
    with transaction.atomic():
        # Serialize requests for a number, so that two at once cannot both pass the rate limit (on PostgreSQL;
        # SQLite allows one writer at a time anyway).
        OneTimeCode.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-id").first()
        now = timezone.now()
        applicant = find_applicant_by_mobile(mobile)
        _check_rate(mobile, now)
        code = _new_code()
        otp = OneTimeCode.objects.create(
            mobile=mobile,
            user=applicant,
            code_hash=_hash(mobile, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        if applicant is not None:
            minutes = int(CODE_LIFETIME.total_seconds() // 60)
            do_queue_message(
                recipient=applicant,
                mobile=mobile,
                channel=Channel.SMS,
                kind=MESSAGE_KIND,
                subject=_("Login code"),
                body=_("Your login code is %(code)s. It is valid for %(minutes)d minutes. Do not tell it to anyone.")
                % {"code": code, "minutes": minutes},
            )
    return otp


def do_verify_login_code(mobile: str, code: str) -> User:
    """The applicant to log in if `code` is the newest code sent to `mobile`; otherwise UserFacingError.

    A wrong code counts against the code (MAX_ATTEMPTS, then it is locked); a code is used at most once."""
    mobile = normalize_mobile(mobile)
    with transaction.atomic():
        user, refusal = _check_code(mobile, code)  # a wrong try is recorded even though it is refused
    if refusal:
        raise UserFacingError(refusal)
    return user


def _check_code(mobile: str, code: str) -> tuple[User | None, str]:
    """(the account to log in, "") or (None, the reason for refusing)."""
    otp = OneTimeCode.objects.select_for_update().filter(mobile=mobile).order_by("-created_at", "-id").first()
    now = timezone.now()
    if otp is None:
        return None, _("Ask for a code first.")
    if otp.used_at is not None:
        return None, _("This code has already been used. Ask for a new one.")
    if otp.expires_at <= now:
        return None, _("This code has expired. Ask for a new one.")
    if otp.attempts >= MAX_ATTEMPTS:
        return None, _("Too many wrong codes. Ask for a new one.")
    user = otp.user
    right = constant_time_compare(otp.code_hash, _hash(mobile, code))
    if not right or user is None or not user.is_active or user.kind not in APPLICANT_KINDS:
        # A request for a number without an applicant account answers like a wrong code: no probing.
        otp.attempts += 1
        otp.save(update_fields=["attempts"])
        left = MAX_ATTEMPTS - otp.attempts
        if left <= 0:
            return None, _("Too many wrong codes. Ask for a new one.")
        return None, _("The code is wrong. %(left)d tries left.") % {"left": left}
    otp.used_at = now
    otp.save(update_fields=["used_at"])
    return user, ""
