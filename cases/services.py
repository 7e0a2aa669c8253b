"""Every change of a case, one function each (STYLE.md §4): atomic, refused with a message when the state does not
allow it (rules.ALLOWED_ACTIONS), writing its CaseEvent in the same transaction, side effects after commit.

do_submit_case
    Turns the applicant's draft into one case. The draft row is locked, so a double click or a retried request
    finds the case the first one created (and the submission key, unique per applicant, finds it too). Refused, with
    every field message and every missing material at once, while the form has errors or a material that may not be
    supplied later (容缺) has neither a file nor a signed commitment. The case keeps the one-thing version, answers,
    values and requirements as they are now; the draft is closed. At the window (帮办代办) the staff member files for
    the applicant; paper materials received are marked for scanning, and the 2-hour scanning clock starts.

do_request_correction
    One notice (一次性告知补正) listing every material and field to correct. A later round, after the applicant
    resubmitted, may only repeat points of the first notice that are still not met: nothing new can be added.

do_save_correction / do_replace_case_material / do_resubmit_case
    The applicant (or window staff for a walk-in) corrects the points of the open notice, then resubmits the same
    case; the formal review clock starts again.

do_receive_case
    收件: a receipt (收件回执) is issued; each missing material must be 容缺-able and gets a due date. Then the case is
    distributed to the departments at once — or, at the window, once every paper material is scanned.

do_withdraw_case
    撤回 while some item is undecided: every open item ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
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
from materials.choices import ACCEPTED_TYPES
from materials.models import Commitment
from materials.services import check_file, notice_for_draft
from oneform.models import ApplicationDraft
from oneform.services import FormSection, MergedForm, effective_values, merge_form, settled_by, validate_values
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from . import rules
from .choices import (
    ENDED_ITEM_STATUSES,
    OPEN_CASE_STATUSES,
    CaseAction,
    CaseStatus,
    Channel,
    ItemStatus,
    MaterialState,
    PointKind,
)
from .kernel import ON_EVENT, Actor, lock_case, record_event  # noqa: F401  (re-exported)
from .models import Case, CaseCounter, CaseItem, CaseMaterial, CorrectionNotice

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500
MAX_POINTS = 100

# the materials the applicant does not supply (guidance.materials) and how the case keeps them
NOT_FROM_APPLICANT = {
    MaterialStatus.EXEMPT: MaterialState.EXEMPT,
    MaterialStatus.GENERATED: MaterialState.GENERATED,
    MaterialStatus.PRODUCED: MaterialState.PRODUCED,
    MaterialStatus.PUSHED: MaterialState.PUSHED,
}

# Hooks other apps register, run inside the transaction that distributes a case (issue 4: department notices).
ON_DISTRIBUTED: list[Callable[[Case], None]] = []
# ... and inside a withdrawal's transaction (results: a 统一领取 case may now have its decided results ready;
# approvals: planned joint inspections are called off).
ON_WITHDRAWN: list[Callable[[Case], None]] = []


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


class SubmissionIncomplete(UserFacingError):
    """The application cannot go in yet: every field message and every missing material, at once."""

    def __init__(self, field_errors: Mapping[str, str], missing_materials: Mapping[str, str]) -> None:
        parts = []
        if field_errors:
            parts.append(_("%(count)d form field(s) need attention") % {"count": len(field_errors)})
        if missing_materials:
            parts.append(_("materials still missing: %(names)s") % {"names": "、".join(missing_materials.values())})
        super().__init__(_("The application cannot be submitted yet: %(what)s.") % {"what": "；".join(parts)})
        self.field_errors = dict(field_errors)
        self.missing_materials = dict(missing_materials)


class DeferralsRefused(UserFacingError):
    """收件 refused because of the 容缺 due dates: one message per material key ("" for the form as a whole)."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = dict(problems)


def _actor(acting_user: User | None, ip: str | None, channel: str = "") -> Actor:
    return Actor(acting_user, ip, channel)


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _lock(case: Case) -> Case:
    return lock_case(case)


# ---------------------------------------------------------------- who may act


def _check_applicant_or_window(case: Case, user: User | None) -> None:
    """The applicant themself, or window staff of the case's region for a case filed at the window."""
    if not may(user, "case.change_application", case):
        raise UserFacingError(_("Only the applicant can change their own application."))


def _check_window(case: Case, user: User | None, action: str = "case.review") -> None:
    if not may(user, action, case):
        raise UserFacingError(_("Only window staff of this region can do this."))


# ---------------------------------------------------------------- clocks


def _ancestor_codes(region) -> list[str]:
    codes = []
    current = region.parent
    while current is not None:
        codes.append(current.code)
        current = current.parent
    return codes


def _review_due(case: Case, start: dt.datetime) -> dt.datetime | None:
    limit = rules.review_limit_for(case.region.code, _ancestor_codes(case.region))
    try:
        return rules.review_due(start, limit, WorkingCalendar())
    except CalendarNotConfigured:
        logger.warning("Formal review deadline of %s unknown: working calendar not configured", case.number)
        return None


def _scan_due(start: dt.datetime) -> dt.datetime | None:
    try:
        return WorkingCalendar().add_working_hours(start, rules.SCAN_LIMIT_HOURS)
    except CalendarNotConfigured:
        return None


# ---------------------------------------------------------------- submission


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


# ---------------------------------------------------------------- formal review


def _clean_points(case: Case, points: Iterable[Mapping[str, Any]]) -> list[dict]:
    # only what the applicant supplies can be corrected by them: not the 申请表 generated from the form (its fields
    # are flagged instead), nor what another item produces or a department pushes
    all_materials = list(case.materials.select_related("material_type"))
    materials = {m.material_type.key: m.name for m in all_materials if m.state not in rules.NOT_FROM_THE_APPLICANT}
    provided = {m.material_type.key: m.name for m in all_materials if m.state in rules.NOT_FROM_THE_APPLICANT}
    fields = {f["key"]: f["label"] for f in case.requirements.get("fields", [])}
    cleaned: list[dict] = []
    seen: set[tuple[str, str]] = set()
    problems: list[str] = []
    for point in points:
        kind = str(point.get("kind", ""))
        key = str(point.get("key", ""))
        reason = str(point.get("reason", "")).strip()[:MAX_REASON_LENGTH]
        names = materials if kind == PointKind.MATERIAL else fields if kind == PointKind.FIELD else None
        if kind == PointKind.MATERIAL and key in provided:
            problems.append(
                _("“%(name)s” is not supplied by the applicant; flag what it is made from instead.")
                % {"name": provided[key]}
            )
            continue
        if names is None or key not in names:
            problems.append(_("“%(key)s” is not a material or field of this case.") % {"key": key})
            continue
        if not reason:
            problems.append(_("Say what is wrong with “%(name)s”.") % {"name": names[key]})
            continue
        if (kind, key) in seen:
            continue
        seen.add((kind, key))
        cleaned.append({"kind": kind, "key": key, "name": names[key], "reason": reason})
    if problems:
        raise UserFacingError(" ".join(problems))
    if not cleaned:
        raise UserFacingError(_("List at least one material or field to correct."))
    if len(cleaned) > MAX_POINTS:
        raise UserFacingError(_("Too many points in one notice."))
    return cleaned


@transaction.atomic
def do_request_correction(
    case: Case, points: Iterable[Mapping[str, Any]], *, acting_user: User, ip: str | None = None
) -> CorrectionNotice:
    """Issue the one correction notice (一次性告知补正通知书); see the module doc for later rounds."""
    case = _lock(case)
    _check_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.REQUEST_CORRECTION)
    cleaned = _clean_points(case, points)
    previous = list(case.corrections.order_by("round"))
    if previous:
        first = {(p["kind"], p["key"]) for p in previous[0].points}
        new = [p["name"] for p in cleaned if (p["kind"], p["key"]) not in first]
        if new:
            raise ConflictError(
                _(
                    "Everything to correct must be told at once: the first notice did not list %(names)s, so it "
                    "cannot be asked for now."
                )
                % {"names": "、".join(new)}
            )
    now = timezone.now()
    notice = CorrectionNotice.objects.create(
        case=case, round=len(previous) + 1, points=cleaned, issued_at=now, issued_by=acting_user
    )
    before = rules.CASE.move(case, CaseAction.REQUEST_CORRECTION, CaseStatus.CORRECTION)
    case.review_due_at = None
    case.save(update_fields=["status", "review_due_at", "updated_at"])
    record_event(
        case,
        CaseAction.REQUEST_CORRECTION,
        _actor(acting_user, ip, "window"),
        from_status=before,
        to_status=case.status,
        summary=_("Correction notice: %(points)s.")
        % {"points": "；".join(f"{p['name']}（{p['reason']}）" for p in cleaned)},
        detail={"round": notice.round, "points": cleaned},
        at=now,
    )
    _notify(case, "case.correction")
    return notice


def open_correction(case: Case) -> CorrectionNotice | None:
    if case.status != CaseStatus.CORRECTION:
        return None
    return case.corrections.filter(answered_at__isnull=True).order_by("-round").first()


@transaction.atomic
def do_save_correction(case: Case, values: Mapping[str, Any], *, acting_user: User, ip: str | None = None) -> list[str]:
    """Keep the corrected values of the notice's fields as typed (valid or not); returns the keys that changed."""
    case = _lock(case)
    _check_applicant_or_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.CORRECT_VALUES)
    notice = open_correction(case)
    allowed = notice.keys(PointKind.FIELD) if notice else set()
    changed = {k: str(v)[:2000] for k, v in values.items() if k in allowed and str(v) != str(case.values.get(k, ""))}
    if not changed:
        return []
    before = {k: case.values.get(k) for k in changed}
    case.values = {**case.values, **changed}
    case.save(update_fields=["values", "updated_at"])
    record_event(
        case,
        CaseAction.CORRECT_VALUES,
        _actor(acting_user, ip, case.channel),
        from_status=case.status,
        to_status=case.status,
        summary=_("Form corrected: %(fields)s.") % {"fields": "、".join(_field_label(case, k) for k in changed)},
        detail={"before": before, "after": changed},
    )
    return list(changed)


def _field_label(case: Case, key: str) -> str:
    return next((f["label"] for f in case.requirements.get("fields", []) if f["key"] == key), key)


def _file_snapshot(material: CaseMaterial) -> dict:
    return {
        "state": material.state,
        "file": material.file.name or "",
        "name": material.original_name,
        "size": material.size,
        "sha256": material.sha256,
    }


def _material(case: Case, material_type: MaterialType) -> CaseMaterial:
    material = case.materials.select_for_update().filter(material_type=material_type).first()
    if material is None:
        raise UserFacingError(
            _("“%(name)s” is not a material of this case.") % {"name": getattr(material_type, "name", "")}
        )
    return material


def _with_file(
    case: Case,
    material_type: MaterialType,
    uploaded_file: UploadedFile,
    *,
    action: str,
    acting_user: User,
    ip: str | None,
    allowed_states: Callable[[CaseMaterial], bool],
    refusal: str,
    summary: str,
    then: Callable[[Case], None] | None = None,
) -> CaseMaterial:
    """Check, store and record one file for a material of the case, or refuse writing nothing; `then(case)` runs on
    the locked case in the same transaction (what the file implies: the last scan distributes the case), and if it
    fails, nothing stays — not the file either."""
    checked = check_file(uploaded_file)  # before any write
    with transaction.atomic():
        case = _lock(case)
        rules.check_allowed(case.status, action)
        material = _material(case, material_type)
        if not allowed_states(material):
            raise UserFacingError(refusal % {"name": material.name})
        before = _file_snapshot(material)
        material.file.save("material" + ACCEPTED_TYPES[checked.content_type], checked.as_file(), save=False)
        stored = material.file.name
        try:
            material.original_name = checked.name
            material.content_type, material.size, material.sha256 = checked.content_type, checked.size, checked.sha256
            rules.MATERIAL.move(material, action, MaterialState.UPLOADED, attr="state")
            material.save()
            record_event(
                case,
                action,
                _actor(acting_user, ip, case.channel if action != CaseAction.ATTACH_SCAN else "window"),
                from_status=case.status,
                to_status=case.status,
                summary=summary % {"name": material.name},
                detail={"material": material_type.key, "before": before, "after": _file_snapshot(material)},
            )
            if then is not None:
                then(case)
        except Exception:
            if stored:
                material.file.storage.delete(stored)
            raise
    return material


def do_replace_case_material(
    case: Case, material_type: MaterialType, uploaded_file: UploadedFile, *, acting_user: User, ip: str | None = None
) -> CaseMaterial:
    """A new file for a material the open correction notice lists; the earlier file stays in the trail."""
    _check_applicant_or_window(case, acting_user)

    def flagged(material: CaseMaterial) -> bool:  # read on the locked case: the caller's copy may be stale
        notice = open_correction(material.case)
        return notice is not None and material.material_type.key in notice.keys(PointKind.MATERIAL)

    return _with_file(
        case,
        material_type,
        uploaded_file,
        action=CaseAction.REPLACE_MATERIAL,
        acting_user=acting_user,
        ip=ip,
        allowed_states=flagged,
        refusal=_("“%(name)s” is not on the correction notice; it cannot be changed now."),
        summary=_("New file for “%(name)s”."),
    )


@transaction.atomic
def do_resubmit_case(case: Case, *, acting_user: User, ip: str | None = None) -> Case:
    """Back to formal review once every point of the open notice is met; refused with what is still open."""
    case = _lock(case)
    _check_applicant_or_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.RESUBMIT)
    notice = open_correction(case)
    if notice is None:  # pragma: no cover - a case in correction always has its notice
        raise ConflictError(_("There is no correction notice to answer."))
    still: dict[str, str] = {}
    materials = {m.material_type.key: m for m in case.materials.select_related("material_type")}
    changed_after = {
        e.detail.get("material")
        for e in case.events.filter(action=CaseAction.REPLACE_MATERIAL, at__gte=notice.issued_at)
    }
    for key in notice.keys(PointKind.MATERIAL):
        if key not in changed_after or not materials[key].file:
            still[key] = materials[key].name
    flagged_fields = notice.keys(PointKind.FIELD)
    field_errors = validate_values(case_form(case, only=flagged_fields), case.values) if flagged_fields else {}
    first_values = notice_values_at_issue(case, notice)
    for key in flagged_fields:
        if key not in field_errors and str(case.values.get(key, "")) == str(first_values.get(key, "")):
            field_errors[key] = _("This was to be corrected; it has not been changed.")
    if still or field_errors:
        raise SubmissionIncomplete(field_errors, still)
    now = timezone.now()
    notice.answered_at = now
    notice.save(update_fields=["answered_at"])
    before = rules.CASE.move(case, CaseAction.RESUBMIT, CaseStatus.SUBMITTED)
    case.review_due_at = _review_due(case, now) if case.channel == Channel.ONLINE else None
    case.save(update_fields=["status", "review_due_at", "updated_at"])
    record_event(
        case,
        CaseAction.RESUBMIT,
        _actor(acting_user, ip, case.channel),
        from_status=before,
        to_status=case.status,
        summary=_("Corrections made; the application is back for formal review."),
        detail={"round": notice.round},
        at=now,
    )
    _notify(case, "case.resubmitted")
    return case


def case_form(case: Case, only: Iterable[str] | None = None) -> MergedForm:
    """The one form of the case's items (as filed), optionally with only some of its fields."""
    form = merge_form(case.one_thing, [item.one_thing_item_id for item in case.items.all()])
    if only is not None:
        wanted = set(only)
        form.sections = [
            FormSection(key=s.key, title=s.title, fields=[f for f in s.fields if f.key in wanted])
            for s in form.sections
        ]
        form.sections = [s for s in form.sections if s.fields]
    return form


def notice_values_at_issue(case: Case, notice: CorrectionNotice) -> dict[str, Any]:
    """The case's values when the notice was issued (the current values with later corrections undone)."""
    values = dict(case.values)
    for event in case.events.filter(action=CaseAction.CORRECT_VALUES, at__gte=notice.issued_at).order_by("-at", "-id"):
        for key, value in (event.detail.get("before") or {}).items():
            values[key] = value
    return values


@transaction.atomic
def do_receive_case(
    case: Case,
    *,
    deferrals: Mapping[str, dt.date] | None = None,
    acting_user: User,
    ip: str | None = None,
) -> Case:
    """收件 and the receipt (收件回执); missing 容缺-able materials each get a due date; see the module doc."""
    case = _lock(case)
    _check_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.RECEIVE)
    deferrals = dict(deferrals or {})
    calendar = WorkingCalendar()
    today = timezone.localdate()
    problems: dict[str, str] = {}  # material key ("" for the whole form) -> message
    missing = list(
        case.materials.select_for_update().filter(state=MaterialState.MISSING).select_related("material_type")
    )
    for material in missing:
        key = material.material_type.key
        due = deferrals.get(key)
        if not material.deferrable:  # pragma: no cover - submission refuses these
            problems[key] = _("“%(name)s” is missing and may not be supplied later.") % {"name": material.name}
        elif due is None:
            problems[key] = _("Give the date by which “%(name)s” is to be supplied.") % {"name": material.name}
        elif due <= today:
            problems[key] = _("The date for “%(name)s” must be after today.") % {"name": material.name}
        else:
            try:
                if not calendar.is_workday(due):
                    problems[key] = _("%(date)s is not a working day; choose a working day for “%(name)s”.") % {
                        "date": due.isoformat(),
                        "name": material.name,
                    }
                elif calendar.workdays_between(today, due) > rules.MAX_DEFERRAL_WORKING_DAYS:
                    problems[key] = _("The date for “%(name)s” is more than %(days)d working days away.") % {
                        "name": material.name,
                        "days": rules.MAX_DEFERRAL_WORKING_DAYS,
                    }
            except CalendarNotConfigured as exc:
                problems[key] = exc.message
    unknown = set(deferrals) - {m.material_type.key for m in missing}
    if unknown:
        problems[""] = _("Only missing materials can be deferred.")
    if problems:
        raise DeferralsRefused(problems)
    for material in missing:
        rules.MATERIAL.move(material, CaseAction.RECEIVE, MaterialState.DEFERRED, attr="state")
        material.deferred_until = deferrals[material.material_type.key]
        material.save(update_fields=["state", "deferred_until", "updated_at"])
    now = timezone.now()
    before = rules.CASE.move(case, CaseAction.RECEIVE, CaseStatus.RECEIVED)
    case.received_at = now
    case.received_by = acting_user
    case.review_due_at = None
    case.save(update_fields=["status", "received_at", "received_by", "review_due_at", "updated_at"])
    summary = _("Received; receipt %(number)s issued.") % {"number": case.number}
    if missing:
        summary += _(" To be supplied later (容缺): %(list)s.") % {
            "list": "、".join(f"{m.name}（{m.deferred_until:%Y-%m-%d}前）" for m in missing)
        }
    record_event(
        case,
        CaseAction.RECEIVE,
        _actor(acting_user, ip, "window"),
        from_status=before,
        to_status=case.status,
        summary=summary,
        detail={"deferred": {m.material_type.key: _day(m.deferred_until) for m in missing}},
        at=now,
    )
    _notify(case, "case.received")
    if not case.materials.filter(state=MaterialState.PAPER).exists():
        _distribute(case, _actor(acting_user, ip, "window"))
    return case


def do_attach_scan(
    case: Case, material_type: MaterialType, uploaded_file: UploadedFile, *, acting_user: User, ip: str | None = None
) -> CaseMaterial:
    """The electronic copy of a paper material received at the window; the last one distributes the case, in the
    same transaction (a distribution that fails leaves the material unscanned, to be scanned again)."""
    _check_window(case, acting_user)

    def distribute_after_the_last(case: Case) -> None:
        if not case.materials.filter(state=MaterialState.PAPER).exists() and case.scanned_at is None:
            case.scanned_at = timezone.now()
            case.save(update_fields=["scanned_at", "updated_at"])
            if case.received_at is not None and case.distributed_at is None:
                _distribute(case, _actor(acting_user, ip, "window"))

    return _with_file(
        case,
        material_type,
        uploaded_file,
        action=CaseAction.ATTACH_SCAN,
        acting_user=acting_user,
        ip=ip,
        allowed_states=lambda m: m.state == MaterialState.PAPER,
        refusal=_("“%(name)s” has no paper copy waiting to be scanned."),
        summary=_("Paper material “%(name)s” scanned."),
        then=distribute_after_the_last,
    )


def _distribute(case: Case, actor: Actor) -> None:
    """Push the case to every co-handling department at once (统一收件、自动分发)."""
    now = timezone.now()
    items = list(case.items.select_for_update().filter(status=ItemStatus.AWAITING_RECEIPT).select_related("department"))
    calendar = WorkingCalendar()
    try:  # 受理 within 1 working day (000 第十四条; 004 四(二)3): due when the office closes the next working day
        acceptance_due = calendar.closing_time(calendar.add_workdays(timezone.localtime(now).date(), 1))
    except CalendarNotConfigured:
        acceptance_due = None
    for item in items:
        rules.ITEM.move(item, CaseAction.DISTRIBUTE, ItemStatus.QUEUED)
        item.distributed_at = now
        item.acceptance_due_at = acceptance_due
        item.save(update_fields=["status", "distributed_at", "acceptance_due_at", "updated_at"])
    case.distributed_at = now
    case.save(update_fields=["distributed_at", "updated_at"])
    departments = list(dict.fromkeys(item.department.name for item in items))
    record_event(
        case,
        CaseAction.DISTRIBUTE,
        actor,
        from_status=case.status,
        to_status=case.status,
        summary=_("Sent to %(departments)s.") % {"departments": "、".join(departments)},
        detail={
            "items": [item.pk for item in items],
            "acceptance_due": acceptance_due.isoformat() if acceptance_due else None,  # the clock, for supervision
        },
        at=now,
    )
    for hook in ON_DISTRIBUTED:
        hook(case)  # in the distribution's transaction: the departments' notices are part of it


def do_supply_deferred_material(
    case: Case, material_type: MaterialType, uploaded_file: UploadedFile, *, acting_user: User, ip: str | None = None
) -> CaseMaterial:
    """The applicant supplies a material accepted as 容缺."""
    _check_applicant_or_window(case, acting_user)
    return _with_file(
        case,
        material_type,
        uploaded_file,
        action=CaseAction.SUPPLY_DEFERRED,
        acting_user=acting_user,
        ip=ip,
        allowed_states=lambda m: m.state == MaterialState.DEFERRED,
        refusal=_("“%(name)s” is not waiting to be supplied."),
        summary=_("Deferred material “%(name)s” supplied."),
    )


# ---------------------------------------------------------------- withdrawal and derived status


def derive_status(case: Case, items: list[CaseItem]) -> str:
    """The case's status after receipt, from its items (全部办结, 部分办结, 已撤回, 未办结, 办理中, 已收件)."""
    statuses = [item.status for item in items]
    if any(s not in ENDED_ITEM_STATUSES for s in statuses):
        started = any(s not in (ItemStatus.AWAITING_RECEIPT, ItemStatus.QUEUED) for s in statuses)
        return CaseStatus.IN_PROGRESS if started else CaseStatus.RECEIVED
    approved = sum(1 for s in statuses if s == ItemStatus.APPROVED)
    if statuses and approved == len(statuses):
        return CaseStatus.COMPLETED
    if approved:
        return CaseStatus.PARTIALLY_COMPLETED
    if case.withdrawn_at is not None:
        return CaseStatus.WITHDRAWN
    return CaseStatus.NOT_ACCEPTED


def can_withdraw(case: Case) -> bool:
    if not rules.is_allowed(case.status, CaseAction.WITHDRAW):
        return False
    return any(item.status not in ENDED_ITEM_STATUSES for item in case.items.all())


@transaction.atomic
def do_withdraw_case(case: Case, reason: str, *, acting_user: User, ip: str | None = None) -> Case:
    """撤回: every item not yet decided ends; decided items keep their results."""
    case = _lock(case)
    _check_applicant_or_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.WITHDRAW)
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if not reason:
        raise UserFacingError(_("Give a reason for withdrawing."))
    items = list(case.items.select_for_update())
    open_items = [item for item in items if item.status not in ENDED_ITEM_STATUSES]
    if not open_items:
        raise ConflictError(_("Every item has been decided; there is nothing left to withdraw."))
    now = timezone.now()
    for item in open_items:
        rules.ITEM.move(item, CaseAction.WITHDRAW, ItemStatus.WITHDRAWN)
        item.save(update_fields=["status", "updated_at"])
    before = case.status
    case.withdrawn_at = now
    case.withdrawal_reason = reason
    case.review_due_at = None
    rules.CASE.move(case, CaseAction.WITHDRAW, derive_status(case, items))
    case.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "review_due_at", "updated_at"])
    record_event(
        case,
        CaseAction.WITHDRAW,
        _actor(acting_user, ip, case.channel),
        from_status=before,
        to_status=case.status,
        summary=_("Withdrawn: %(reason)s") % {"reason": reason},
        detail={"items": [item.pk for item in open_items]},
        at=now,
    )
    _notify(case, "case.withdrawn")
    for hook in ON_WITHDRAWN:
        hook(case)  # in the withdrawal's transaction: inspections called off, results announced
    return case


# ---------------------------------------------------------------- notices to the applicant


def _notify(case: Case, kind: str) -> None:
    """The applicant's notice, written to the outbox in the change's transaction (an SMS leaves after commit)."""
    from . import notify

    notify.tell_applicant(case.pk, kind)
