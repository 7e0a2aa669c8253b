"""Filing (申报): the applicant's draft becomes one case, online or at the window (帮办代办) — do_submit_case."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may
from catalog.models import MaterialType, OneThing
from core.errors import ConflictError, UserFacingError
from guidance.choices import MaterialStatus
from guidance.materials import NEEDED
from guidance.services import PersonalNotice
from materials.models import Commitment
from materials.services import notice_for_draft
from oneform.models import ApplicationDraft
from oneform.services import MergedForm, effective_values, merge_form, settled_by, validate_values

from ..choices import (
    OPEN_CASE_STATUSES,
    CaseAction,
    CaseStatus,
    Channel,
    MaterialState,
)
from ..kernel import record_event
from ..models import Case, CaseCounter, CaseItem, CaseMaterial
from .common import (
    NOT_FROM_APPLICANT,
    SubmissionIncomplete,
    _actor,
    _notify,
    _review_due,
    _scan_due,
)

logger = logging.getLogger(__name__)


class DuplicateOpenCase(ConflictError):
    """The applicant already has an open case of this one-thing (the window may file again with a reason)."""

    def __init__(self, existing: Case) -> None:
        super().__init__(
            _(
                "You already have an open application for this one-thing: case %(number)s (%(status)s). Follow it "
                "there instead of filing again."
            )
            % {"number": existing.number, "status": existing.get_status_display()}
        )
        self.existing = existing


def open_case_of(applicant: User, one_thing: OneThing) -> Case | None:
    """The applicant's open case of this one-thing (any version, same region), if there is one."""
    return (
        Case.objects.filter(
            applicant=applicant,
            region_id=one_thing.region_id,
            one_thing__code=one_thing.code,
            status__in=OPEN_CASE_STATUSES,
        )
        .order_by("-submitted_at")
        .first()
    )


@dataclass
class SubmissionCheck:
    """What submitting this draft would file, and what still stops it."""

    one_thing: OneThing
    notice: PersonalNotice
    form: MergedForm
    values: dict[str, str]
    field_errors: dict[str, str]
    uploads: dict[str, Any]  # material key -> Upload
    commitments: dict[str, Commitment]  # material key -> Commitment
    missing: dict[str, str] = field(default_factory=dict)  # key -> name: cannot go in without it
    deferrable_missing: dict[str, str] = field(default_factory=dict)  # key -> name: may be supplied later (容缺)

    @property
    def ok(self) -> bool:
        return not self.field_errors and not self.missing


def check_submission(draft: ApplicationDraft, *, paper_received: Iterable[str] = ()) -> SubmissionCheck:
    """Check a draft as it would be filed: the form's messages and the materials still missing."""
    notice = notice_for_draft(draft)
    one_thing = notice.one_thing
    form = merge_form(one_thing, notice.selected_items)
    from shareddata.services import prefill_for

    prefill = prefill_for(
        draft.user, form.keys, one_thing_code=one_thing.code, settled=settled_by(one_thing, notice.answers)
    )
    values, _origin = effective_values(form.keys, draft.values, prefill)
    field_errors = validate_values(form, values)
    uploads = {u.material_type.key: u for u in draft.uploads.select_related("material_type")}
    commitments = {c.material_type.key: c for c in draft.commitments.select_related("material_type")}
    paper = set(paper_received)
    check = SubmissionCheck(one_thing, notice, form, values, field_errors, uploads, commitments)
    for line in notice.to_submit:
        if line.key in uploads or line.key in paper:
            continue
        if line.key in commitments and line.commitment_allowed:
            continue
        if line.status == MaterialStatus.DEFERRABLE:
            check.deferrable_missing[line.key] = line.title
        else:
            check.missing[line.key] = line.title
    return check


def _requirements(check: SubmissionCheck) -> dict:
    notice = check.notice
    return {
        "items": [
            {"code": it.code, "name": it.name, "department": it.department, "promised_days": it.promised_days}
            for it in notice.selected_items
        ],
        "fields": [
            {"key": f.key, "label": str(f.label), "section": f.section, "required": f.required, "used_by": f.used_by}
            for f in check.form.fields
        ]
        + [  # values another item of the case produces: filled when that item is approved (not asked)
            {
                "key": f.key,
                "label": str(f.label),
                "section": f.section,
                "required": False,
                "used_by": f.used_by,
                "produced_by": f.produced_by,
            }
            for f in check.form.produced
        ],
        "sections": [
            {"key": s.key, "title": str(s.title), "keys": [f.key for f in s.fields]} for s in check.form.sections
        ],
        # the one materials rule's decision at submit (guidance.materials): what the window review and receipt show
        "materials": [
            {
                "key": m.key,
                "name": m.title,
                "status": m.status,
                "items": m.items,
                "detail": m.detail,
                "starred": m.starred,
                "uploaded": m.key in check.uploads,
            }
            for m in notice.materials
        ],
        "fields_before": check.form.fields_before,
        "fields_after": check.form.fields_after,
        "fees": str(notice.fee_total),
        "delivery_methods": [str(m) for m in notice.delivery_methods],
    }


def _next_number(region, day: dt.date) -> str:
    """Region code + date + a 4-digit sequence, e.g. 410721202611230007; one counter row per region and day."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _created = CaseCounter.objects.select_for_update().get_or_create(region=region, day=day)
                counter.last += 1
                counter.save(update_fields=["last"])
                return f"{region.code}{day:%Y%m%d}{counter.last:04d}"
        except IntegrityError:  # another submission created the day's counter first; lock it and go on
            continue
    raise ConflictError(_("Too many submissions at once; please submit again."))


@transaction.atomic
def do_submit_case(
    draft: ApplicationDraft,
    submission_key: str,
    *,
    acting_user: User,
    ip: str | None = None,
    paper_received: Iterable[str] = (),
    duplicate_reason: str = "",
) -> Case:
    """File the draft as one case (see the module doc). Returns the case, the existing one for a repeated submit.
    An applicant with an open case of the same one-thing is refused (DuplicateOpenCase, with that case); window
    staff may file again with `duplicate_reason`, which the event records."""
    draft = ApplicationDraft.objects.select_for_update().select_related("user").get(pk=draft.pk)
    applicant = draft.user
    submission_key = (submission_key or "").strip()[:64]
    existing = Case.objects.filter(draft=draft).first() or (
        Case.objects.filter(applicant=applicant, submission_key=submission_key).first() if submission_key else None
    )
    if existing is not None:
        return existing
    if not submission_key:
        raise UserFacingError(_("The submission could not be identified; reload the page and submit again."))
    at_window = acting_user is not None and acting_user.pk != applicant.pk
    if at_window:
        if not may(acting_user, "case.file_walk_in", draft.one_thing):
            raise UserFacingError(_("Only window staff of this region can file an application for someone else."))
    elif not (acting_user and acting_user.is_applicant):
        raise UserFacingError(_("Only the applicant can submit their own application."))
    if draft.channel != (ApplicationDraft.WINDOW if at_window else ApplicationDraft.ONLINE):
        raise UserFacingError(  # the applicant's own online draft is filed by the applicant, never by staff
            _("Only the applicant can submit their own online application.")
            if at_window
            else _("This application is being prepared at the window; it is filed there.")
        )
    User.objects.select_for_update().filter(pk=applicant.pk).first()  # one filing per applicant at a time
    duplicate_reason = " ".join((duplicate_reason or "").split())[:200] if at_window else ""
    duplicate = open_case_of(applicant, draft.one_thing)
    if duplicate is not None and not duplicate_reason:
        raise DuplicateOpenCase(duplicate)
    paper = set(paper_received) if at_window else set()
    check = check_submission(draft, paper_received=paper)
    if not check.ok:
        raise SubmissionIncomplete(check.field_errors, check.missing)

    now = timezone.now()
    one_thing = check.one_thing
    case = Case(
        number=_next_number(one_thing.region, timezone.localdate(now)),
        one_thing=one_thing,
        region=one_thing.region,
        applicant=applicant,
        filed_by=acting_user,
        channel=Channel.WINDOW if at_window else Channel.ONLINE,
        status=CaseStatus.SUBMITTED,
        draft=draft,
        submission_key=submission_key,
        answers=draft.answers or {},
        values=check.values,
        requirements=_requirements(check),
        combined_days=check.notice.combined_days,
        submitted_at=now,
    )
    if at_window:
        case.scan_due_at = _scan_due(now) if paper else None
    else:
        case.review_due_at = _review_due(case, now)
    case.save()

    by_pk = {}
    lines = {it.pk: it for it in check.notice.selected_items}
    from catalog.models import OneThingItem

    rows = OneThingItem.objects.filter(pk__in=lines).select_related("service_item", "department")
    for order, row in enumerate(sorted(rows, key=lambda r: (r.order, r.pk))):
        by_pk[row.pk] = CaseItem.objects.create(
            case=case,
            one_thing_item=row,
            service_item=row.service_item,
            department=row.department,
            order=order,
            name=row.service_item.name,
            promised_days=lines[row.pk].promised_days,
        )
    for row in rows:
        wanted = [p.pk for p in row.prerequisites.all() if p.pk in by_pk]
        if wanted:
            by_pk[row.pk].prerequisites.set([by_pk[pk] for pk in wanted])

    types = {mt.key: mt for mt in MaterialType.objects.filter(key__in=[m.key for m in check.notice.materials])}
    filed = [
        m
        for m in check.notice.materials
        if m.status in NEEDED or (m.status == MaterialStatus.CONDITIONAL and m.key in check.uploads)
    ]
    for order, line in enumerate(filed):
        material = CaseMaterial(
            case=case,
            material_type=types[line.key],
            order=order,
            name=line.title,
            items=line.items,
            deferrable=line.deferrable,
            commitment_allowed=line.commitment_allowed,
        )
        if line.status in NOT_FROM_APPLICANT:
            material.state = NOT_FROM_APPLICANT[MaterialStatus(line.status)]
            material.exemption = line.detail[:200]
        elif line.key in check.uploads:
            upload = check.uploads[line.key]
            material.state = MaterialState.UPLOADED
            material.file.name = upload.file.name  # the draft is closed: the stored file no longer changes
            material.original_name = upload.original_name
            material.content_type = upload.content_type
            material.size = upload.size
            material.sha256 = upload.sha256
        elif line.key in paper:
            material.state = MaterialState.PAPER
        elif line.key in check.commitments:
            commitment = check.commitments[line.key]
            material.state = MaterialState.COMMITTED
            material.commitment_text = commitment.text
            material.committed_at = commitment.signed_at
        else:
            material.state = MaterialState.MISSING  # deferrable: the applicant asks for 容缺
        material.save()

    draft.submitted_at = now
    draft.save(update_fields=["submitted_at"])
    actor = _actor(acting_user, ip, case.channel)
    record_event(
        case,
        CaseAction.FILE_WALK_IN if at_window else CaseAction.SUBMIT,
        actor,
        to_status=case.status,
        summary=_("Application submitted: %(items)d item(s), case number %(number)s.")
        % {"items": len(by_pk), "number": case.number},
        detail={
            "one_thing": one_thing.code,
            "version": one_thing.version,
            "materials": {m.material_type.key: m.state for m in case.materials.select_related("material_type")},
            "deferral_requested": sorted(check.deferrable_missing),
            "review_due": case.review_due_at.isoformat() if case.review_due_at else None,  # the clock, for supervision
            **({"duplicate_of": duplicate.number, "duplicate_reason": duplicate_reason} if duplicate else {}),
        },
        internal_note=(
            _("Filed although case %(number)s is still open: %(reason)s")
            % {"number": duplicate.number, "reason": duplicate_reason}
            if duplicate
            else ""
        ),
        at=now,
    )
    if applicant.is_applicant and not at_window:
        from shareddata.services import do_remember_values

        typed = {k: v for k, v in draft.values.items() if k in check.values}
        try:
            do_remember_values(applicant, typed, acting_user=applicant)
        except ValueError:
            logger.warning("Profile not updated for case %s: unknown keys", case.number)
    _notify(case, "case.submitted")
    return case
