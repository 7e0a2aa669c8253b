from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.permissions import holds, may, regions_for
from core.errors import UserFacingError, ValidationReport
from regions.models import Region

from . import changelog, queries, services
from .choices import OneThingStatus
from .forms import GUIDE_EDIT_FIELDS, CatalogFilterForm, ImportForm, ItemEditForm, OneThingEditForm, ReasonForm
from .models import CatalogChange, OneThing, OneThingItem

PAGE_SIZE = 30


def catalog_index(request: HttpRequest) -> HttpResponse:
    """Public catalog: filter by region, subject, stage and department; search by name or item."""
    form = CatalogFilterForm(request.GET or None)
    qs = queries.public_one_things()
    if form.is_valid():
        qs = queries.filter_catalog(qs, form.cleaned_data)
    page = Paginator(qs.order_by("region__code", "batch__number", "seq", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = "catalog/_results.html" if request.headers.get("HX-Request") else "catalog/index.html"
    return render(request, template, {"form": form, "page": page, "total": page.paginator.count})


def one_thing_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = request.GET.get("v")
    one_thing = queries.get_public_one_thing(code, int(version) if version and version.isdigit() else None)
    return render(request, "catalog/detail.html", _detail_context(one_thing))


def _detail_context(one_thing: OneThing) -> dict:
    items = list(one_thing.items.all())
    versions = OneThing.objects.filter(
        code=one_thing.code,
        status__in=[OneThingStatus.PUBLISHED, OneThingStatus.SUPERSEDED, OneThingStatus.LISTED],
    ).order_by("-version")
    return {
        "one_thing": one_thing,
        "items": items,
        "inherited_count": sum(1 for it in items if it.origin != "local"),
        "combined_days": services.combined_promised_days(one_thing) if items else None,
        "versions": versions,
        "materials": merged_materials(items),
        "questions": one_thing.questions.all(),
        "faqs": one_thing.faqs.all(),
    }


def merged_materials(items: list) -> list[dict]:
    """One set of materials (一套材料): each material type once, with the items that need it."""
    merged: dict[int, dict] = {}
    for it in items:
        for m in it.service_item.materials.all():
            entry = merged.setdefault(
                m.material_type_id,
                {"type": m.material_type, "names": [], "items": [], "required": False, "licence": m.licence_type},
            )
            if m.name not in entry["names"]:
                entry["names"].append(m.name)
            entry["items"].append(it.service_item.name)
            entry["required"] = entry["required"] or m.requirement == "required"
    return sorted(merged.values(), key=lambda e: (not e["required"], e["type"].name))


# ---------------------------------------------------------------- staff (事项管理员)


@login_required
def manage_index(request: HttpRequest) -> HttpResponse:
    if not holds(request.user, "catalog.view_drafts"):
        raise Http404
    qs = queries.restrict_one_things(request.user, "catalog.view_drafts")
    status = request.GET.get("status")
    if status in OneThingStatus.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(name__icontains=q)
    page = Paginator(qs.order_by("region__code", "code", "-version"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/manage_index.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": OneThingStatus.choices,
            "may_import": holds(request.user, "catalog.import"),  # a supervisor sees the drafts, imports nothing
        },
    )


@login_required
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    one_thing = queries.access_one_thing(request.user, pk, "catalog.view_drafts")
    context = _detail_context(one_thing)
    context.update(
        {
            "changes": [
                {
                    "change": c,
                    "action": changelog.action_label(c.action),
                    "actor": changelog.actor_label(c),
                    "lines": changelog.describe(c),
                }
                for c in CatalogChange.objects.filter(one_thing_code=one_thing.code)[:100]
            ],  # fmt: skip
            "allowed": services.ALLOWED_ACTIONS[one_thing.status],
            "may_publish": may(request.user, "catalog.publish", one_thing),
            "reason_form": ReasonForm(),
            "all_versions": OneThing.objects.filter(code=one_thing.code).order_by("-version"),
            "guide_missing": services.guide().missing(one_thing)
            if "publish" in services.ALLOWED_ACTIONS[one_thing.status]
            else None,
        }
    )
    return render(request, "catalog/manage_detail.html", context)


ACTIONS = {
    "publish": (services.do_publish_one_thing, "catalog.publish", gettext_lazy("Published.")),
    "retire": (services.do_retire_one_thing, "catalog.publish", gettext_lazy("Retired.")),
    "new_version": (
        services.do_create_one_thing_version,
        "catalog.edit",
        gettext_lazy("A new draft version was created."),
    ),
}


@login_required
@require_POST
def manage_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    func, permission, done = ACTIONS[action]
    one_thing = queries.access_one_thing(request.user, pk, "catalog.view_drafts")
    if not may(request.user, permission, one_thing):
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "").strip()
    try:
        result = func(one_thing, acting_user=request.user, reason=reason)
    except UserFacingError as exc:
        messages.error(request, exc.message)
        return redirect("catalog:manage_detail", pk=one_thing.pk)
    messages.success(request, str(done))
    return redirect("catalog:manage_detail", pk=result.pk)


@login_required
def manage_export(request: HttpRequest) -> HttpResponse:
    from .excel import export_one_things

    if not holds(request.user, "catalog.export"):
        raise Http404
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first()
    if region is None or not may(request.user, "catalog.export", region):
        raise Http404
    one_things = queries.public_one_things().filter(region=region).order_by("batch__number", "seq", "code")
    buffer = io.BytesIO()
    export_one_things(one_things).save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="one-things-{region.code}.xlsx"'
    return response


@login_required
def manage_import(request: HttpRequest) -> HttpResponse:
    from .excel import import_one_thing_list

    if not holds(request.user, "catalog.import"):
        raise Http404
    region_qs = regions_for(request.user, "catalog.import")
    problems = []
    form = ImportForm(request.POST or None, request.FILES or None, regions=region_qs)
    if request.method == "POST" and form.is_valid():
        try:
            result = import_one_thing_list(
                form.cleaned_data["file"],
                form.cleaned_data["region"],
                acting_user=request.user,
                batch_number=form.cleaned_data["batch_number"],
                batch_name=form.cleaned_data["batch_name"],
            )
        except ValidationReport as report:
            problems = report.problems
        else:
            messages.success(
                request,
                _("Imported %(n)s one-things with %(m)s items as drafts.")
                % {"n": result.one_things, "m": result.items},
            )
            return redirect("catalog:manage_index")
    return render(request, "catalog/manage_import.html", {"form": form, "problems": problems})


EDIT_FIELDS = ["name", "lead_department", "summary", "service_object", "conditions", "address", "hours", "phone",
               "deadline_text", "note", *GUIDE_EDIT_FIELDS]  # fmt: skip


def _same(new, old) -> bool:
    if isinstance(new, str) or isinstance(old, str):
        return (new or "").replace("\r\n", "\n").strip() == (old or "").replace("\r\n", "\n").strip()
    return new == old


@login_required
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft's guide fields; a published version is never edited in place (a new version is made)."""
    one_thing = queries.access_one_thing(request.user, pk, "catalog.view_drafts")
    if not may(request.user, "catalog.edit", one_thing):
        raise Http404
    initial = {f: getattr(one_thing, f) for f in EDIT_FIELDS}
    form = OneThingEditForm(request.POST or None, initial=initial, region=one_thing.region)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in EDIT_FIELDS if not _same(form.cleaned_data[f], initial[f])}
        try:
            services.do_update_one_thing(
                one_thing, changes, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:manage_detail", pk=one_thing.pk)
    return render(request, "catalog/manage_edit.html", {"one_thing": one_thing, "form": form})


@login_required
def manage_edit_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    one_thing = queries.access_one_thing(request.user, pk, "catalog.view_drafts")
    if not may(request.user, "catalog.edit", one_thing):
        raise Http404
    item = (
        OneThingItem.objects.select_related("service_item", "department", "one_thing__region")
        .filter(one_thing=one_thing, pk=item_pk)
        .first()
    )
    if item is None:
        raise Http404
    initial = {
        "department": item.department,
        "promised_days": item.promised_days,
        "prerequisites": list(item.prerequisites.all()),
    }
    form = ItemEditForm(request.POST or None, initial=initial, item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["department"] != item.department or data["promised_days"] != item.promised_days:
                    services.do_override_one_thing_item(
                        item,
                        acting_user=request.user,
                        reason=data["reason"],
                        department=data["department"] if data["department"] != item.department else None,
                        promised_days=data["promised_days"],
                    )
                if set(data["prerequisites"]) != set(initial["prerequisites"]):
                    services.do_set_prerequisites(
                        item, list(data["prerequisites"]), acting_user=request.user, reason=data["reason"]
                    )
        except UserFacingError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:manage_detail", pk=one_thing.pk)
    return render(request, "catalog/manage_edit.html", {"one_thing": one_thing, "form": form, "item": item})
