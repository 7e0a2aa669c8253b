"""The departments' workbench (部门工作台), under /tasks/.

index (approvals:index)
    The queue of the tasks the user may see (approvals.queries.restrict_items): by deadline (acceptance while
    awaiting acceptance, the decision once accepted; paused tasks after the running ones, done ones last, newest
    first); filters by state and by clock (GET `state`, `clock`); 50 per page; the same number of queries whatever
    the number of tasks. The tasks of the user's own department awaiting acceptance can be accepted together
    (batch_accept): each in its own transaction, with a message for each refusal.
task (approvals:task)
    One task: the case, the item's clocks and prerequisites, only the form values and materials the item uses
    (data minimisation), the case's timeline with internal notes, the actions its state allows for this user
    (POST approvals:act), and the joint inspections (联合勘验/评审) the lead department books and records.

Staff without task.view, applicants and anonymous users get 404, as does a task the user may not see. Every change
goes through approvals.services; a refusal is shown as a message (a state conflict answers 409), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Count, DateField, F, Prefetch, Q, QuerySet, Value, When, prefetch_related_objects
from django.db.models.functions import TruncDate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.permissions import Permit, holds, may, offered, only_supervises, permit
from cases import rules as case_rules
from cases.choices import ENDED_ITEM_STATUSES, CaseAction, ItemStatus
from cases.models import CaseEvent, CaseItem
from core.errors import ConflictError, UserFacingError
from core.fields import parse_id
from core.http import client_ip, safe_next
from core.routers import replica_reads
from workcalendar.clocks import ClockReading
from workcalendar.services import CalendarNotConfigured, WorkingCalendar

from . import forms, rules, scans, services
from .choices import InspectionStatus, TaskState
from .models import InspectionOutcome, JointInspection
from .queries import find_item, get_item, restrict_items, sees_item_data, visible_fields, visible_materials

PAGE_SIZE = 50
OPEN_STATUSES = (ItemStatus.QUEUED, ItemStatus.PRE_REVIEW, ItemStatus.ACCEPTED, ItemStatus.SUPPLEMENT)
STATE_STATUSES: dict[str, tuple[str, ...]] = {
    TaskState.QUEUED: (ItemStatus.QUEUED,),
    TaskState.PRE_REVIEW: (ItemStatus.PRE_REVIEW,),
    TaskState.ACCEPTED: (ItemStatus.ACCEPTED,),
    TaskState.PAUSED: (ItemStatus.SUPPLEMENT,),
    TaskState.DONE: tuple(ENDED_ITEM_STATUSES),
}


# ---------------------------------------------------------------- helpers


def _staff(request: HttpRequest) -> User:
    """The logged-in staff member if they hold a role allowed task.view; 404 for everyone else.

    The user's role assignments are loaded once here and serve every later check of the request."""
    user = request.user
    if not (user.is_authenticated and (user.is_staff_member or user.is_superuser)):
        raise Http404
    prefetch_related_objects([user], "roles")
    if not holds(user, "task.view"):
        raise Http404
    return user


# ---------------------------------------------------------------- the queue


@dataclass
class TaskRow:
    item: CaseItem
    reading: ClockReading | None
    problem: str = ""  # why the clock cannot be read (calendar not configured)
    selectable: bool = False  # may be accepted in a batch by this user

    @property
    def clock(self) -> str:
        return str(self.reading.state) if self.reading is not None else ""


def _ordered(items: QuerySet[CaseItem]) -> QuerySet[CaseItem]:
    """Running tasks by deadline (acceptance while queued, the decision once accepted), then paused ones, then done
    ones, newest first."""
    return items.annotate(
        queue_rank=CaseWhen(
            When(status__in=[ItemStatus.QUEUED, ItemStatus.PRE_REVIEW, ItemStatus.ACCEPTED], then=Value(0)),
            When(status=ItemStatus.SUPPLEMENT, then=Value(1)),
            default=Value(2),
        ),
        due_day=CaseWhen(
            When(
                status=ItemStatus.QUEUED,
                then=TruncDate("acceptance_due_at", tzinfo=timezone.get_current_timezone()),
            ),
            When(
                status__in=[ItemStatus.PRE_REVIEW, ItemStatus.ACCEPTED, ItemStatus.SUPPLEMENT],
                then=F("decision_due_on"),
            ),
            default=Value(None),
            output_field=DateField(),
        ),
    ).order_by(
        "queue_rank",
        F("due_day").asc(nulls_last=True),
        F("acceptance_due_at").asc(nulls_last=True),
        F("decided_at").desc(nulls_last=True),
        "case__number",
        "order",
        "pk",
    )


def _row(item: CaseItem, now, calendar: WorkingCalendar, decide: Permit) -> TaskRow:
    try:
        reading = services.item_clock(item, now, calendar)
        problem = ""
    except CalendarNotConfigured as exc:
        reading, problem = None, exc.message
    selectable = item.status == ItemStatus.QUEUED and decide.allows(item)
    return TaskRow(item, reading, problem, selectable)


def _querystring(**params: str) -> str:
    return urlencode({k: v for k, v in params.items() if v})


@login_required
@require_GET
@replica_reads(when=lambda request: only_supervises(request.user))  # supervisors' reads may lag (core.routers)
def index(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    filters = forms.TaskFilterForm(request.GET)
    state, clock = filters.value("state"), filters.value("clock")
    visible = restrict_items(user)
    counts = visible.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, statuses in STATE_STATUSES.items()},
    )
    items = _ordered(visible.filter(status__in=STATE_STATUSES.get(state, OPEN_STATUSES)))
    now = timezone.now()
    calendar = WorkingCalendar()  # one for the whole page: its overrides are read once
    decide = permit(user, "task.decide")
    if clock:  # in SQL, on the stored due dates, with the bounds the working calendar gives for now (scans)
        try:
            items = items.filter(scans.clock_filter(clock, now, calendar))
        except CalendarNotConfigured:  # the rows say why no clock can be read
            items = items.none()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page_rows = [_row(i, now, calendar, decide) for i in page.object_list]
    tabs = [("", _("Open"), counts["open"])] + [(key, label, counts[key]) for key, label in TaskState.choices]
    context = {
        "filters": filters,
        "state": state,
        "clock": clock,
        "tabs": [(key, label, count, _querystring(state=key, clock=clock)) for key, label, count in tabs],
        "clock_choices": [("", _("Any"), _querystring(state=state))]
        + [(key, label, _querystring(state=state, clock=key)) for key, label in forms.CLOCK_CHOICES],
        "page": page,
        "rows": page_rows,
        "selectable": any(r.selectable for r in page_rows),
        "filter_query": _querystring(state=state, clock=clock),
        "here": request.get_full_path(),
    }
    return render(request, "approvals/index.html", context)


@login_required
@require_POST
def batch_accept(request: HttpRequest) -> HttpResponse:
    """批量受理: each selected task accepted in its own transaction; the refusals are listed, the rest go through."""
    user = _staff(request)
    back = safe_next(request, reverse("approvals:index"))
    pks = list(dict.fromkeys(pk for pk in map(parse_id, request.POST.getlist("items")) if pk is not None))
    if not pks:
        messages.error(request, _("Select the tasks to accept."))
        return redirect(back)
    accepted, refused = [], []
    for pk in pks[:PAGE_SIZE]:
        item = find_item(user, pk)
        if item is None:
            refused.append(_("Task %(pk)d: no such task.") % {"pk": pk})
            continue
        label = f"{item.case.number} {item.name}"
        try:
            with transaction.atomic():
                services.do_accept_item(item, acting_user=user, ip=client_ip(request))
        except UserFacingError as exc:
            refused.append(f"{label}：{exc.message}")
        else:
            accepted.append(label)
    if accepted:
        messages.success(
            request,
            _("Accepted %(count)d task(s): %(items)s.") % {"count": len(accepted), "items": "、".join(accepted)},
        )
    for line in refused:
        messages.error(request, _("Not accepted: %(reason)s") % {"reason": line})
    return redirect(back)


# ---------------------------------------------------------------- one task


@dataclass(frozen=True)
class ActionSpec:
    """One department action on the task page: the rule it is checked against, its form and its service call."""

    key: str
    action: str  # CaseAction, as in rules.ITEM_ALLOWED_ACTIONS
    label: Any
    done: Any  # the success message
    make_form: Callable[..., django_forms.Form]
    run: Callable[[CaseItem, dict, User, str | None], Any]
    danger: bool = False


ACTIONS: dict[str, ActionSpec] = {
    spec.key: spec
    for spec in [
        ActionSpec(
            "accept",
            CaseAction.ACCEPT_ITEM,
            gettext_lazy("Accept"),
            gettext_lazy("Accepted; the time limit has started."),
            lambda data, item: forms.AcceptForm(data),
            lambda item, d, user, ip: services.do_accept_item(item, acting_user=user, ip=ip),
        ),
        ActionSpec(
            "refuse",
            CaseAction.REFUSE_ITEM,
            gettext_lazy("Do not accept"),
            gettext_lazy("Not accepted; the applicant is told the reasons."),
            lambda data, item: forms.RefuseForm(data),
            lambda item, d, user, ip: services.do_refuse_item(item, d["reasons"], acting_user=user, ip=ip),
            danger=True,
        ),
        ActionSpec(
            "approve",
            CaseAction.APPROVE_ITEM,
            gettext_lazy("Approve"),
            gettext_lazy("Approved."),
            lambda data, item: forms.ApproveForm(
                data, warnings=services.approval_warnings(item), produced=services.produced_fields(item)
            ),
            lambda item, d, user, ip: services.do_approve_item(
                item,
                result_number=d["result_number"],
                valid_until=d["valid_until"],
                confirm_reason=d.get("confirm_reason", ""),
                produced_values=d.get("produced_values", {}),
                acting_user=user,
                ip=ip,
            ),
        ),
        ActionSpec(
            "deny",
            CaseAction.DENY_ITEM,
            gettext_lazy("Deny"),
            gettext_lazy("Denied; the applicant is told the reasons and the remedies."),
            lambda data, item: forms.DenyForm(data),
            lambda item, d, user, ip: services.do_deny_item(
                item, d["reasons"], remedies=d["remedies"], acting_user=user, ip=ip
            ),
            danger=True,
        ),
        ActionSpec(
            "supplement",
            CaseAction.PAUSE_ITEM,
            gettext_lazy("Request a supplement"),
            gettext_lazy("The applicant was asked for a supplement; the time limit is paused."),
            lambda data, item: forms.SupplementForm(data),
            lambda item, d, user, ip: services.do_request_supplement(item, d["reason"], acting_user=user, ip=ip),
        ),
        ActionSpec(
            "resume",
            CaseAction.RESUME_ITEM,
            gettext_lazy("Resume the clock"),
            gettext_lazy("The time limit runs again."),
            lambda data, item: forms.ResumeForm(data),
            lambda item, d, user, ip: services.do_resume_item(item, acting_user=user, ip=ip),
        ),
        ActionSpec(
            "assign",
            CaseAction.ASSIGN_ITEM,
            gettext_lazy("Assign"),
            gettext_lazy("Assigned."),
            lambda data, item: forms.AssignForm(data, item=item),
            lambda item, d, user, ip: services.do_assign_item(item, d["assignee"], acting_user=user, ip=ip),
        ),
        ActionSpec(
            "urge",
            CaseAction.URGE_ITEM,
            gettext_lazy("Urge"),
            gettext_lazy("Urged; the department was told."),
            lambda data, item: forms.UrgeForm(data),
            lambda item, d, user, ip: services.do_urge_item(item, d["note"], acting_user=user, ip=ip),
        ),
    ]
}


def _offered(user: User, item: CaseItem) -> frozenset[str]:
    """The item's actions open to this user now: the case and item states allow them, and the one door."""
    if not case_rules.is_allowed(item.case.status, CaseAction.ITEM):
        return frozenset()
    return offered(user, item, rules.ITEM, item.status, rules.ITEM_PERMISSIONS)


def _refusal_for(user: User, item: CaseItem, spec: ActionSpec) -> str:
    """Why the user may not take this action at all (whatever the state): "" if they may."""
    if may(user, rules.ITEM_PERMISSIONS[spec.action], item):
        return ""
    if rules.ITEM_PERMISSIONS[spec.action] == "task.urge":
        return _("Only supervisors, the lead department or the window can urge.")
    return _("Only staff of %(department)s can act on this item.") % {"department": item.department}


def _inspections(item: CaseItem) -> list[JointInspection]:
    return list(
        item.case.inspections.select_related("organised_by", "created_by", "recorded_by")
        .prefetch_related(
            Prefetch("items", queryset=CaseItem.objects.select_related("department").order_by("order", "id")),
            Prefetch("outcomes", queryset=InspectionOutcome.objects.select_related("item")),
        )
        .order_by("-scheduled_at", "-id")
    )


def _ids(form: django_forms.Form, prefix: str) -> django_forms.Form:
    """Distinct element ids for each form of the page (the field names stay as the views read them)."""
    form.auto_id = f"{prefix}-%s"
    return form


def _timeline(user, case) -> list[CaseEvent]:
    """The case's events for staff; a department's reviewer sees the internal notes of their own items and of the
    case, not those about other departments' items (data minimisation; staff with a region-wide role see all)."""
    events = list(CaseEvent.objects.filter(case=case).select_related("item").order_by("at", "id"))
    data = permit(user, "task.data")  # who reads an item's data reads its internal notes
    for event in events:
        if event.item is not None:
            event.item.case = case
        event.show_note = bool(event.internal_note) and (event.item is None or data.allows(event.item))
    return events


def _task_context(request: HttpRequest, user: User, item: CaseItem, bound: dict[str, Any] | None = None) -> dict:
    bound = bound or {}
    case = item.case
    now = timezone.now()
    ended = item.status in ENDED_ITEM_STATUSES
    paused = item.status == ItemStatus.SUPPLEMENT
    open_now = _offered(user, item)
    available = [spec for spec in ACTIONS.values() if spec.action in open_now]
    may_organise = may(user, "inspection.organise", case)
    inspections = _inspections(item)
    for inspection in inspections:
        inspection.outcome_form = None
        if may_organise and inspection.status == InspectionStatus.PLANNED:
            key = f"outcome-{inspection.pk}"
            inspection.outcome_form = _ids(bound.get(key) or forms.OutcomeForm(inspection=inspection), key)
            cancel_key = f"cancel-{inspection.pk}"
            inspection.cancel_form = bound.get(cancel_key) or forms.CancelInspectionForm(prefix=cancel_key)
    book_form = None
    if may_organise and case_rules.is_allowed(case.status, CaseAction.ITEM):
        book_form = _ids(bound.get("book") or forms.BookInspectionForm(case=case), "book")
    return {
        "item": item,
        "case": case,
        "now": now,
        "acceptance_done_at": item.accepted_at or (item.decided_at if ended else None),
        "acceptance_warning": services.acceptance_warning(),
        "decision_now": item.paused_at if paused and item.paused_at else now,
        "decision_done_at": item.decided_at if ended else None,
        "paused": paused,
        "prerequisites": list(item.prerequisites.select_related("department").order_by("order", "id")),
        "dependants": list(item.dependants.select_related("department").order_by("order", "id")),
        "case_items": list(case.items.select_related("department", "assignee").order_by("order", "id")),
        "sees_data": (sees_data := sees_item_data(user, item)),
        "fields": visible_fields(item) if sees_data else [],
        "materials": visible_materials(item) if sees_data else [],
        "supplement_answers": list(item.supplement_answers.all()) if sees_data else [],
        "events": _timeline(user, case),
        "actions": [(spec, _ids(bound.get(spec.key) or spec.make_form(None, item), spec.key)) for spec in available],
        "may_decide": may(user, "task.decide", item),
        "inspections": inspections,
        "may_organise": may_organise,
        "book_form": book_form,
    }


def _render_task(
    request: HttpRequest, user: User, pk: int, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    item = get_item(user, pk)  # read again: a refused change may have met a change by someone else
    return render(request, "approvals/task.html", _task_context(request, user, item, bound), status=status)


@login_required
@require_GET
def task(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    item = get_item(user, pk)
    return render(request, "approvals/task.html", _task_context(request, user, item))


def _refused(request: HttpRequest, user: User, pk: int, exc: UserFacingError, bound: dict) -> HttpResponse:
    messages.error(request, exc.message)
    return _render_task(request, user, pk, bound, status=409 if isinstance(exc, ConflictError) else 400)


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One department action on the task (see ACTIONS); the form's messages beside its fields when incomplete."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    user = _staff(request)
    item = get_item(user, pk)
    refusal = _refusal_for(user, item, spec)
    if refusal:
        messages.error(request, refusal)
        return _render_task(request, user, pk, status=403)
    form = spec.make_form(request.POST, item)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return _render_task(request, user, pk, {spec.key: form}, status=400)
    try:
        spec.run(item, form.cleaned_data, user, client_ip(request))
    except UserFacingError as exc:
        return _refused(request, user, pk, exc, {spec.key: form})
    messages.success(request, str(spec.done))
    return redirect("approvals:task", pk=pk)


# ---------------------------------------------------------------- joint inspection


@login_required
@require_POST
def book_inspection(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    item = get_item(user, pk)
    case = item.case
    if not may(user, "inspection.organise", case):
        messages.error(request, _("Only the lead department can organise a joint inspection of this case."))
        return _render_task(request, user, pk, status=403)
    form = forms.BookInspectionForm(request.POST, case=case)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return _render_task(request, user, pk, {"book": form}, status=400)
    data = form.cleaned_data
    try:
        services.do_book_inspection(
            case,
            data["items"],
            data["scheduled_at"],
            data["place"],
            note=data["note"],
            acting_user=user,
            ip=client_ip(request),
        )
    except UserFacingError as exc:
        return _refused(request, user, pk, exc, {"book": form})
    messages.success(request, _("The joint inspection is booked; the applicant was told."))
    return redirect(reverse("approvals:task", args=[pk]) + "#inspections")


def _inspection_post(
    request: HttpRequest,
    pk: int,
    inspection_pk: int,
    make_form: Callable[[JointInspection], tuple[str, django_forms.Form]],
    act: Callable[[JointInspection, django_forms.Form, User], object],
    success: str,
) -> HttpResponse:
    """Record an inspection's outcome or cancel it: the lead department only; the form's messages beside its fields."""
    user = _staff(request)
    item = get_item(user, pk)
    inspection = (
        item.case.inspections.filter(pk=inspection_pk)
        .prefetch_related(Prefetch("items", queryset=CaseItem.objects.select_related("department")))
        .first()
    )
    if inspection is None:
        raise Http404
    if not may(user, "inspection.organise", item.case):
        messages.error(request, _("Only the lead department can organise a joint inspection of this case."))
        return _render_task(request, user, pk, status=403)
    key, form = make_form(inspection)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return _render_task(request, user, pk, {key: form}, status=400)
    try:
        act(inspection, form, user)
    except UserFacingError as exc:
        return _refused(request, user, pk, exc, {key: form})
    messages.success(request, success)
    return redirect(reverse("approvals:task", args=[pk]) + "#inspections")


@login_required
@require_POST
def record_inspection(request: HttpRequest, pk: int, inspection_pk: int) -> HttpResponse:
    return _inspection_post(
        request,
        pk,
        inspection_pk,
        lambda inspection: (f"outcome-{inspection.pk}", forms.OutcomeForm(request.POST, inspection=inspection)),
        lambda inspection, form, user: services.do_record_inspection_outcome(
            inspection, form.outcomes(), acting_user=user, ip=client_ip(request)
        ),
        _("The outcome of the joint inspection was recorded."),
    )


@login_required
@require_POST
def cancel_inspection(request: HttpRequest, pk: int, inspection_pk: int) -> HttpResponse:
    key = f"cancel-{inspection_pk}"
    return _inspection_post(
        request,
        pk,
        inspection_pk,
        lambda inspection: (key, forms.CancelInspectionForm(request.POST, prefix=key)),
        lambda inspection, form, user: services.do_cancel_inspection(
            inspection, form.cleaned_data["reason"], acting_user=user, ip=client_ip(request)
        ),
        _("The joint inspection is cancelled; the applicant was told."),
    )
