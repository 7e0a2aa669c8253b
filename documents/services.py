"""Case documents (办件文书): what each says, issuing them once, their status, revoking and verifying them.

Sources — each document is the written form of one record, and exists only once that record does:

| kind | 中文 | source | exists when | issued by |
|---|---|---|---|---|
| receipt | 收件回执 | the case | the case was received | the region's 政务服务中心 |
| correction | 一次性告知补正通知书 | a CorrectionNotice | the notice was issued | the region's 政务服务中心 |
| acceptance | 受理通知书 | a CaseItem | the department accepted the item (also for pre-review) | the item's department |
| refusal | 不予受理决定书 | a CaseItem | the department refused it (不予受理) | the item's department |
| denial | 不予许可决定书 | a CaseItem | the department denied it after examination (不予许可) | the item's department |
| commitment | 告知承诺书 | a CaseMaterial | the material was replaced by a signed commitment | the region's 政务服务中心 |
| delivery | 送达凭证 | a results.Delivery | the delivery was recorded | the region's 政务服务中心 |

The change that creates a source issues its document in the same transaction: `on_case_event` (registered in
cases.services.ON_EVENT) runs `issue_documents` after each event of ISSUING_ACTIONS, under the case row lock the
action holds, with the unique (case, kind, source_key) as the last word; each issue records an ISSUE_DOCUMENT event
in the case trail (do_revoke_document: REVOKE_DOCUMENT). A GET never issues: downloading a document that does not
exist yet answers 404. `manage.py issue_documents` issues those missing from data older than this rule. Its content is
a snapshot: the PDF always says what was issued.

Status — a document stays genuine for ever; whether it is still *current* follows from its source:

| kind | superseded when | why |
|---|---|---|
| receipt | the case was withdrawn | the time limits it announces no longer run |
| correction | the notice was answered (resubmission), or the case withdrawn while it was open | nothing more is owed on it |
| acceptance | the item was withdrawn or stopped (a prerequisite failed) before a decision | the promised decision will not come |
| commitment | the material is no longer "replaced by a commitment" (the proof itself was supplied) | the proof replaced it |
| refusal, denial, delivery | never | a decision and a proof of delivery stay in force |

`refresh_status` applies these rules: stored by on_case_event after each change, and computed without storing on
every download and verification (a GET never writes). Revoked (`do_revoke_document`: window staff of the region for the centre's
documents, the item's department for acceptance and refusal, system administrators) wins over both and is final.

Verification code: 16 base32 characters of HMAC-SHA256 under SECRET_KEY (salted per purpose; SECRET_KEY_FALLBACKS
accepted) over kind, number, case number, issue time and the SHA-256 of the content, so a code cannot be made up and
a row changed afterwards no longer verifies. `verify_document` gives the same "not genuine" for an unknown number and
a wrong code, and compares in constant time. The content covers the applicant's (holder's) name. A revocation is a
REVOKE_DOCUMENT event in the hash-chained case trail (core.trail); verification reads it as well as the status
column, so resetting the column does not revive a document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from approvals import rules as approval_rules
from cases.choices import CaseAction, CaseStatus, ItemStatus, MaterialState
from cases.kernel import Actor, lock_case, record_event
from cases.models import Case, CaseEvent, CaseItem, CaseMaterial, CorrectionNotice
from cases.queries import first_event
from core.codes import CODE_LENGTH, code_matches, normalize_code, signed_code
from core.errors import ConflictError, UserFacingError
from core.qr import public_url
from results.models import Delivery
from results.queries import mask_identity, mask_name

from .choices import CENTRE_KINDS, NUMBER_PREFIX, DocumentKind, DocumentStatus, DocumentVerification
from .models import CaseDocument
from .rules import DOCUMENT, SUPERSEDE

HMAC_SALT = "documents.CaseDocument.verification"
DOCUMENT_LANGUAGE = "zh-hans"  # official documents are in Chinese whatever the reader's interface language


# ---------------------------------------------------------------- sources


@dataclass
class Source:
    """The record a document is the written form of (see the module doc)."""

    kind: str
    case: Case
    key: str = ""
    correction: CorrectionNotice | None = None
    item: CaseItem | None = None
    material: CaseMaterial | None = None
    delivery: Delivery | None = None

    @property
    def ref(self) -> str:
        """The last part of the download address ("" for the receipt)."""
        return self.key.rsplit("-", 1)[-1] if self.key else ""


def _position(rows: list[int], pk: int) -> int:
    return rows.index(pk) + 1 if pk in rows else 0


def find_source(case: Case, kind: str, ref: str = "") -> Source | None:
    """The source of a document of `case`, if that record exists in the state the document speaks of."""
    ref = str(ref or "")
    if kind == DocumentKind.RECEIPT:
        return Source(kind, case) if case.received_at and not ref else None
    if not ref.isdigit():
        return None
    number = int(ref)
    if kind == DocumentKind.CORRECTION:
        notice = case.corrections.filter(round=number).first()
        return Source(kind, case, f"round-{number}", correction=notice) if notice else None
    if kind in (DocumentKind.ACCEPTANCE, DocumentKind.REFUSAL, DocumentKind.DENIAL):
        item = case.items.select_related("department", "service_item").filter(pk=number).first()
        if item is None:
            return None
        if kind == DocumentKind.ACCEPTANCE and item.accepted_at is None:
            return None
        if kind == DocumentKind.REFUSAL and item.status != ItemStatus.REFUSED:
            return None
        if kind == DocumentKind.DENIAL and item.status != ItemStatus.DENIED:
            return None
        return Source(kind, case, f"item-{item.pk}", item=item)
    if kind == DocumentKind.COMMITMENT:
        material = case.materials.filter(pk=number).exclude(commitment_text="").first()
        if material is None or material.committed_at is None:
            return None
        return Source(kind, case, f"material-{material.pk}", material=material)
    if kind == DocumentKind.DELIVERY:
        delivery = Delivery.objects.filter(case=case, pk=number).first()
        return Source(kind, case, f"delivery-{delivery.pk}", delivery=delivery) if delivery else None
    return None


def sources_of(case: Case, items: list[CaseItem] | None = None) -> list[Source]:
    """Every document the case has now, in the order they arise (a fixed number of queries)."""
    sources: list[Source] = []
    if case.received_at:
        sources.append(Source(DocumentKind.RECEIPT, case))
    for notice in case.corrections.order_by("round"):
        sources.append(Source(DocumentKind.CORRECTION, case, f"round-{notice.round}", correction=notice))
    committed = case.materials.exclude(commitment_text="").filter(committed_at__isnull=False).order_by("order", "id")
    for material in committed:
        sources.append(Source(DocumentKind.COMMITMENT, case, f"material-{material.pk}", material=material))
    for item in items if items is not None else case.items.select_related("department").order_by("order", "id"):
        sources.extend(item_sources(item, case))
    for delivery in Delivery.objects.filter(case=case).order_by("delivered_at", "id"):
        sources.append(Source(DocumentKind.DELIVERY, case, f"delivery-{delivery.pk}", delivery=delivery))
    return sources


def item_sources(item: CaseItem, case: Case | None = None) -> list[Source]:
    """The department's documents of one item: the acceptance notice, the decision not to accept, the decision not
    to grant."""
    case = case or item.case
    found = []
    if item.accepted_at is not None:
        found.append(Source(DocumentKind.ACCEPTANCE, case, f"item-{item.pk}", item=item))
    if item.status == ItemStatus.REFUSED:
        found.append(Source(DocumentKind.REFUSAL, case, f"item-{item.pk}", item=item))
    if item.status == ItemStatus.DENIED:
        found.append(Source(DocumentKind.DENIAL, case, f"item-{item.pk}", item=item))
    return found


def document_number(source: Source) -> str:
    """SJ<case> · BZ<case>-<round> · SL/BSL<case>-<item position> · CN<case>-<material position> · the proof's."""
    case, prefix = source.case, NUMBER_PREFIX[DocumentKind(source.kind)]
    if source.kind == DocumentKind.RECEIPT:
        return f"{prefix}{case.number}"
    if source.correction is not None:
        return f"{prefix}{case.number}-{source.correction.round:02d}"
    if source.item is not None:
        rows = list(case.items.order_by("order", "id").values_list("pk", flat=True))
        return f"{prefix}{case.number}-{_position(rows, source.item.pk):02d}"
    if source.material is not None:
        rows = list(case.materials.order_by("order", "id").values_list("pk", flat=True))
        return f"{prefix}{case.number}-{_position(rows, source.material.pk):02d}"
    assert source.delivery is not None
    return source.delivery.proof_number


# ---------------------------------------------------------------- what each document says


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _day(value: dt.date | dt.datetime | None) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat() if value else ""


def centre_name(case: Case) -> str:
    return _("%(region)s Government Service Centre") % {"region": case.region.name}


def issuer_of(source: Source) -> str:
    if source.item is not None:
        return source.item.department.name
    return centre_name(source.case)


def _common(case: Case) -> dict[str, Any]:
    applicant = case.applicant
    return {
        "case_number": case.number,
        "one_thing": case.one_thing.name,
        "region": case.region.full_name,
        "applicant": applicant.display_name or applicant.username,
        "applicant_id": applicant.credit_code or mask_identity(applicant.id_number or ""),
        "submitted_at": _when(case.submitted_at),
    }


def _signer(case: Case, material: CaseMaterial) -> str:
    from materials.models import Commitment

    commitment = None
    if case.draft_id:
        commitment = Commitment.objects.filter(
            draft_id=case.draft_id, material_type_id=material.material_type_id
        ).first()
    return commitment.signer_name if commitment else (case.applicant.display_name or case.applicant.username)


def content_of(source: Source) -> dict[str, Any]:
    """The snapshot of what the document says (plain JSON: strings, numbers, lists)."""
    case = source.case
    content = _common(case)
    if source.kind == DocumentKind.RECEIPT:
        materials = list(case.materials.order_by("order", "id"))
        items = list(case.items.select_related("department").order_by("order", "id"))
        content |= {
            "received_at": _when(case.received_at),
            "received_by": str(case.received_by) if case.received_by_id else "",
            "combined_days": case.combined_days,
            "items": [{"name": i.name, "department": i.department.name, "days": i.promised_days} for i in items],
            "received": [
                {"name": m.name, "paper": m.state == MaterialState.PAPER}
                for m in materials
                if m.state in (MaterialState.UPLOADED, MaterialState.PAPER)
            ],
            "committed": [m.name for m in materials if m.state == MaterialState.COMMITTED],
            "deferred": [
                {"name": m.name, "until": _day(m.deferred_until)}
                for m in materials
                if m.state == MaterialState.DEFERRED
            ],
            "exempt": [
                {"name": m.name, "exemption": m.exemption} for m in materials if m.state == MaterialState.EXEMPT
            ],
            "provided": [  # generated from the one form, produced by another item, pushed (guidance.materials)
                {"name": m.name, "detail": m.exemption}
                for m in materials
                if m.state in (MaterialState.GENERATED, MaterialState.PRODUCED, MaterialState.PUSHED)
            ],
        }
    elif source.kind == DocumentKind.CORRECTION:
        notice = source.correction
        assert notice is not None  # a correction notice document is about its notice
        content |= {
            "round": notice.round,
            "issued_at": _when(notice.issued_at),
            "points": [
                {"kind": p.get("kind", ""), "name": p.get("name", ""), "reason": p.get("reason", "")}
                for p in notice.points
            ],
        }
    elif source.kind in (DocumentKind.ACCEPTANCE, DocumentKind.REFUSAL, DocumentKind.DENIAL):
        item = source.item
        assert item is not None  # acceptance, refusal and denial documents are about an item
        content |= {"item": item.name, "department": item.department.name}
        if source.kind == DocumentKind.ACCEPTANCE:
            content |= {
                "accepted_at": _when(item.accepted_at),
                "promised_days": item.promised_days,
                "decision_due_on": _day(item.decision_due_on),
                "pre_review": item.status == ItemStatus.PRE_REVIEW,
            }
        else:
            content |= {
                "decided_at": _when(item.decided_at),
                "reasons": item.reasons,
                "remedies": item.remedies or str(approval_rules.DEFAULT_REMEDIES),
            }
            if source.kind == DocumentKind.DENIAL:
                content["accepted_at"] = _when(item.accepted_at)
                content["basis"] = item.service_item.legal_basis  # 设定依据: what the decision was taken under
    elif source.kind == DocumentKind.COMMITMENT:
        from materials.services import COMMITMENT_CONSEQUENCES

        material = source.material
        assert material is not None  # a commitment is about a material
        content |= {
            "material": material.name,
            "items": list(material.items or []),
            "text": material.commitment_text,
            "consequences": [str(c) for c in COMMITMENT_CONSEQUENCES],
            "signer": _signer(case, material),
            "signed_at": _when(material.committed_at),
        }
    elif source.kind == DocumentKind.DELIVERY:
        delivery = source.delivery
        assert delivery is not None  # a proof of delivery is about a delivery
        items = list(delivery.items.select_related("department").order_by("order", "id"))
        content |= {
            "proof_number": delivery.proof_number,
            "delivered_at": _when(delivery.delivered_at),
            "method": delivery.get_method_display(),
            "mode": delivery.get_mode_display(),
            "recipient": delivery.recipient_name,
            "address": delivery.address,
            "tracking_number": delivery.tracking_number,
            "items": [
                {
                    "name": i.name,
                    "department": i.department.name,
                    "result": i.get_status_display(),
                    "number": i.result_number,
                }
                for i in items
            ],
        }
    return content


def digest_of(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- the verification code


def _signed_text(document: CaseDocument, case_number: str) -> str:
    issued = document.issued_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "|".join(["v1", document.kind, document.number, case_number, issued, document.digest])


def verification_code(document: CaseDocument) -> str:
    """The code printed on the document: an HMAC over its identity and content digest (core.codes)."""
    return signed_code(HMAC_SALT, _signed_text(document, document.case.number))


def readable_code(code: str) -> str:
    """ABCD-EFGH-IJKL-MNOP, as printed (verification ignores the dashes)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(document: CaseDocument) -> str:
    """The public verification page for this document, as an absolute address to print (settings.PUBLIC_URL)."""
    query = urlencode({"n": document.number, "c": document.verification_code})
    return public_url(f"{reverse('documents:verify')}?{query}")


# ---------------------------------------------------------------- issuing


def _channel(user: User | None, kind: str) -> str:
    if user is None:
        return "system"
    if user.is_applicant:
        return "online"
    return "window" if kind in CENTRE_KINDS else "department"


def _find(source: Source) -> CaseDocument | None:
    return (
        CaseDocument.objects.select_related("case__applicant", "case__region", "case__one_thing")
        .filter(case=source.case, kind=source.kind, source_key=source.key)
        .first()
    )


def issued_document(source: Source) -> CaseDocument | None:
    """The document issued for `source`, if it was (by the change that created the source: on_case_event)."""
    return _find(source)


# The changes that create a document's source (module doc): the event's transaction issues it.
ISSUING_ACTIONS = frozenset(
    {
        CaseAction.SUBMIT,  # a signed commitment (告知承诺书)
        CaseAction.FILE_WALK_IN,
        CaseAction.REQUEST_CORRECTION,  # 一次性告知补正通知书
        CaseAction.RECEIVE,  # 收件回执
        CaseAction.ACCEPT_ITEM,  # 受理通知书
        CaseAction.PRE_REVIEW_ITEM,
        CaseAction.REFUSE_ITEM,  # 不予受理决定书
        CaseAction.DENY_ITEM,  # 不予许可决定书
        CaseAction.DELIVER,  # 送达凭证
    }
)
# The item's own changes: only that item's documents can arise from them (item_sources), so only they are read.
ITEM_ISSUING_ACTIONS = frozenset(
    {CaseAction.ACCEPT_ITEM, CaseAction.PRE_REVIEW_ITEM, CaseAction.REFUSE_ITEM, CaseAction.DENY_ITEM}
)
# The changes that can end a document's currency (the supersession table in the module doc); other events (clock
# scans, notes, decisions) leave the stored statuses alone, so they cost no document query.
SUPERSEDING_ACTIONS = frozenset(
    {
        CaseAction.WITHDRAW,  # receipt, open correction notice, acceptance of a withdrawn item
        CaseAction.RESUBMIT,  # the correction notice answered
        CaseAction.STOP_ITEM,  # acceptance of a stopped item
        CaseAction.REPLACE_MATERIAL,  # a commitment replaced by the proof
        CaseAction.SUPPLY_DEFERRED,
        CaseAction.ATTACH_SCAN,
    }
)


def on_case_event(event: CaseEvent) -> None:
    """cases.services.ON_EVENT: in the transaction of the change, issue the documents it created and store the
    supersession of those it ended. A GET never issues or changes a document."""
    if event.action in ITEM_ISSUING_ACTIONS and event.item is not None:
        issue_item_documents(event.case, event.item, acting_user=event.actor, ip=event.ip, at=event.at)
    elif event.action in ISSUING_ACTIONS:
        issue_documents(event.case, acting_user=event.actor, ip=event.ip, at=event.at)
    if event.action not in SUPERSEDING_ACTIONS:
        return
    current = CaseDocument.objects.select_related("case", "item", "material", "correction").filter(
        case=event.case, status=DocumentStatus.CURRENT
    )
    for document in current.exclude(kind__in=(DocumentKind.REFUSAL, DocumentKind.DENIAL, DocumentKind.DELIVERY)):
        refresh_status(document)


def issue_documents(
    case: Case, *, acting_user: User | None, ip: str | None = None, at: dt.datetime | None = None
) -> list[CaseDocument]:
    """Issue every document of `case` whose source exists and that was not issued yet (caller holds the case lock
    inside its transaction; `manage.py issue_documents` does the same for data from before documents were issued
    by their change)."""
    issued = set(CaseDocument.objects.filter(case=case).values_list("kind", "source_key"))
    return [_create(s, acting_user, ip, at) for s in sources_of(case) if (s.kind, s.key) not in issued]


def issue_item_documents(
    case: Case, item: CaseItem, *, acting_user: User | None, ip: str | None = None, at: dt.datetime | None = None
) -> list[CaseDocument]:
    """issue_documents for the documents of one item (its acceptance notice, refusal, denial): what its own change
    can have created."""
    issued = set(CaseDocument.objects.filter(case=case, item=item).values_list("kind", "source_key"))
    return [_create(s, acting_user, ip, at) for s in item_sources(item, case) if (s.kind, s.key) not in issued]


def issue_document(source: Source, *, acting_user: User | None, ip: str | None = None) -> CaseDocument:
    """The document of `source`: the one issued before, or a new one (number, snapshot, code, trail event).
    For explicit issuing (commands, benchmarks); pages only read issued documents."""
    existing = _find(source)
    if existing is not None:
        return refresh_status(existing, save=False)
    try:
        with transaction.atomic():
            lock_case(source.case.pk, related=())
            existing = _find(source)  # issued while we waited for the lock
            if existing is not None:
                return refresh_status(existing, save=False)
            document = _create(source, acting_user, ip)
    except IntegrityError:  # the same source issued concurrently (SQLite has no row locks): use that one
        found = _find(source)
        if found is None:
            raise
        document = found
    return refresh_status(document, save=False)


def _create(source: Source, acting_user: User | None, ip: str | None, at: dt.datetime | None = None) -> CaseDocument:
    with translation.override(DOCUMENT_LANGUAGE):
        content = content_of(source)
        issuer = issuer_of(source)
        title = DocumentKind(source.kind).label
        document = CaseDocument(
            kind=source.kind,
            number=document_number(source),
            case=source.case,
            source_key=source.key,
            correction=source.correction,
            item=source.item,
            material=source.material,
            delivery=source.delivery,
            issuer=issuer,
            content=content,
            digest=digest_of(content),
            issued_at=(at or timezone.now()).replace(microsecond=0),
            issued_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        document.verification_code = verification_code(document)
        document.save()
        render_pdf_later(document)
        status = source.item.status if source.item is not None else source.case.status
        record_event(
            source.case,
            CaseAction.ISSUE_DOCUMENT,
            Actor(document.issued_by, ip, _channel(document.issued_by, source.kind)),
            item=source.item,
            from_status=status,
            to_status=status,
            summary=_("%(title)s No. %(number)s issued.") % {"title": title, "number": document.number},
            detail={"document": document.number, "kind": document.kind},
            at=at or document.issued_at,  # right after the change that issued it on the timeline
        )
    return document


# ---------------------------------------------------------------- status


def _superseded(document: CaseDocument) -> tuple[dt.datetime, str] | None:
    """When and why the document stopped being current (module doc), or None while it is current."""
    case = document.case
    withdrawn = case.status == CaseStatus.WITHDRAWN
    if document.kind == DocumentKind.RECEIPT and withdrawn:
        return case.withdrawn_at or timezone.now(), _("The application was withdrawn.")
    if document.kind == DocumentKind.CORRECTION and document.correction is not None:
        notice = document.correction
        if notice.answered_at is not None:
            return notice.answered_at, _("The corrections were made and the application resubmitted.")
        if withdrawn:
            return case.withdrawn_at or timezone.now(), _("The application was withdrawn.")
    if document.kind == DocumentKind.ACCEPTANCE and document.item is not None:
        item = document.item
        if item.status in (ItemStatus.WITHDRAWN, ItemStatus.STOPPED):
            return item.decided_at or timezone.now(), _("The item ended without a decision (%(status)s).") % {
                "status": item.get_status_display()
            }
    if (
        document.kind == DocumentKind.COMMITMENT
        and document.material is not None
        and document.material.state != MaterialState.COMMITTED
    ):
        return document.material.updated_at, _("The material itself was supplied in place of the commitment.")
    return None


def refresh_status(document: CaseDocument, *, save: bool = True) -> CaseDocument:
    """Apply the supersession rules to a current document (stored when `save`: only inside a change, never on a
    GET, which shows the same answer without writing it); revoked stays revoked."""
    if document.status != DocumentStatus.CURRENT:
        return document
    with translation.override(DOCUMENT_LANGUAGE):
        ended = _superseded(document)
    if ended is not None:
        DOCUMENT.move(document, SUPERSEDE, DocumentStatus.SUPERSEDED)
        document.status_changed_at, document.status_reason = ended
        if save:
            CaseDocument.objects.filter(pk=document.pk, status=DocumentStatus.CURRENT).update(
                status=document.status,
                status_changed_at=document.status_changed_at,
                status_reason=document.status_reason,
            )
            render_pdf_later(document)  # the page with its banner
    return document


def render_pdf_later(document: CaseDocument) -> None:
    """Once the change commits, render the document's PDF as it now reads in the background (documents.tasks), so
    that the first download finds it stored. robust: the change stands if the queue fails; the download renders."""
    if settings.PRERENDER_PDFS:
        transaction.on_commit(lambda: _enqueue_render(document.pk), robust=True)


def _enqueue_render(document_id: int) -> None:
    from .tasks import render_document_pdf

    render_document_pdf.enqueue(document_id)


def revocation_action(document: CaseDocument) -> str:
    """Who revokes a document (accounts.permissions.GRANTS): the window of the region for the centre's documents, the
    item's department for its own."""
    return "document.revoke_centre" if document.kind in CENTRE_KINDS else "document.revoke_item"


@transaction.atomic
def do_revoke_document(
    document: CaseDocument, reason: str, *, acting_user: User, ip: str | None = None
) -> CaseDocument:
    """撤销 a document issued in error: it stays on record, and its verification says revoked, with the date."""
    lock_case(document.case_id, related=())
    document = CaseDocument.objects.select_for_update(of=("self",)).order_by().get(pk=document.pk)
    if not may(acting_user, revocation_action(document), document):
        raise UserFacingError(_("Only the issuing body can revoke this document."))
    if document.status == DocumentStatus.REVOKED:
        raise ConflictError(_("This document was already revoked."))
    reason = (reason or "").strip()[:500]
    if not reason:
        raise UserFacingError(_("State the reason for revoking the document."))
    now = timezone.now()
    DOCUMENT.move(document, CaseAction.REVOKE_DOCUMENT, DocumentStatus.REVOKED)
    document.status_changed_at, document.status_reason = now, reason
    document.revoked_by = acting_user
    document.save(update_fields=["status", "status_changed_at", "status_reason", "revoked_by"])
    render_pdf_later(document)
    status = document.item.status if document.item is not None else document.case.status
    record_event(
        document.case,
        CaseAction.REVOKE_DOCUMENT,
        Actor(acting_user, ip, _channel(acting_user, document.kind)),
        item=document.item,
        from_status=status,
        to_status=status,
        summary=_("%(title)s No. %(number)s revoked: %(reason)s")
        % {"title": document.get_kind_display(), "number": document.number, "reason": reason},
        detail={"document": document.number, "revoked": True, "reason": reason},
        at=now,
    )
    return document


# ---------------------------------------------------------------- verification


def revocation_event(document: CaseDocument) -> CaseEvent | None:
    """The revocation in the hash-chained case trail (core.trail), or None: the status column is not trusted alone."""
    return first_event(document.case_id, CaseAction.REVOKE_DOCUMENT, document=document.number)


@dataclass(frozen=True)
class DocumentCheck:
    """What the public verification page may show: nothing at all unless the document is genuine."""

    outcome: DocumentVerification
    document: CaseDocument | None = None
    details: dict[str, str] = field(default_factory=dict)

    @property
    def genuine(self) -> bool:
        return self.outcome != DocumentVerification.NOT_GENUINE

    @property
    def colour(self) -> str:
        return DocumentVerification.colour(self.outcome)


_NOT_GENUINE = DocumentCheck(DocumentVerification.NOT_GENUINE)
_DUMMY_CODE = "A" * CODE_LENGTH


def verify_document(number: str, code: str) -> DocumentCheck:
    """Check a document number and its verification code (文书核验); see the module doc."""
    number, code = (number or "").strip()[:60], normalize_code(code)
    document = None
    if number and code:
        document = (
            CaseDocument.objects.select_related("case__applicant", "case__one_thing", "case__region")
            .filter(number=number)
            .first()
        )
    if document is None:
        constant_time_compare(code, _DUMMY_CODE)  # the same work as a wrong code
        return _NOT_GENUINE
    genuine = code_matches(code, HMAC_SALT, _signed_text(document, document.case.number))
    if not genuine or digest_of(document.content) != document.digest:
        return _NOT_GENUINE
    document = refresh_status(document, save=False)  # a public GET: shown, not stored
    revoked = revocation_event(document) if document.status != DocumentStatus.REVOKED else None
    if revoked is not None:  # the trail says so, whatever the column says (shown, not saved)
        document.status, document.status_changed_at = DocumentStatus.REVOKED, revoked.at
    outcome = {
        DocumentStatus.CURRENT: DocumentVerification.CURRENT,
        DocumentStatus.SUPERSEDED: DocumentVerification.SUPERSEDED,
        DocumentStatus.REVOKED: DocumentVerification.REVOKED,
    }[DocumentStatus(document.status)]
    applicant = document.case.applicant
    details = {"applicant": mask_name(document.content.get("applicant", ""), applicant.kind)}
    return DocumentCheck(outcome, document, details)
