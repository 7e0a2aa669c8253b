"""What the results of a case are, read only (STYLE.md §20: queries apart from actions): a licence's signed content,
its verification code and the public check of it (电子证照核验), masked names; the way of receiving results the
case has chosen and which results are ready for delivery, since when, and by when they are due."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from accounts.choices import AccountKind
from cases.choices import ENDED_ITEM_STATUSES, CaseAction
from cases.models import Case, CaseEvent, CaseItem
from cases.queries import first_event
from catalog.choices import DeliveryMethod
from core.codes import code_matches, normalize_code, signed_code
from workcalendar.services import WorkingCalendar, local

from . import rules
from .choices import DeliveryMode, LicenceStatus, Verification
from .models import DeliveredItem, DeliveryChoice, ELicence

logger = logging.getLogger(__name__)

MAX_TEXT = 500
HMAC_SALT = "results.ELicence.verification"


def _text(value: str, limit: int = MAX_TEXT) -> str:
    return (value or "").strip()[:limit]


def content_of(licence: ELicence) -> dict[str, str]:
    """What the licence says, as the verification code covers it: holder (name and number), title, kind, issuer,
    case, issue time and validity."""
    return {
        "number": licence.number,
        "holder_name": licence.holder_name,
        "holder_id_number": licence.holder_id_number,
        "title": licence.title,
        "result_kind": licence.result_kind,
        "department": str(licence.department_id),
        "case": str(licence.case_id),
        "item": str(licence.item_id),
        "issued_at": licence.issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else "",
        **({"data": licence.data} if licence.data else {}),  # licences without data keep their digest
    }


def digest_of(licence: ELicence) -> str:
    """SHA-256 of the canonical JSON of the licence's content."""
    canonical = json.dumps(content_of(licence), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _signed_text_v1(licence: ELicence) -> str:
    """Codes printed before version 2 (code_version 1): without the holder's name; still verify."""
    issued = licence.issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    valid = licence.valid_until.isoformat() if licence.valid_until else ""
    return "|".join([licence.number, issued, licence.holder_id_number, licence.title, valid])


def _signed_text(licence: ELicence) -> str:
    if licence.code_version == 1:
        return _signed_text_v1(licence)
    return "|".join(["v2", licence.number, digest_of(licence)])


def verification_code(licence: ELicence) -> str:
    """The code printed on the licence: an HMAC over its number and content digest (core.codes)."""
    return signed_code(HMAC_SALT, _signed_text(licence))


def revocation_event(licence: ELicence) -> CaseEvent | None:
    """The revocation in the case trail (hash-chained, core.trail), or None: the status column is not trusted alone."""
    return first_event(licence.case_id, CaseAction.REVOKE_LICENCE, licence=licence.number)


def mask_name(name: str, kind: str = AccountKind.NATURAL_PERSON) -> str:
    """张三 -> 张*; an enterprise keeps its first third and its last two characters."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if kind != AccountKind.LEGAL_PERSON:
        return name[0] + "*" * (len(name) - 1)
    keep = max(1, len(name) // 3)
    if len(name) <= keep + 2:
        return name[0] + "*" * (len(name) - 1)
    return name[:keep] + "*" * (len(name) - keep - 2) + name[-2:]


def mask_identity(number: str) -> str:
    """410721199003070010 -> 4107**********0010."""
    number = number or ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@dataclass(frozen=True)
class VerificationResult:
    """What the public verification page may show: nothing at all unless the licence is genuine."""

    outcome: Verification
    licence: ELicence | None = None

    @property
    def genuine(self) -> bool:
        return self.outcome != Verification.NOT_GENUINE

    @property
    def holder(self) -> str:
        if self.licence is None:
            return ""
        return mask_name(self.licence.holder_name, self.licence.holder.kind)

    @property
    def revoked_at(self) -> dt.datetime | None:
        if self.outcome != Verification.REVOKED or self.licence is None:
            return None
        event = revocation_event(self.licence)
        return event.at if event is not None else self.licence.revoked_at

    @property
    def colour(self) -> str:
        return Verification.colour(self.outcome)


def verify(number: str, code: str, *, today: dt.date | None = None) -> VerificationResult:
    """Check a licence number and its verification code (电子证照核验)."""
    number, code = _text(number, 80), normalize_code(code)
    licence = ELicence.objects.select_related("holder").filter(number=number).first() if number and code else None
    if licence is None:
        return VerificationResult(Verification.NOT_GENUINE)
    if not code_matches(code, HMAC_SALT, _signed_text(licence)):
        return VerificationResult(Verification.NOT_GENUINE)
    if licence.status == LicenceStatus.REVOKED or revocation_event(licence) is not None:
        return VerificationResult(Verification.REVOKED, licence)
    if licence.valid_until is not None and licence.valid_until < (today or timezone.localdate()):
        return VerificationResult(Verification.EXPIRED, licence)
    return VerificationResult(Verification.VALID, licence)


def offered_methods(case: Case) -> list[str]:
    """The delivery methods the case's one-thing version offers (all of them if it names none)."""
    return methods_offered_by(case.one_thing)


def methods_offered_by(one_thing) -> list[str]:
    """The delivery methods a one-thing version offers (all of them if it names none)."""
    offered = [m for m in one_thing.delivery_methods if m in DeliveryMethod.values]
    return offered or list(DeliveryMethod.values)


def choice_for(case: Case) -> DeliveryChoice:
    """The applicant's choice, or the default (not saved): everything together, at the window if offered."""
    try:
        return case.delivery_choice
    except DeliveryChoice.DoesNotExist:
        offered = offered_methods(case)
        method = DeliveryMethod.WINDOW if DeliveryMethod.WINDOW in offered else offered[0]
        return DeliveryChoice(case=case, mode=DeliveryMode.UNIFIED, method=method)


def delivered_item_ids(cases: Iterable[Case]) -> set[int]:
    return set(DeliveredItem.objects.filter(item__case__in=list(cases)).values_list("item_id", flat=True))


def readiness(case: Case, items: list[CaseItem], delivered: set[int], choice: DeliveryChoice) -> list[CaseItem]:
    """ready_for_delivery from what is already loaded (the window's list reads many cases at once)."""
    if case.received_at is None:
        return []
    pending = [i for i in items if i.status in rules.DELIVERABLE_ITEM_STATUSES and i.pk not in delivered]
    if choice.mode == DeliveryMode.UNIFIED and any(i.status not in ENDED_ITEM_STATUSES for i in items):
        return []
    return pending


def ready_for_delivery(case: Case) -> list[CaseItem]:
    """The results that can be delivered now: decided items not yet delivered; for 统一领取 once all have ended."""
    return readiness(case, list(case.items.all()), delivered_item_ids([case]), choice_for(case))


def ready_since(case: Case, items: list[CaseItem], ready: list[CaseItem]) -> dt.datetime | None:
    """Since when the ready results have been waiting (统一领取: the last item's end; 分别领取: the oldest result)."""
    if not ready:
        return None
    if choice_for(case).mode == DeliveryMode.UNIFIED:
        ends = [i.decided_at for i in items if i.decided_at] + ([case.withdrawn_at] if case.withdrawn_at else [])
        return max(ends) if ends else case.updated_at
    return min((i.decided_at for i in ready if i.decided_at), default=case.updated_at)


def delivery_due(since: dt.datetime | None, method: str, calendar: WorkingCalendar | None = None) -> dt.datetime | None:
    """When results that reached the certificate window at `since` must be delivered by `method`.

    送达 the same day (004 四(二)5 “应当于当天按照申请人确定的领取方式送达”; 000 第十六条, 001 第十七条): posting
    and releasing for download fall due at that day's closing time; results that arrive after closing time or on a
    rest day, at the close of the next working day. Pickup at the window waits for the applicant, who was told
    the moment the results were ready (RESULTS_READY): no clock runs against the window then (None).
    Raises CalendarNotConfigured for a year nobody configured, like every clock.
    """
    if since is None or method == DeliveryMethod.WINDOW:
        return None
    calendar = calendar or WorkingCalendar()
    moment = local(since)
    day = moment.date()
    if calendar.is_workday(day) and moment < calendar.closing_time(day):
        return calendar.closing_time(day)
    return calendar.closing_time(calendar.add_workdays(day, 1))
