"""The results pages, under /results/.

verify (results:verify)
    Public e-licence verification (电子证照核验), `?n=<number>&c=<code>`: title, number, the holder's name masked,
    issue date, validity and status, and nothing unless number and code match.
mine (results:mine), licence_download (results:licence_download)
    The applicant's e-licences (个人中心) and the PDF of one to keep or print (results/documents.py).
delivery (results:delivery)
    The applicant's way of receiving the results of a case (统一领取 / 分别领取; window, post, download), what is
    ready and what was delivered.
window (results:window), deliver (results:deliver), archive (results:archive)
    The certificate window (发证窗口): cases whose results are ready, oldest first, each with a form to record the
    delivery; cases to archive.

Cases are read through cases.queries (STYLE.md §9): a case of another region and a number that does not exist give
the same 404. Refusals become messages beside the fields, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import holds, may
from cases import queries as case_queries
from cases.choices import CaseAction
from cases.models import Case, CaseItem
from core.errors import UserFacingError
from core.http import client_ip
from core.pdf import pdf_response
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from . import documents, queries, rules, services
from .forms import ArchiveForm, DeliveryChoiceForm, RecordDeliveryForm, VerifyForm
from .models import Delivery, ELicence

QUEUE_LIMIT = 200


def _show_errors(request: HttpRequest, form, exc: UserFacingError) -> None:
    """Field-level refusals beside their fields; anything else as a message at the top."""
    errors = getattr(exc, "errors", None)
    if not errors:
        messages.error(request, exc.message)
        return
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


# ---------------------------------------------------------------- verification (public)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid() and (form.cleaned_data["n"] or form.cleaned_data["c"]):
        result = queries.verify(form.cleaned_data["n"], form.cleaned_data["c"])
    return render(request, "results/verify.html", {"form": form, "result": result})


# ---------------------------------------------------------------- the applicant's e-licences


def _applicant(request: HttpRequest):
    if not request.user.is_applicant:
        raise Http404
    return request.user


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = _applicant(request)
    licences = list(ELicence.objects.filter(holder=user).select_related("department", "case"))
    rows = [{"licence": licence, "verify_url": documents.verification_url(request, licence)} for licence in licences]
    return render(request, "results/mine.html", {"rows": rows, "today": timezone.localdate()})


@login_required
@require_GET
def licence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The licence as a PDF (the holder only; anyone else: 404)."""
    licence = (
        ELicence.objects.select_related("department", "holder", "item", "case")
        .filter(pk=pk, holder=request.user)
        .first()
    )
    if licence is None:
        raise Http404
    return pdf_response(documents.stored_licence_pdf(licence), documents.licence_filename(licence, "pdf"), inline=False)


# ---------------------------------------------------------------- the applicant's way of receiving results


def _delivery_context(request: HttpRequest, case: Case, form: DeliveryChoiceForm) -> dict:
    choice = queries.choice_for(case)
    deliveries = list(
        Delivery.objects.filter(case=case).prefetch_related(
            Prefetch("items", queryset=CaseItem.objects.order_by("order", "id"))
        )
    )
    started = bool(deliveries)
    return {
        "case": case,
        "choice": choice,
        "form": form,
        "ready": queries.ready_for_delivery(case),
        "deliveries": deliveries,
        "licences": list(ELicence.objects.filter(case=case).select_related("item")),
        "may_choose": may(request.user, "case.change_application", case)
        and rules.is_allowed(case.status, CaseAction.CHOOSE_DELIVERY)
        and not started,
        "started": started,
    }


@login_required
@require_http_methods(["GET", "POST"])
def delivery(request: HttpRequest, number: str) -> HttpResponse:
    case = case_queries.get_case(request.user, number)
    methods = queries.offered_methods(case)
    if request.method == "GET":
        choice = queries.choice_for(case)
        initial = {"mode": choice.mode, "method": choice.method, "address": choice.address}
        initial |= {"recipient": choice.recipient, "phone": choice.phone}
        if choice.pk is None:  # what the applicant typed in the one form's 送达 section, if it had one
            values = case.values or {}
            initial |= {
                "address": values.get("delivery.address", ""),
                "recipient": values.get("delivery.recipient", ""),
                "phone": values.get("delivery.recipient_mobile", ""),
            }
        form = DeliveryChoiceForm(initial=initial, methods=methods)
        return render(request, "results/delivery.html", _delivery_context(request, case, form))
    form = DeliveryChoiceForm(request.POST, methods=methods)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.do_choose_delivery(
                case,
                data["mode"],
                data["method"],
                data["address"],
                data["recipient"],
                data["phone"],
                acting_user=request.user,
                ip=client_ip(request),
            )
        except UserFacingError as exc:
            _show_errors(request, form, exc)
        else:
            messages.success(request, _("Your choice was saved."))
            return redirect("results:delivery", number=case.number)
    case = case_queries.get_case(request.user, number)
    return render(request, "results/delivery.html", _delivery_context(request, case, form), status=400)


# ---------------------------------------------------------------- the certificate window


@dataclass
class ReadyRow:
    case: Case
    choice: object
    ready: list[CaseItem]
    since: object
    form: RecordDeliveryForm
    items: list[CaseItem] = field(default_factory=list)
    due: object = None  # queries.delivery_due: same-day delivery for post and download
    due_problem: str = ""  # why no due date could be computed (an unconfigured calendar year)


def _window_user(request: HttpRequest):
    user = request.user
    if not (user.is_authenticated and user.is_staff_member):
        raise Http404
    may_deliver = holds(user, "result.deliver")
    may_archive = holds(user, "result.archive")
    if not (may_deliver or may_archive):
        raise Http404
    return user, may_deliver, may_archive


def _with_results(cases):
    return cases.select_related("delivery_choice", "one_thing__lead_department").prefetch_related(
        Prefetch("items", queryset=CaseItem.objects.select_related("department").order_by("order", "id"))
    )


def _ready_rows(user, forms: dict[int, RecordDeliveryForm]) -> list[ReadyRow]:
    """Cases of the user's regions with results ready per the applicant's choice, the longest waiting first."""
    undelivered = Q(items__status__in=rules.DELIVERABLE_ITEM_STATUSES, items__delivered__isnull=True)
    candidates = case_queries.restrict(user, "result.deliver").filter(undelivered, received_at__isnull=False)
    cases = list(_with_results(candidates.distinct().order_by("id"))[:QUEUE_LIMIT])
    delivered = queries.delivered_item_ids(cases)
    calendar = WorkingCalendar()
    rows = []
    for case in cases:
        items = list(case.items.all())
        choice = queries.choice_for(case)
        ready = queries.readiness(case, items, delivered, choice)
        if not ready:
            continue
        initial = {"items": [str(i.pk) for i in ready], "method": choice.method, "recipient_name": choice.recipient}
        form = forms.get(case.pk) or RecordDeliveryForm(ready=ready, initial=initial, prefix=f"c{case.pk}")
        row = ReadyRow(case, choice, ready, queries.ready_since(case, items, ready), form, items)
        try:
            row.due = queries.delivery_due(row.since, choice.method, calendar)
        except CalendarNotConfigured as exc:
            row.due_problem = exc.message
        rows.append(row)
    # what falls due first (same-day posting and downloads), then the longest waiting
    rows.sort(key=lambda r: (r.due or r.since or timezone.now(), r.case.pk))
    return rows


def _archive_rows(user) -> list[dict]:
    """Ended cases of the user's regions (the lead department: its own) with every result delivered."""
    cases = case_queries.restrict(user, "result.archive").filter(
        status__in=rules.ENDED_CASE_STATUSES, archive__isnull=True
    )
    cases = list(_with_results(cases.order_by("updated_at", "id"))[:QUEUE_LIMIT])
    delivered = queries.delivered_item_ids(cases)
    rows = []
    for case in cases:
        items = list(case.items.all())
        if any(i.status in rules.DELIVERABLE_ITEM_STATUSES and i.pk not in delivered for i in items):
            continue
        if may(user, "result.archive", case):
            rows.append({"case": case, "items": items, "form": ArchiveForm(prefix=f"a{case.pk}")})
    return rows


def _render_window(
    request: HttpRequest, forms: dict[int, RecordDeliveryForm] | None = None, status: int = 200
) -> HttpResponse:
    user, may_deliver, may_archive = _window_user(request)
    context = {
        "rows": _ready_rows(user, forms or {}) if may_deliver else [],
        "archive_rows": _archive_rows(user) if may_archive else [],
        "may_deliver": may_deliver,
        "may_archive": may_archive,
    }
    return render(request, "results/window.html", context, status=status)


@login_required
@require_GET
def window(request: HttpRequest) -> HttpResponse:
    return _render_window(request)


@login_required
@require_POST
def deliver(request: HttpRequest, number: str) -> HttpResponse:
    _window_user(request)
    case = case_queries.get_case(request.user, number, "result.deliver")
    ready = queries.ready_for_delivery(case)
    form = RecordDeliveryForm(request.POST, ready=ready, prefix=f"c{case.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            delivery = services.do_record_delivery(
                case,
                [int(pk) for pk in data["items"]],
                data["method"],
                data["tracking_number"],
                data["recipient_name"],
                acting_user=request.user,
                ip=client_ip(request),
            )
        except UserFacingError as exc:
            if not ready:
                messages.error(request, exc.message)
                return redirect("results:window")
            _show_errors(request, form, exc)
        else:
            messages.success(
                request,
                _("Delivery of case %(number)s recorded; proof of delivery %(proof)s.")
                % {"number": case.number, "proof": delivery.proof_number},
            )
            return redirect(reverse("results:window"))
    elif not ready:
        messages.error(request, _("Case %(number)s has no result waiting for delivery.") % {"number": case.number})
        return redirect("results:window")
    messages.error(
        request,
        _("The delivery of case %(number)s was not recorded; see the messages beside the fields.")
        % {"number": case.number},
    )
    return _render_window(request, {case.pk: form}, status=400)


@login_required
@require_POST
def archive(request: HttpRequest, number: str) -> HttpResponse:
    _window_user(request)
    case = case_queries.get_case(request.user, number, "result.archive")
    form = ArchiveForm(request.POST, prefix=f"a{case.pk}")
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect("results:window")
    try:
        services.do_archive_case(case, form.cleaned_data["note"], acting_user=request.user, ip=client_ip(request))
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Case %(number)s archived.") % {"number": case.number})
    return redirect("results:window")
