"""The applicant's side of a case: submit the draft, my cases, the case page (corrections, withdrawal, receipt) and
the case's files.

Cases are read only through cases.queries (STYLE.md §9): someone else's case and a number that does not exist give
the same 404. Every change goes through a cases.services function; a refusal (UserFacingError) becomes a message,
never a 500. Submitting is for applicants only (window staff file through the window pages); the case page, the
receipt are also open to staff who may view the case (case.view: its region; a lead department, its one-things),
the files to staff with case.materials and to the departments whose items need them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import queries, rules, services
from cases.choices import CaseAction, CaseStatus, ItemStatus, MaterialState, PointKind
from cases.forms import FileForm, SubmitForm, WithdrawForm, new_submission_key
from cases.models import Case, CaseEvent, CaseMaterial, CorrectionNotice, SupplementAnswer
from core.errors import UserFacingError
from core.http import client_ip, private_file_headers
from guidance import queries as guidance_queries
from guidance.services import MaterialLine
from materials.choices import ACCEPTED_TYPES
from materials.filecheck import download_name
from oneform.models import ApplicationDraft
from oneform.services import MergedField, find_draft, validate_values

# ---------------------------------------------------------------- helpers


def _applicant(request: HttpRequest):
    """Submitting and the list of my cases are the applicant's; staff work through the window pages."""
    if not request.user.is_applicant:
        raise Http404
    return request.user


def _detail_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:detail", args=[case.number])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------- submit


@dataclass
class SubmitMaterial:
    """One material of the draft as it would be filed: its state and what the applicant still has to do."""

    line: MaterialLine
    state: str  # uploaded, provided (exempt, generated, produced, pushed), committed, deferrable (容缺 asked), missing
    upload: Any = None
    commitment: Any = None

    @property
    def colour(self) -> str:
        return {"uploaded": "green", "provided": "green", "committed": "green", "deferrable": "amber"}.get(
            self.state, "red"
        )


def _submit_materials(check: services.SubmissionCheck, missing: dict[str, str]) -> list[SubmitMaterial]:
    """What will be filed, by the one materials rule (guidance.materials): the applicant's own materials with their
    file, commitment or 容缺; the ones not from the applicant with the reason; an 'if it applies' one when uploaded."""
    rows = []
    for line in check.notice.materials:
        if line.status in services.NOT_FROM_APPLICANT:
            rows.append(SubmitMaterial(line, "provided"))
        elif line.key in check.uploads and line.uploadable:
            rows.append(SubmitMaterial(line, "uploaded", upload=check.uploads[line.key]))
        elif not line.to_upload:
            continue  # only in some situations and not uploaded, or not needed: not part of what is filed
        elif line.key in check.commitments and line.commitment_allowed:
            rows.append(SubmitMaterial(line, "committed", commitment=check.commitments[line.key]))
        elif line.key in missing:
            rows.append(SubmitMaterial(line, "missing"))
        else:
            rows.append(SubmitMaterial(line, "deferrable"))
    return rows


def _delivery_form(one_thing, draft: ApplicationDraft, data=None):
    from results.forms import filing_delivery_form

    return filing_delivery_form(one_thing, draft.values or {}, data)


def _render_submit(
    request: HttpRequest,
    draft: ApplicationDraft,
    *,
    field_errors: dict[str, str] | None = None,
    missing: dict[str, str] | None = None,
    delivery_form=None,
    status: int = 200,
) -> HttpResponse:
    check = services.check_submission(draft)
    field_errors = check.field_errors if field_errors is None else field_errors
    missing = check.missing if missing is None else missing
    code = check.one_thing.code
    labels = {f.key: f.label for f in check.form.fields}
    open_case = services.open_case_of(draft.user, check.one_thing)
    context = {
        "one_thing": check.one_thing,
        "notice": check.notice,
        "check": check,
        "open_case": open_case,
        "open_case_url": _detail_url(open_case) if open_case else "",
        "ok": not field_errors and not missing and open_case is None,
        "field_errors": [(key, labels.get(key, key), message) for key, message in field_errors.items()],
        "missing": missing,
        "materials": _submit_materials(check, missing),
        "form": SubmitForm(initial={"submission_key": new_submission_key()}),
        "delivery_form": delivery_form or _delivery_form(check.one_thing, draft),
        "form_url": reverse("oneform:form", args=[code]),
        "materials_url": reverse("materials:page", args=[code]),
    }
    return render(request, "cases/submit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str) -> HttpResponse:
    """GET: what will be filed and what still stops it. POST: file it as one case (once, whatever the retries)."""
    user = _applicant(request)
    one_thing = guidance_queries.get_guide_one_thing(code)
    form = SubmitForm(request.POST) if request.method == "POST" else None
    key = form.cleaned_data["submission_key"] if form is not None and form.is_valid() else ""
    if key:  # a repeated POST after the first went through (the draft is closed by now): the same case
        existing = queries.restrict(user).filter(submission_key=key).first()
        if existing is not None:
            _say_submitted(request, existing)  # a double click's second request may be the page the browser shows
            return redirect(_detail_url(existing))
    draft = find_draft(user, one_thing)
    if draft is None:
        messages.info(request, _("There is no application to submit yet: start with the guide."))
        return redirect("guidance:guide", code=one_thing.code)
    if request.method == "GET":
        return _render_submit(request, draft)
    if not key:
        messages.error(request, _("The submission could not be identified; reload the page and submit again."))
        return redirect("cases:submit", code=one_thing.code)
    from results.forms import choose_delivery_from
    from results.services import FieldErrors

    delivery = _delivery_form(one_thing, draft, request.POST)
    if not delivery.is_valid():
        messages.error(request, _("Please say how you want to receive the results."))
        return _render_submit(request, draft, delivery_form=delivery, status=400)
    try:
        with transaction.atomic():  # the case and the way of receiving its results, together or not at all
            case = services.do_submit_case(draft, key, acting_user=user, ip=client_ip(request))
            choose_delivery_from(delivery, case, acting_user=user, ip=client_ip(request))
    except FieldErrors:
        messages.error(request, _("Please say how you want to receive the results."))
        return _render_submit(request, draft, delivery_form=delivery, status=400)
    except services.SubmissionIncomplete as exc:
        messages.error(request, exc.message)
        return _render_submit(request, draft, field_errors=exc.field_errors, missing=exc.missing_materials)
    except services.DuplicateOpenCase:  # the page says which case, with its link
        return _render_submit(request, draft)
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect("cases:submit", code=one_thing.code)
    _say_submitted(request, case)
    return redirect(_detail_url(case))


def _say_submitted(request: HttpRequest, case: Case) -> None:
    """The confirmation with the case number, once, however many requests the submission took."""
    text = _("Your application was submitted. Case number %(number)s; keep it for your records.") % {
        "number": case.number
    }
    queued = messages.get_messages(request)
    already = any(str(m) == text for m in queued)
    queued.used = False  # only looked at: still shown on the next page
    if not already:
        messages.success(request, text)


# ---------------------------------------------------------------- my cases


@dataclass
class CaseRow:
    case: Case
    todo: list[str] = field(default_factory=list)  # what is expected of the applicant now


def _todo(case: Case, open_notices: list[CorrectionNotice], deferred: list[CaseMaterial]) -> list[str]:
    todo = []
    if case.status == CaseStatus.CORRECTION and open_notices:
        todo.append(
            _("Correct %(count)d point(s) listed in the correction notice, then resubmit.")
            % {"count": len(open_notices[-1].points)}
        )
    if case.status in (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS):
        for material in deferred:
            todo.append(
                _("Supply “%(name)s” by %(date)s.")
                % {"name": material.name, "date": f"{material.deferred_until:%Y-%m-%d}"}
            )
    return todo


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """The applicant's cases, newest first; a constant number of queries whatever their number."""
    user = _applicant(request)
    cases = queries.with_items(queries.restrict(user)).prefetch_related(
        Prefetch(
            "materials",
            queryset=CaseMaterial.objects.filter(state=MaterialState.DEFERRED).order_by("deferred_until", "order"),
            to_attr="deferred_materials",
        ),
        Prefetch(
            "corrections",
            queryset=CorrectionNotice.objects.filter(answered_at__isnull=True).order_by("round"),
            to_attr="open_notices",
        ),
    )
    rows = [CaseRow(c, _todo(c, c.open_notices, c.deferred_materials)) for c in cases]
    return render(request, "cases/list.html", {"rows": rows})


# ---------------------------------------------------------------- the case page


@dataclass
class FieldPoint:
    """A form field the correction notice lists: the value as it stands, the reason, a message after a check."""

    key: str
    name: str
    reason: str
    value: str
    field: MergedField | None
    error: str = ""


@dataclass
class MaterialPoint:
    key: str
    name: str
    reason: str
    material: CaseMaterial | None
    replaced: bool  # a new file came in since the notice was issued
    missing: str = ""  # the message after a refused resubmission


def _correction(
    case: Case,
    notice: CorrectionNotice | None,
    events: list[CaseEvent],
    materials: dict[str, CaseMaterial],
    field_errors: dict[str, str],
    missing: dict[str, str],
) -> tuple[list[FieldPoint], list[MaterialPoint]]:
    if notice is None:
        return [], []
    field_keys = notice.keys(PointKind.FIELD)
    fields = {f.key: f for f in services.case_form(case, only=field_keys).fields} if field_keys else {}
    replaced = {
        e.detail.get("material") for e in events if e.action == CaseAction.REPLACE_MATERIAL and e.at >= notice.issued_at
    }
    field_points, material_points = [], []
    for point in notice.points:
        key = point["key"]
        if point["kind"] == PointKind.FIELD:
            field_points.append(
                FieldPoint(
                    key,
                    point["name"],
                    point["reason"],
                    str(case.values.get(key, "") or ""),
                    fields.get(key),
                    field_errors.get(key, ""),
                )
            )
        else:
            material_points.append(
                MaterialPoint(
                    key,
                    point["name"],
                    point["reason"],
                    materials.get(key),
                    key in replaced,
                    missing.get(key, ""),
                )
            )
    return field_points, material_points


def _detail_context(
    request: HttpRequest,
    case: Case,
    *,
    field_errors: dict[str, str] | None = None,
    missing: dict[str, str] | None = None,
    withdraw_form: WithdrawForm | None = None,
    supplement_errors: dict[int, str] | None = None,
) -> dict:
    materials = list(case.materials.select_related("material_type").order_by("order", "id"))
    by_key = {m.material_type.key: m for m in materials}
    events = list(case.events.order_by("at", "id"))
    notice = services.open_correction(case)
    is_applicant = request.user.pk == case.applicant_id
    field_points, material_points = _correction(case, notice, events, by_key, field_errors or {}, missing or {})
    items = list(case.items.all())
    answers = list(SupplementAnswer.objects.filter(item__case=case).select_related("item"))
    errors = supplement_errors or {}
    return {
        "case": case,
        "items": items,
        # 补充材料: what each department asks for now (its words, once), with a reply box and an upload
        "supplements": [(i, errors.get(i.pk, "")) for i in items if i.status == ItemStatus.SUPPLEMENT],
        "supplement_answers": answers,
        "materials": materials,
        "events": events,
        "notice": notice,
        "field_points": field_points,
        "material_points": material_points,
        "is_applicant": is_applicant,
        "awaiting_review": case.status == CaseStatus.SUBMITTED,
        "can_withdraw": is_applicant and services.can_withdraw(case),
        "can_supply": is_applicant and rules.is_allowed(case.status, CaseAction.SUPPLY_DEFERRED),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "file_form": FileForm(),
        "receipt": _receipt(case, materials) if case.received_at else None,
    }


def _render_detail(request: HttpRequest, case: Case, status: int = 200, **kwargs) -> HttpResponse:
    return render(request, "cases/detail.html", _detail_context(request, case, **kwargs), status=status)


@dataclass
class Receipt:
    """收件回执: what the window received, and what is still to come."""

    case: Case
    applicant_id: str
    received: list[CaseMaterial]
    committed: list[CaseMaterial]
    deferred: list[CaseMaterial]
    exempt: list[CaseMaterial]
    provided: list[CaseMaterial]  # generated from the one form, produced by another item, pushed by a department
    received_by: str


PROVIDED_STATES = (MaterialState.GENERATED, MaterialState.PRODUCED, MaterialState.PUSHED)


def _masked(id_number: str) -> str:
    return f"{id_number[:4]}{'*' * (len(id_number) - 8)}{id_number[-4:]}" if len(id_number) > 8 else id_number


def _receipt(case: Case, materials: list[CaseMaterial]) -> Receipt:
    applicant = case.applicant
    return Receipt(
        case=case,
        applicant_id=applicant.credit_code or _masked(applicant.id_number or ""),
        received=[m for m in materials if m.state in (MaterialState.UPLOADED, MaterialState.PAPER)],
        committed=[m for m in materials if m.state == MaterialState.COMMITTED],
        deferred=[m for m in materials if m.state == MaterialState.DEFERRED],
        exempt=[m for m in materials if m.state == MaterialState.EXEMPT],
        provided=[m for m in materials if m.state in PROVIDED_STATES],
        received_by=str(case.received_by) if case.received_by_id else "",
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = queries.get_case(request.user, number)
    return _render_detail(request, case)


@login_required
@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The printable receipt alone (the applicant, and staff who may view the case)."""
    case = queries.get_case(request.user, number)
    materials = list(case.materials.select_related("material_type").order_by("order", "id"))
    context = {
        "case": case,
        "items": list(case.items.all()),
        "receipt": _receipt(case, materials) if case.received_at else None,
    }
    return render(request, "cases/receipt.html", context)


# ---------------------------------------------------------------- correction, resubmission, deferred materials


@login_required
@require_POST
def correct(request: HttpRequest, number: str) -> HttpResponse:
    """Keep the corrected field values as typed, then show what is still wrong with them."""
    case = queries.get_case(request.user, number)
    notice = services.open_correction(case)
    keys = notice.keys(PointKind.FIELD) if notice else set()
    values = {key: request.POST[key] for key in keys if key in request.POST}
    try:
        changed = services.do_save_correction(case, values, acting_user=request.user, ip=client_ip(request))
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(case, "correction"))
    case = queries.get_case(request.user, number)
    errors = validate_values(services.case_form(case, only=keys), case.values) if keys else {}
    if errors:
        messages.warning(
            request,
            _("Saved. %(count)d field(s) still need attention; see the messages beside them.") % {"count": len(errors)},
        )
        return _render_detail(request, case, field_errors=errors)
    if changed:
        messages.success(request, _("Your corrections were saved. Resubmit once every point is dealt with."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(_detail_url(case, "correction"))


@login_required
@require_POST
def upload(request: HttpRequest, number: str, material_key: str) -> HttpResponse:
    """A file for a material of the case: a replacement the correction notice asks for, or a 容缺 material due."""
    case = queries.get_case(request.user, number)
    material = case.materials.select_related("material_type").filter(material_type__key=material_key).first()
    if material is None:
        raise Http404
    back = _detail_url(case, f"m-{material_key}")
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect(back)
    supply = (
        services.do_supply_deferred_material
        if material.state == MaterialState.DEFERRED
        else services.do_replace_case_material
    )
    try:
        stored = supply(
            case, material.material_type, form.cleaned_data["file"], acting_user=request.user, ip=client_ip(request)
        )
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(file)s” was received for %(material)s.") % {"file": stored.original_name, "material": stored.name},
        )
    return redirect(back)


@login_required
@require_POST
def resubmit(request: HttpRequest, number: str) -> HttpResponse:
    case = queries.get_case(request.user, number)
    try:
        services.do_resubmit_case(case, acting_user=request.user, ip=client_ip(request))
    except services.SubmissionIncomplete as exc:
        messages.error(request, exc.message)
        return _render_detail(request, case, field_errors=exc.field_errors, missing=exc.missing_materials)
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(case))
    messages.success(request, _("Your corrections were resubmitted; the window will review them."))
    return redirect(_detail_url(case))


# ---------------------------------------------------------------- withdrawal


@login_required
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    case = queries.get_case(request.user, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, case, withdraw_form=form)
    try:
        services.do_withdraw_case(case, form.cleaned_data["reason"], acting_user=request.user, ip=client_ip(request))
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The application was withdrawn."))
    return redirect(_detail_url(case))


# ---------------------------------------------------------------- files


@login_required
@require_GET
def material_file(request: HttpRequest, number: str, material_key: str) -> FileResponse:
    """The stored file of one material of the case, shown inline under its original name (made safe, with the
    extension of its type, materials.filecheck.download_name); never cached, never sniffed by the browser.

    Staff with case.materials get every file; a department reviewer or a lead department gets the files its own
    department's items need, through the tasks' door."""
    case = queries.find_case(request.user, number, "case.materials")
    if case is not None:
        material = case.materials.filter(material_type__key=material_key).exclude(file="").first()
    else:
        from approvals.queries import find_visible_material

        material = find_visible_material(request.user, number, material_key)
    if material is None:
        raise Http404
    return _stored_file(material.file, material.original_name, material.content_type)


def _stored_file(file, original_name: str, content_type: str) -> FileResponse:
    """A stored upload, inline under its original name made safe (with the extension of its type); never cached,
    never sniffed by the browser."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = content_type if content_type in ACCEPTED_TYPES else "application/octet-stream"
    response = FileResponse(
        handle, content_type=content_type, filename=download_name(original_name or file.name, content_type)
    )
    return private_file_headers(response)


# ---------------------------------------------------------------- 补充材料: answering a department's request


@login_required
@require_POST
def answer_supplement(request: HttpRequest, number: str, item_pk: str) -> HttpResponse:
    """The applicant answers a request for a supplement with a reply and/or a file; the item's clock resumes."""
    from approvals.services import do_answer_supplement
    from core.errors import ConflictError
    from core.fields import parse_id

    case = queries.get_case(request.user, number)
    item = case.items.filter(pk=parse_id(item_pk) or 0).first() if request.user.pk == case.applicant_id else None
    if item is None:
        raise Http404
    try:
        do_answer_supplement(
            item,
            request.POST.get("reply", ""),
            request.FILES.get("file"),
            acting_user=request.user,
            ip=client_ip(request),
        )
    except UserFacingError as exc:
        messages.error(request, exc.message)
        status = 409 if isinstance(exc, ConflictError) else 400
        return _render_detail(
            request, queries.get_case(request.user, number), status, supplement_errors={item.pk: exc.message}
        )
    messages.success(
        request,
        _("Your answer was sent to %(department)s; the time limit runs again.") % {"department": item.department},
    )
    return redirect(_detail_url(case) + "#supplements")


@login_required
@require_GET
def supplement_file(request: HttpRequest, number: str, answer_pk: str) -> FileResponse:
    """The file of a supplement answer: the applicant, staff with case.materials, and the item's own department."""
    from approvals.queries import restrict_items
    from core.fields import parse_id

    answer = (
        SupplementAnswer.objects.select_related("item__case")
        .filter(pk=parse_id(answer_pk) or 0, item__case__number=number)
        .exclude(file="")
        .first()
    )
    allowed = answer is not None and (
        queries.find_case(request.user, number, "case.materials") is not None
        or restrict_items(request.user, "task.decide").filter(pk=answer.item_id).exists()
    )
    if not allowed:
        raise Http404
    return _stored_file(answer.file, answer.original_name, answer.content_type)
