"""The window's formal review (形式审查) and intake: one correction notice (一次性告知补正), the applicant's
corrections and resubmission, receipt (收件回执, 容缺 due dates), scans of paper materials, distribution to the
departments, deferred materials supplied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import MaterialType
from core.errors import ConflictError, UserFacingError
from materials.choices import ACCEPTED_TYPES
from materials.services import check_file
from oneform.services import FormSection, MergedForm, merge_form, validate_values
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from .. import rules
from ..choices import (
    CaseAction,
    CaseStatus,
    Channel,
    ItemStatus,
    MaterialState,
    PointKind,
)
from ..kernel import Actor, record_event
from ..models import Case, CaseMaterial, CorrectionNotice
from .common import (
    MAX_POINTS,
    MAX_REASON_LENGTH,
    ON_DISTRIBUTED,
    DeferralsRefused,
    SubmissionIncomplete,
    _actor,
    _check_applicant_or_window,
    _check_window,
    _day,
    _lock,
    _notify,
    _review_due,
)


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
