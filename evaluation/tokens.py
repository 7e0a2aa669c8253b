"""Signed rating links, no login: the SMS link (valid RATING_SMS_LINK_DAYS) and the window's rating screen (valid
RATING_TABLET_MINUTES from the moment the clerk opened it).

A token names one case and the contacts it may rate (`keys`), signed with SECRET_KEY (django.core.signing, a
timestamped HMAC-SHA256, salted per channel, so an SMS token never opens the screen and the other way round; keys in
SECRET_KEY_FALLBACKS still verify after a rotation). It is not stored: what it allows is in it, and one rating per
contact is the ratings table's own rule (services.do_rate_contact). A token that is altered, expired, or made for
another channel reads as None.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core import signing

from .choices import RatingChannel
from .rules import sms_link_days, tablet_minutes

SALTS: dict[str, str] = {RatingChannel.SMS: "evaluation.rating.sms", RatingChannel.TABLET: "evaluation.rating.tablet"}


@dataclass(frozen=True)
class RatingToken:
    case_id: int
    keys: frozenset[str]
    channel: str


def max_age(channel: str) -> int:
    return sms_link_days() * 86400 if channel == RatingChannel.SMS else tablet_minutes() * 60


def make_token(case_id: int, keys: Iterable[str], channel: str) -> str:
    return signing.dumps({"c": case_id, "k": sorted(set(keys))}, salt=SALTS[channel], compress=True)


def read_token(token: str, channel: str) -> RatingToken | None:
    try:
        data = signing.loads(token, salt=SALTS[channel], max_age=max_age(channel))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int) or not isinstance(data.get("k"), list):
        return None
    return RatingToken(data["c"], frozenset(str(k) for k in data["k"]), channel)
