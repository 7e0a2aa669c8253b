"""Results of a case, one function per change (STYLE.md §4): e-licences, the way of receiving results, delivery,
archive. Each `do_*` locks the case first (as cases and approvals do, so changes never deadlock), checks
rules.CASE_ALLOWED_ACTIONS and the conditions named below, writes a CaseEvent and its messages (the outbox rows)
in the same transaction; only the SMS gateway is called after commit, by the worker.

E-licences (电子证照)
    `on_item_approved` (registered in approvals.services.ON_APPROVED, run inside the approval's transaction) issues one
    e-licence for an approved item whose result is a licence, certificate, card or approval document
    (choices.LICENCE_RESULT_KINDS). Its number is the result number the department gave, or
    `<region code>-<item code without the region>-<yyyymmdd>-<4-digit sequence>`; a number already used by another
    licence is never invented around: no licence is issued and the case gets an internal note. The verification
    code is an HMAC of the number and the digest of what the licence says (content_of: holder name and number,
    title, kind, issuer, case, issue time, validity) under the SECRET_KEY, so it cannot be made up and a licence row
    changed afterwards no longer verifies (licences of code_version 1, from before, keep their older code). A
    revocation is a REVOKE_LICENCE event in the hash-chained case trail; verification reads it as well as the
    status column, so resetting the column does not revive a licence. `verify` answers genuine-and-valid, expired,
    revoked, or not genuine (the same answer for an unknown number and a wrong code). `do_revoke_licence`: staff of
    the issuing department, or a system administrator.

Delivery (送达, 004 四(二)5; 000 第十六条)
    `do_choose_delivery`: the applicant (or window staff, for a case filed at the window) chooses 统一领取 or
    分别领取 and window, post or download, until the first delivery is recorded; post only with 统一领取, with an
    address, a recipient and a mobile. Without a choice, results are collected together at the window.
    `ready_for_delivery`: the decided items not yet delivered; for 统一领取 only once every item has ended.
    `do_announce_ready` tells the applicant once for 统一领取 and once per result for 分别领取 (after an approval,
    refusal or denial; withdrawing a case has no hook yet, see docs/results.md). `do_record_delivery`: the
    certificate window (result.deliver) hands over, posts (tracking number required) or releases results, records
    the proof (送达凭证 number, the name signed) and passes it to the co-handling departments (a message to each
    department's reviewers).

Archive (归档, 004 四(二)6; 000 第十七条)
    `do_archive_case`: the lead department's staff (LEAD) or the window, once the case has ended and every result is
    delivered. The lead department keeps the paper originals; the other departments work from the electronic
    materials and are never asked for originals.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from cases.choices import ENDED_ITEM_STATUSES, CaseAction, ItemStatus
from cases.kernel import Actor, lock_case, record_event
from cases.models import Case, CaseEvent, CaseItem
from catalog.choices import DeliveryMethod
from core.errors import ConflictError, UserFacingError
from core.validators import normalize_mobile, validate_mobile
from workcalendar.services import CalendarNotConfigured

from . import rules
from .choices import LICENCE_RESULT_KINDS, DeliveryMode, LicenceStatus
from .models import ArchiveRecord, DeliveredItem, Delivery, DeliveryChoice, ELicence, LicenceCounter
from .queries import (
    _text,
    choice_for,
    delivered_item_ids,
    delivery_due,
    methods_offered_by,
    readiness,
    ready_since,
    verification_code,
)  # re-exported: callers ask results.services for them too

logger = logging.getLogger(__name__)


class FieldErrors(UserFacingError):
    """A refusal tied to form fields: one message per field ("" for the form as a whole)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = dict(errors)


# ---------------------------------------------------------------- helpers


def _lock(case: Case) -> Case:
    return lock_case(case, related=("one_thing", "region", "applicant"))


def _record(
    case: Case,
    action: str,
    actor: Actor,
    *,
    item: CaseItem | None = None,
    summary: str = "",
    internal_note: str = "",
    detail: dict | None = None,
    at: dt.datetime | None = None,
) -> CaseEvent:
    """An event that changes no state: before = after (the item's status, else the case's)."""
    status = item.status if item is not None else case.status
    return record_event(
        case,
        action,
        actor,
        item=item,
        from_status=status,
        to_status=status,
        summary=summary,
        internal_note=internal_note,
        detail=detail,
        at=at,
    )


def _names(items: Iterable[CaseItem]) -> str:
    return "、".join(item.name for item in items)


# ---------------------------------------------------------------- e-licences


def _holder(applicant: User, item: CaseItem | None = None) -> tuple[str, str]:
    """The licence holder's name and identity number: whom the result is about — the form section the catalog
    names (result_holder: the newborn of 出生医学证明, from the case's values), else the applicant (a person, or an
    enterprise)."""
    section = item.service_item.result_holder if item is not None else ""
    if section and item is not None:
        values = item.case.values or {}
        name = str(values.get(f"{section}.name") or "").strip()
        if name:
            return name[:200], str(values.get(f"{section}.id_number") or "")
    return (applicant.display_name or applicant.username)[:200], applicant.identity_number


def licence_data(item: CaseItem) -> dict[str, str]:
    """The data the result carries (ServiceItem.result_fields), label -> value from the case's values."""
    from catalog.models import DataElement

    keys = list(item.service_item.result_fields or [])
    if not keys:
        return {}
    labels = dict(DataElement.objects.filter(key__in=keys).values_list("key", "name"))
    values = item.case.values or {}
    return {labels.get(k, k): str(values[k]) for k in keys if str(values.get(k) or "").strip()}


def _item_code_tail(item: CaseItem, region_code: str) -> str:
    code = item.service_item.code
    return code.removeprefix(f"{region_code}-") if code.startswith(f"{region_code}-") else code


def _generated_number(item: CaseItem, day: dt.date) -> str:
    """<region>-<item code without the region>-<yyyymmdd>-<seq>, e.g. 410721-MARKET-003-20261123-0001."""
    region_code = item.case.region.code
    prefix = f"{region_code}-{_item_code_tail(item, region_code)}-{day:%Y%m%d}"
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = LicenceCounter.objects.select_for_update().get_or_create(prefix=prefix)
                counter.last += 1
                counter.save(update_fields=["last"])
                return f"{prefix}-{counter.last:04d}"
        except IntegrityError:  # another licence created the prefix's counter first
            continue
    raise ConflictError(_("Too many licences at once; try again."))


def issues_licence(item: CaseItem) -> bool:
    return item.status == ItemStatus.APPROVED and item.service_item.result_kind in LICENCE_RESULT_KINDS


@transaction.atomic
def do_issue_licence(item: CaseItem) -> ELicence | None:
    """The e-licence of an approved item (idempotent: the same licence if it exists); None if it gets none."""
    case = _lock(item.case)
    item = (
        CaseItem.objects.select_for_update(of=("self",))
        .order_by()
        .select_related("service_item", "department")
        .get(pk=item.pk)
    )
    item.case = case
    existing = ELicence.objects.filter(item=item).first()
    if existing is not None or not issues_licence(item):
        return existing
    issued_at = (item.decided_at or timezone.now()).replace(microsecond=0)
    number = item.result_number or _generated_number(item, timezone.localtime(issued_at).date())
    system = Actor(None, None, "system")
    if ELicence.objects.filter(number=number).exists():
        logger.warning("E-licence not issued for item %s: number %s is already used", item.pk, number)
        _record(
            case,
            CaseAction.NOTE,
            system,
            item=item,
            internal_note=_(
                "No e-licence was issued for %(item)s: the number %(number)s already belongs to another licence. "
                "Check the result number."
            )
            % {"item": item.name, "number": number},
        )
        return None
    holder_name, holder_id = _holder(case.applicant, item)
    licence = ELicence(
        number=number,
        item=item,
        case=case,
        department=item.department,
        holder=case.applicant,
        holder_name=holder_name,
        holder_id_number=holder_id,
        title=(item.service_item.result_name or item.name)[:200],
        result_kind=item.service_item.result_kind,
        data=licence_data(item),
        issued_at=issued_at,
        valid_until=item.result_valid_until,
    )
    licence.verification_code = verification_code(licence)
    licence.save()
    _record(
        case,
        CaseAction.ISSUE_LICENCE,
        system,
        item=item,
        summary=_("E-licence “%(title)s” No. %(number)s issued; view or download it under My licences.")
        % {"title": licence.title, "number": licence.number},
        detail={
            "licence": licence.number,
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        },
    )
    from . import notify

    notify.tell_holder_licence(licence.pk, "licence.issued")
    render_pdf_later(licence)
    return licence


@transaction.atomic
def do_revoke_licence(licence: ELicence, reason: str, *, acting_user: User, ip: str | None = None) -> ELicence:
    """注销: staff of the issuing department or a system administrator, with the reason."""
    case = _lock(licence.case)
    licence = ELicence.objects.select_for_update(of=("self",)).order_by().select_related("item").get(pk=licence.pk)
    if not may(acting_user, "licence.revoke", licence):
        raise UserFacingError(_("Only staff of the issuing department can revoke this licence."))
    if CaseAction.REVOKE_LICENCE not in rules.LICENCE_ALLOWED_ACTIONS[licence.status]:
        raise ConflictError(
            _("This licence was already revoked at %(when)s.")
            % {"when": timezone.localtime(licence.revoked_at).strftime("%Y-%m-%d %H:%M")}
        )
    reason = _text(reason)
    if not reason:
        raise FieldErrors({"reason": _("State the reason for revoking the licence.")})
    now = timezone.now()
    rules.LICENCE.move(licence, CaseAction.REVOKE_LICENCE, LicenceStatus.REVOKED)
    licence.revoked_at, licence.revoked_by, licence.revocation_reason = now, acting_user, reason
    licence.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    _record(
        case,
        CaseAction.REVOKE_LICENCE,
        Actor(acting_user, ip, "department"),
        item=licence.item,
        summary=_("E-licence “%(title)s” No. %(number)s revoked: %(reason)s")
        % {"title": licence.title, "number": licence.number, "reason": reason},
        detail={"licence": licence.number, "reason": reason},
        at=now,
    )
    from . import notify

    notify.tell_holder_licence(licence.pk, "licence.revoked")
    render_pdf_later(licence)
    return licence


def render_pdf_later(licence: ELicence) -> None:
    """Once the change commits, render the licence's PDF as it now reads in the background (results.tasks), so that
    the first download finds it stored. robust: the change stands if the queue fails; the download renders."""
    if settings.PRERENDER_PDFS:
        transaction.on_commit(lambda: _enqueue_render(licence.pk), robust=True)


def _enqueue_render(licence_id: int) -> None:
    from .tasks import render_licence_pdf

    render_licence_pdf.enqueue(licence_id)


# ---------------------------------------------------------------- the way of receiving results


def check_delivery_choice(
    one_thing, mode: str, method: str, address: str, recipient: str, phone: str
) -> dict[str, str]:
    """Field -> message for a way of receiving the results this one-thing cannot honour; {} when it can. Used when
    the applicant chooses at filing (before the case exists) and by do_choose_delivery."""
    offered = methods_offered_by(one_thing)
    errors: dict[str, str] = {}
    if mode not in DeliveryMode.values:
        errors["mode"] = _("Choose whether to receive the results together or one by one.")
    if method not in offered:
        errors["method"] = _("Choose one of the ways this one-thing offers: %(ways)s.") % {
            "ways": "、".join(str(DeliveryMethod(m).label) for m in offered)
        }
    if method == DeliveryMethod.POST:
        if mode == DeliveryMode.SEPARATE:
            errors["method"] = _(
                "Results are posted only together, once every item has ended: choose “all results together” "
                "or another way."
            )
        if not address:
            errors["address"] = _("Give the postal address.")
        if not recipient:
            errors["recipient"] = _("Give the recipient's name.")
        if not phone:
            errors["phone"] = _("Give the recipient's mobile number.")
        else:
            try:
                validate_mobile(phone)
            except ValidationError as exc:
                errors["phone"] = " ".join(exc.messages)
    return errors


@transaction.atomic
def do_choose_delivery(
    case: Case,
    mode: str,
    method: str,
    address: str = "",
    recipient: str = "",
    phone: str = "",
    *,
    acting_user: User,
    ip: str | None = None,
) -> DeliveryChoice:
    """统一领取 / 分别领取, and window, post or download: until the first delivery is recorded. Choosing what is
    already chosen changes nothing (no event)."""
    case = _lock(case)
    if not may(acting_user, "case.change_application", case):
        raise UserFacingError(_("Only the applicant can choose how to receive the results."))
    rules.check_allowed(case.status, CaseAction.CHOOSE_DELIVERY)
    if Delivery.objects.filter(case=case).exists():
        raise ConflictError(
            _(
                "Delivery of the results has started; the way of receiving them can no longer be changed here. Ask the certificate window."
            )
        )
    address, recipient = _text(address, 200), _text(recipient, 50)
    phone = normalize_mobile(_text(phone, 20))
    errors = check_delivery_choice(case.one_thing, mode, method, address, recipient, phone)
    if errors:
        raise FieldErrors(errors)
    if method != DeliveryMethod.POST:
        address = recipient = phone = ""
    choice = DeliveryChoice.objects.select_for_update().filter(case=case).first() or DeliveryChoice(case=case)
    if choice.pk and (choice.mode, choice.method, choice.address, choice.recipient, choice.phone) == (
        mode,
        method,
        address,
        recipient,
        phone,
    ):
        case.delivery_choice = choice
        return choice  # the same choice again (a repeated request): nothing changes, nothing is recorded
    before = {"mode": choice.mode, "method": choice.method} if choice.pk else {}
    choice.mode, choice.method = mode, method
    choice.address, choice.recipient, choice.phone = address, recipient, phone
    choice.chosen_at, choice.chosen_by = timezone.now(), acting_user
    choice.save()
    actor = Actor(acting_user, ip, "online" if acting_user.pk == case.applicant_id else "window")
    _record(
        case,
        CaseAction.CHOOSE_DELIVERY,
        actor,
        summary=_("Results: %(mode)s; %(method)s.")
        % {"mode": choice.get_mode_display(), "method": choice.get_method_display()},
        detail={"before": before, "after": {"mode": mode, "method": method}},
        at=choice.chosen_at,
    )
    case.delivery_choice = choice
    do_announce_ready(case)  # a result may be ready under the new choice
    return choice


@transaction.atomic
def do_announce_ready(case: Case) -> list[CaseItem]:
    """Tell the applicant results are ready: once for 统一领取, once per result for 分别领取 (idempotent)."""
    case = _lock(case)
    items = list(case.items.select_for_update().order_by("order", "id"))
    choice = choice_for(case)
    ready = readiness(case, items, delivered_item_ids([case]), choice)
    if not ready:
        return []
    told = list(case.events.filter(action=CaseAction.RESULTS_READY).values_list("detail", flat=True))
    if choice.mode == DeliveryMode.UNIFIED:
        if any(d.get("all") for d in told):
            return []
        new = ready
    else:
        announced = {pk for d in told for pk in d.get("items", [])}
        new = [i for i in ready if i.pk not in announced]
        if not new:
            return []
    _record(
        case,
        CaseAction.RESULTS_READY,
        Actor(None, None, "system"),
        summary=_("Ready: %(items)s (%(method)s).") % {"items": _names(new), "method": choice.get_method_display()},
        detail={"items": [i.pk for i in new], "all": choice.mode == DeliveryMode.UNIFIED},
    )
    from . import notify

    item_pks = [i.pk for i in new]
    notify.tell_applicant_ready(case.pk, item_pks)
    return new


def on_case_withdrawn(case: Case) -> None:
    """After a withdrawal: results decided before it may now be ready (统一领取 waits for every item to end)."""
    do_announce_ready(case)


def on_item_approved(item: CaseItem) -> None:
    """approvals.services.ON_APPROVED: the e-licence, then the applicant is told if results are ready."""
    do_issue_licence(item)
    do_announce_ready(item.case)


def on_item_refused_or_denied(item: CaseItem) -> None:
    """approvals.services.ON_REFUSED_OR_DENIED: the decision letter is a result too; it may end the case."""
    do_announce_ready(item.case)


# ---------------------------------------------------------------- delivery


def _proof_number(case: Case) -> str:
    return f"SD{case.number}-{Delivery.objects.filter(case=case).count() + 1:02d}"


@transaction.atomic
def do_record_delivery(
    case: Case,
    items: Iterable[CaseItem | int],
    method: str,
    tracking_number: str = "",
    recipient_name: str = "",
    *,
    acting_user: User,
    ip: str | None = None,
) -> Delivery:
    """送达 by the certificate window: hand over, post (tracking number) or release results, with the proof."""
    case = _lock(case)
    if not may(acting_user, "result.deliver", case):
        raise UserFacingError(_("Only the certificate window of this region can record deliveries."))
    rules.check_allowed(case.status, CaseAction.DELIVER)
    all_items = list(case.items.select_for_update().order_by("order", "id").select_related("department"))
    choice = choice_for(case)
    if choice.mode == DeliveryMode.UNIFIED and any(i.status not in ENDED_ITEM_STATUSES for i in all_items):
        open_items = [i for i in all_items if i.status not in ENDED_ITEM_STATUSES]
        raise ConflictError(
            _("The applicant collects all results together once every item has ended; still open: %(items)s.")
            % {"items": _names(open_items)}
        )
    ready = readiness(case, all_items, delivered_item_ids([case]), choice)
    by_pk = {i.pk: i for i in all_items}
    wanted = {getattr(i, "pk", i) for i in items}
    errors: dict[str, str] = {}
    if not wanted:
        errors["items"] = _("Tick the results handed over.")
    elif unknown := [pk for pk in wanted if pk not in {i.pk for i in ready}]:
        names = _names(by_pk[pk] for pk in unknown if pk in by_pk) or "—"
        errors["items"] = _("Not ready for delivery (undecided, or already delivered): %(items)s.") % {"items": names}
    elif choice.mode == DeliveryMode.UNIFIED and wanted != {i.pk for i in ready}:
        errors["items"] = _("The applicant chose to receive all results together: deliver %(items)s at once.") % {
            "items": _names(ready)
        }
    tracking_number = _text(tracking_number, 40)
    recipient_name = _text(recipient_name, 50)
    if method not in DeliveryMethod.values:
        errors["method"] = _("Choose how the results were delivered.")
    elif method == DeliveryMethod.POST:
        if choice.mode != DeliveryMode.UNIFIED or choice.method != DeliveryMethod.POST or not choice.address:
            errors["method"] = _(
                "Results are posted only when the applicant chose post, all results together, with an address."
            )
        if not tracking_number:
            errors["tracking_number"] = _("Give the postal tracking number.")
        recipient_name = recipient_name or choice.recipient
    elif method == DeliveryMethod.WINDOW and not recipient_name:
        errors["recipient_name"] = _("Give the name of the person who signed for the results.")
    if errors:
        raise FieldErrors(errors)
    if method == DeliveryMethod.DOWNLOAD:
        recipient_name = recipient_name or _holder(case.applicant)[0][:50]
    now = timezone.now()
    delivered = [i for i in ready if i.pk in wanted]
    try:
        due = delivery_due(ready_since(case, all_items, delivered), method)
    except CalendarNotConfigured:
        due = None  # the delivery is recorded all the same; only its timeliness cannot be judged
    delivery = Delivery.objects.create(
        case=case,
        mode=choice.mode,
        method=method,
        proof_number=_proof_number(case),
        recipient_name=recipient_name,
        address=choice.address if method == DeliveryMethod.POST else "",
        tracking_number=tracking_number if method == DeliveryMethod.POST else "",
        delivered_at=now,
        delivered_by=acting_user,
        passed_to_departments_at=now,  # the proof goes to the departments electronically, now (messages on commit)
    )
    DeliveredItem.objects.bulk_create([DeliveredItem(delivery=delivery, item=i) for i in delivered])
    summary = _("Results delivered (%(method)s): %(items)s. Proof of delivery %(proof)s.") % {
        "method": delivery.get_method_display(),
        "items": _names(delivered),
        "proof": delivery.proof_number,
    }
    if delivery.tracking_number:
        summary += " " + _("Tracking number %(number)s.") % {"number": delivery.tracking_number}
    _record(
        case,
        CaseAction.DELIVER,
        Actor(acting_user, ip, "window"),
        summary=summary,
        internal_note=_("Signed for by %(name)s; proof passed to %(departments)s.")
        % {"name": recipient_name, "departments": "、".join(dict.fromkeys(str(i.department) for i in delivered))},
        detail={
            "proof": delivery.proof_number,
            "items": [i.pk for i in delivered],
            "method": method,
            "tracking_number": delivery.tracking_number,
            "due": due.isoformat() if due else None,  # the same-day limit (delivery_due), for supervision
            "late": bool(due and now > due),
        },
        at=now,
    )
    from . import notify

    notify.tell_delivered(delivery.pk)
    return delivery


# ---------------------------------------------------------------- archive


@transaction.atomic
def do_archive_case(case: Case, note: str = "", *, acting_user: User, ip: str | None = None) -> ArchiveRecord:
    """归档 once the case has ended and every result is delivered; the lead department keeps the originals."""
    case = _lock(case)
    if not may(acting_user, "result.archive", case):
        raise UserFacingError(_("Only the lead department or the window of this region can archive the case."))
    rules.check_allowed(case.status, CaseAction.ARCHIVE)
    existing = ArchiveRecord.objects.filter(case=case).select_related("archived_by").first()
    if existing is not None:
        raise ConflictError(
            _("%(who)s already archived this case at %(when)s.")
            % {"who": existing.archived_by, "when": timezone.localtime(existing.archived_at).strftime("%Y-%m-%d %H:%M")}
        )
    items = list(case.items.order_by("order", "id"))
    delivered = delivered_item_ids([case])
    undelivered = [i for i in items if i.status in rules.DELIVERABLE_ITEM_STATUSES and i.pk not in delivered]
    if undelivered:
        raise ConflictError(
            _("Deliver every result before archiving; not yet delivered: %(items)s.") % {"items": _names(undelivered)}
        )
    now = timezone.now()
    record = ArchiveRecord.objects.create(
        case=case,
        originals_kept_by=case.one_thing.lead_department,
        archived_at=now,
        archived_by=acting_user,
        note=_text(note, 2000),
    )
    keeper = str(record.originals_kept_by) if record.originals_kept_by else _("the lead department")
    _record(
        case,
        CaseAction.ARCHIVE,
        Actor(acting_user, ip, "window"),
        summary=_("Case archived."),
        internal_note=_(
            "Paper originals kept by %(keeper)s; the co-handling departments archive the electronic materials."
        )
        % {"keeper": keeper},
        detail={"originals_kept_by": keeper, "note": record.note},
        at=now,
    )
    return record
