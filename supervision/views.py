"""Supervision pages (电子监察), under /supervision/.

dashboard (supervision:dashboard)
    The figures of a region and period (filters: region, period, one-thing, department), each a link to the cases
    behind it; charts (trend, by department, by one-thing, clocks) drawn by the vendored ECharts from the same data
    as the table under each; the open 督办; the report to download (JSON, Excel, PDF).
cases (supervision:cases)
    The rows behind one figure (`figure` = a key of figures.FIGURES), with the same filters; an open item of the
    user's region can be escalated (督办) from here.
escalate / answer / close (POST)
    督办 through supervision.services; a refusal is a message, never a 500.

Only holders of supervision.view see the dashboard (404 for everyone else); the regions offered are those the grant
covers (accounts.permissions.regions_for), and a region outside them is a 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import holds, regions_below, regions_for, restrict
from cases.models import CaseItem
from catalog.models import OneThing
from core.errors import UserFacingError
from core.http import safe_next
from regions.models import Department, Region

from . import effect
from . import report as reports
from .choices import EscalationStatus
from .figures import BY_KEY, FIGURES, ITEM, MEDIANS, RATES, Filters, figures, figures_by, grid, rows_of, trend
from .forms import AnswerForm, EscalateForm, FilterForm
from .models import Escalation, ItemFact
from .services import AnswerRefused, do_answer_escalation, do_close_escalation, do_escalate_item


def _supervisor(request: HttpRequest) -> User:
    user = request.user
    if not (user.is_authenticated and holds(user, "supervision.view")):
        raise Http404
    assert isinstance(user, User)
    return user


def _regions(user: User):
    """The regions the user may supervise, counties' parents first (province, cities, counties)."""
    level_order = {"province": 0, "city": 1, "county": 2}
    regions = list(regions_for(user, "supervision.view").filter(level__in=list(level_order)))
    return sorted(regions, key=lambda r: (level_order.get(r.level, 3), r.code))


def _filters(request: HttpRequest, user: User) -> tuple[FilterForm, Region, Filters]:
    regions = _regions(user)
    if not regions:
        raise Http404
    chosen_pk = request.GET.get("region") or str(regions[0].pk)
    region = next((r for r in regions if str(r.pk) == chosen_pk), None)
    if region is None:
        raise Http404
    below = regions_below([region.pk])
    names: dict[str, str] = {}
    for code, name in (
        OneThing.objects.filter(region_id__in=sorted(below), is_template=False)
        .exclude(status="listed")
        .order_by("code", "version")
        .values_list("code", "name")
    ):
        names[code] = name  # the latest version's name
    one_things = sorted(names.items())
    departments = Department.objects.filter(region_id__in=sorted(below)).order_by("region__code", "code")
    form = FilterForm(request.GET or None, regions=regions, one_things=one_things, departments=departments)
    data = {"start": None, "end": None, "one_thing": "", "department": ""}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    else:
        data = FilterForm({}, regions=regions, one_things=one_things, departments=departments)
        data.is_valid()
        data = data.cleaned_data
    department = int(data["department"]) if data.get("department") else None
    filters = Filters(
        regions=below,
        start=data["start"],
        end=data["end"],
        one_thing=data.get("one_thing") or "",
        department=department,
        now=timezone.now(),
    )
    return form, region, filters


def _query(region: Region, filters: Filters, **extra) -> str:
    params = {"region": region.pk, "start": filters.start.isoformat(), "end": filters.end.isoformat()}
    if filters.one_thing:
        params["one_thing"] = filters.one_thing
    if filters.department:
        params["department"] = filters.department
    params.update(extra)
    return urlencode(params)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    form, region, filters = _filters(request, user)
    g = grid(filters)
    fig = figures(filters, g)
    drill = reverse("supervision:cases")
    tiles = [
        {"key": f.key, "label": f.label, "value": fig[f.key], "clause": f.clause, "now": f.period is None,
         "url": f"{drill}?{_query(region, filters, figure=f.key)}"}
        for f in FIGURES
    ]  # fmt: skip
    rates = [{"key": r.key, "label": r.label, "value": fig[r.key]} for r in RATES]
    medians = [{"key": m.key, "label": m.label, "value": fig[m.key]} for m in MEDIANS]
    by_department = figures_by("department", filters, g)
    names = dict(Department.objects.filter(pk__in=by_department).values_list("pk", "name"))
    department_rows = sorted(
        ({"name": names[pk], "pk": pk, **row} for pk, row in by_department.items()), key=lambda r: -r["received"]
    )
    by_thing = figures_by("one_thing", filters, g)
    thing_names = reports.one_thing_names(by_thing, filters.regions)
    thing_rows = sorted(
        ({"name": thing_names.get(code, code), "code": code, **row} for code, row in by_thing.items()),
        key=lambda r: -r["received"],
    )
    by_item = figures_by("item", filters, g)
    from catalog.models import ServiceItem

    item_names = dict(ServiceItem.objects.filter(pk__in=by_item).values_list("pk", "name"))
    item_rows = sorted(({"name": item_names[pk], **row} for pk, row in by_item.items()), key=lambda r: -r["received"])[
        :30
    ]
    days = trend(filters, g)
    clocks = [
        {"name": _("Formal review"), "on_time": fig["review_on_time"], "late": fig["review_late"],
         "on_time_key": "review_on_time", "late_key": "review_late"},
        {"name": _("Acceptance"), "on_time": fig["acceptance_on_time"], "late": fig["acceptance_late"],
         "on_time_key": "acceptance_on_time", "late_key": "acceptance_late"},
        {"name": _("Decision"), "on_time": fig["decision_on_time"], "late": fig["decision_late"],
         "on_time_key": "decision_on_time", "late_key": "decision_late"},
        {"name": _("Delivery"), "on_time": fig["delivery_on_time"], "late": fig["delivery_late"],
         "on_time_key": "delivery_on_time", "late_key": "delivery_late"},
    ]  # fmt: skip
    for c in clocks:
        c["on_time_url"] = f"{drill}?{_query(region, filters, figure=c['on_time_key'])}"
        c["late_url"] = f"{drill}?{_query(region, filters, figure=c['late_key'])}"
    charts = {
        "labels": {"received": _("Items received"), "completed": _("Completed (decided)"), "on_time": _("On time"),
                   "late": _("Late"), "overdue": _("Overdue now")},
        "trend": days,
        "departments": [{"name": r["name"], "received": r["received"], "completed": r["completed"],
                         "overdue": r["overdue_open"]} for r in department_rows[:15]],
        "one_things": [{"name": r["name"], "received": r["received"], "completed": r["completed"]}
                       for r in thing_rows[:15]],
        "clocks": [{"name": str(c["name"]), "on_time": c["on_time"], "late": c["late"]} for c in clocks],
    }  # fmt: skip
    effect_rows = [
        {"name": thing_names.get(r.one_thing_code) or reports.one_thing_names([r.one_thing_code], filters.regions).get(
            r.one_thing_code, r.one_thing_code), "row": r}
        for r in effect.assess(filters)
    ]  # fmt: skip
    escalations = (
        Escalation.objects.filter(
            case__region_id__in=sorted(filters.regions), status__in=(EscalationStatus.OPEN, EscalationStatus.ANSWERED)
        )
        .select_related("item__department", "case")
        .order_by("status", "-raised_at")[:20]
    )
    return render(
        request,
        "supervision/dashboard.html",
        {
            "form": form,
            "region": region,
            "filters": filters,
            "tiles": tiles,
            "rates": rates,
            "medians": medians,
            "department_rows": department_rows,
            "thing_rows": thing_rows,
            "item_rows": item_rows,
            "trend": days,
            "clocks": clocks,
            "charts": charts,
            "escalations": escalations,
            "effect_rows": effect_rows,
            "targets": effect.TARGETS,
            "query": _query(region, filters),
        },
    )


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    user = _supervisor(request)
    form, region, filters = _filters(request, user)
    figure = BY_KEY.get(request.GET.get("figure", ""))
    if figure is None:
        raise Http404
    qs = rows_of(figure, filters)
    if figure.subject == ITEM:
        qs = qs.select_related("case", "department", "item").order_by("-received_at", "item_id")
    else:
        qs = qs.select_related("case__one_thing").order_by("-submitted_at", "case_id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    first_items: dict[int, int] = {}
    if figure.subject != ITEM:
        for case_id, item_id in (
            ItemFact.objects.filter(case_id__in=[r.case_id for r in rows])
            .order_by("item_id")
            .values_list("case_id", "item_id")
        ):
            first_items.setdefault(case_id, item_id)
    open_escalations = set(
        Escalation.objects.filter(
            item_id__in=[getattr(r, "item_id", 0) for r in rows], status=EscalationStatus.OPEN
        ).values_list("item_id", flat=True)
    )
    escalatable = (
        set(
            restrict(
                user, "supervision.escalate", CaseItem.objects.filter(pk__in=[getattr(r, "item_id", 0) for r in rows])
            )
            .filter(status__in=("queued", "pre_review", "accepted", "supplement"))
            .values_list("pk", flat=True)
        )
        - open_escalations
    )
    return render(
        request,
        "supervision/cases.html",
        {
            "form": form,
            "region": region,
            "filters": filters,
            "figure": figure,
            "page": page,
            "rows": rows,
            "first_items": first_items,
            "escalatable": escalatable,
            "open_escalations": open_escalations,
            "escalate_form": EscalateForm(),
            "back": f"{reverse('supervision:dashboard')}?{_query(region, filters)}",
            "here": request.get_full_path(),
            "query": _query(region, filters, figure=figure.key),
        },
    )


@login_required
@require_POST
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _supervisor(request)
    item = restrict(user, "supervision.escalate", CaseItem.objects.all()).filter(pk=pk).first()
    if item is None:
        raise Http404
    back = safe_next(request, reverse("approvals:task", args=[item.pk]))
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the department must do (the 督办 note)."))
        return redirect(back)
    try:
        do_escalate_item(item, form.cleaned_data["note"], acting_user=user, ip=request.META.get("REMOTE_ADDR"))
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("督办 sent to %(department)s.") % {"department": item.department})
    return redirect(back)


def _escalation_for(user: User, action: str, pk: int) -> Escalation:
    escalation = Escalation.objects.select_related("item", "case").filter(pk=pk).first()
    if escalation is None or not restrict(user, action, CaseItem.objects.filter(pk=escalation.item_id)).exists():
        raise Http404
    return escalation


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    assert isinstance(user, User)
    escalation = _escalation_for(user, "supervision.answer", pk)
    back = safe_next(request, reverse("approvals:task", args=[escalation.item_id]))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        do_answer_escalation(
            escalation, form.cleaned_data["reason"], form.cleaned_data["new_due_on"], acting_user=user,
            ip=request.META.get("REMOTE_ADDR"),
        )  # fmt: skip
    except AnswerRefused as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("督办 answered; the supervisors are told."))
    return redirect(back)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user = _supervisor(request)
    escalation = _escalation_for(user, "supervision.escalate", pk)
    back = safe_next(request, reverse("supervision:dashboard"))
    try:
        do_close_escalation(escalation, request.POST.get("note", ""), acting_user=user)
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("督办 closed."))
    return redirect(back)


@login_required
@require_GET
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report (通报) of the chosen region and period: json, xlsx or pdf."""
    user = _supervisor(request)
    _form, region, filters = _filters(request, user)
    data = reports.build_report(region, filters.start, filters.end, now=filters.now)
    name = f"supervision-{region.code}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
    if fmt == "json":
        response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    elif fmt == "xlsx":
        response = HttpResponse(
            reports.to_xlsx(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    elif fmt == "pdf":
        response = HttpResponse(reports.to_pdf(data), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
