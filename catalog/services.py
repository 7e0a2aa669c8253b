"""Every change to the catalog goes through a `do_<verb>_<noun>` function here.

Each is atomic and writes its CatalogChange (who, when, what, why, before/after) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ConflictError, UserFacingError
from core.graphs import critical_path_days, find_cycle
from regions.models import Department, Region
from regions.services import normalise_spelling

from . import rules
from .choices import ItemOrigin, OneThingStatus, Specification
from .models import (
    FAQ,
    CatalogChange,
    ItemFormField,
    ItemMaterial,
    OneThing,
    OneThingItem,
    Option,
    Question,
    ServiceItem,
)
from .plans import LIST_FIELDS, OneThingPlan, PlannedItem, PlannedOverride, PlannedQuestion

ACTION_LABELS = {
    **rules.ACTION_LABELS,
    "import": "Excel导入",
    "set_prerequisites": "设置前置事项",
    "override_item": "本地调整事项",
}
ALLOWED_ACTIONS = rules.ALLOWED_ACTIONS  # state -> what catalog staff may do in it (the table, catalog/rules.py)


@dataclass(frozen=True)
class GuideHooks:
    """What publishing asks of the service guide (办事指南). The guides app sits above the catalog and registers
    itself (GuidesConfig.ready: register_guide); every call runs in the publishing transaction."""

    check_complete: Callable[[OneThing], None]  # refuses (UserFacingError) a version whose guide lacks elements
    missing: Callable[[OneThing], list[str]]  # the labels of the required elements a version's guide lacks
    freeze: Callable[[OneThing], object]  # writes the published version's guide snapshot, once
    ensure: Callable[[OneThing], None]  # a published version without its snapshot gets one


_GUIDE: list[GuideHooks] = []


def register_guide(hooks: GuideHooks) -> None:
    _GUIDE[:] = [hooks]


def guide() -> GuideHooks:
    if not _GUIDE:
        raise RuntimeError("the guides app is not installed: nothing freezes a published version's guide")
    return _GUIDE[0]


def check_action(one_thing: OneThing, action: str) -> None:
    """Refuse an action the version's state does not allow (rules.ONE_THING), naming the version."""
    if not rules.ONE_THING.is_allowed(one_thing.status, action):
        raise ConflictError(
            _("Cannot %(action)s “%(name)s” v%(version)s while it is %(status)s.")
            % {
                "action": ACTION_LABELS.get(action, action),
                "name": one_thing.name,
                "version": one_thing.version,
                "status": one_thing.get_status_display(),
            }
        )


def actor_label(user: User | None) -> str:
    if user is None:
        return "system"
    return str(user)


def snapshot(one_thing: OneThing) -> dict[str, Any]:
    """What a one-thing version holds, for before/after records."""
    items = list(
        one_thing.items.select_related("service_item", "department").prefetch_related("prerequisites__service_item")
    )
    return {
        "code": one_thing.code,
        "version": one_thing.version,
        "name": one_thing.name,
        "status": one_thing.status,
        "region": one_thing.region.code if one_thing.region_id else None,
        "lead": one_thing.lead_department.name if one_thing.lead_department is not None else None,
        "items": [
            {
                "name": it.service_item.name,
                "department": it.department.name,
                "level": it.level,
                "mandatory": it.mandatory,
                "promised_days": it.effective_promised_days,
                "origin": it.origin,
                "prerequisites": sorted(p.service_item.name for p in it.prerequisites.all()),
            }
            for it in items
        ],
    }


def record_change(
    one_thing: OneThing | None,
    action: str,
    *,
    acting_user: User | None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
    code: str = "",
    version: int | None = None,
) -> CatalogChange:
    return CatalogChange.objects.create(
        one_thing=one_thing,
        one_thing_code=one_thing.code if one_thing else code,
        version=one_thing.version if one_thing else version,
        action=action,
        actor=acting_user,
        actor_label=actor_label(acting_user),
        reason=reason,
        before=before,
        after=after,
    )


def assess_specification(one_thing: OneThing) -> str:
    items = list(one_thing.items.select_related("service_item"))
    if not items:
        return Specification.NAME_ONLY
    fully = (
        all(it.service_item.is_specified for it in items)
        and bool(one_thing.summary)
        and one_thing.questions.exists()
        and one_thing.faqs.exists()
    )
    return Specification.FULL if fully else Specification.ITEMS


def prerequisite_cycle(one_thing: OneThing, extra: dict[int, set[int]] | None = None) -> list[str] | None:
    """Names along a prerequisite cycle of the one-thing (with `extra` edges applied), or None."""
    edges: dict[int, set[int]] = {it.pk: set() for it in one_thing.items.all()}
    for link in OneThingItem.prerequisites.through.objects.filter(from_onethingitem__one_thing=one_thing):
        edges[link.from_onethingitem_id].add(link.to_onethingitem_id)
    for node, prereqs in (extra or {}).items():
        edges[node] = set(prereqs)
    cycle = find_cycle(edges)
    if cycle is None:
        return None
    names = dict(one_thing.items.values_list("pk", "service_item__name"))
    return [names[pk] for pk in cycle]


def combined_promised_days(one_thing: OneThing) -> int:
    """Critical path over prerequisites of the items' promised limits (not their sum)."""
    items = list(one_thing.items.select_related("service_item").prefetch_related("prerequisites"))
    durations = {it.pk: it.effective_promised_days or 0 for it in items}
    edges = {it.pk: [p.pk for p in it.prerequisites.all()] for it in items}
    return critical_path_days(durations, edges)


@transaction.atomic
def do_set_prerequisites(
    item: OneThingItem, prerequisites: list[OneThingItem], *, acting_user: User | None, reason: str = ""
) -> None:
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=item.one_thing_id)
    check_action(one_thing, "edit")
    foreign = [p for p in prerequisites if p.one_thing_id != one_thing.pk]
    if foreign:
        raise UserFacingError(_("A prerequisite must be an item of the same one-thing."))
    cycle = prerequisite_cycle(one_thing, {item.pk: {p.pk for p in prerequisites}})
    if cycle:
        raise UserFacingError(_("Prerequisites would form a cycle: %(cycle)s") % {"cycle": " → ".join(cycle)})
    before = snapshot(one_thing)
    item.prerequisites.set(prerequisites)
    record_change(
        one_thing, "set_prerequisites", acting_user=acting_user, reason=reason, before=before, after=snapshot(one_thing)
    )


EDITABLE_FIELDS = (
    "name",
    "subject",
    "stage",
    "lead_department",
    "summary",
    "service_object",
    "conditions",
    "legal_basis",
    "address",
    "hours",
    "phone",
    "complaint_phone",
    "delivery_methods",
    "deadline_text",
    "note",
    "intermediary_services",
    "special_steps",
    "enquiry",
    "remedies",
    "appointment_required",
    "in_person_required",
    "all_parties_present",
    "photo_note",
    "special_notes",
    "common_mistakes",
    "form_values",
)


@transaction.atomic
def do_update_one_thing(
    one_thing: OneThing, changes: dict[str, Any], *, acting_user: User | None, reason: str
) -> OneThing:
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=one_thing.pk)
    check_action(one_thing, "edit")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise UserFacingError(_("These fields cannot be edited: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = {k: _plain(getattr(one_thing, k)) for k in changes}
    for key, value in changes.items():
        setattr(one_thing, key, value)
    one_thing.save()
    record_change(
        one_thing,
        "edit",
        acting_user=acting_user,
        reason=reason,
        before=before,
        after={k: _plain(getattr(one_thing, k)) for k in changes},
    )
    return one_thing


def _plain(value: Any) -> Any:
    if isinstance(value, Department):
        return value.name
    return value


@transaction.atomic
def do_publish_one_thing(
    one_thing: OneThing, *, acting_user: User | None, reason: str = "", require_complete_guide: bool = True
) -> OneThing:
    """Publish a listed or draft version: the published version before it is superseded (and stays for its cases),
    this version's guide is frozen (guides.GuideSnapshot). Refused while its guide lacks a required element, except
    for the seed loader (`require_complete_guide=False`), which publishes list entries that have items but no full
    specification yet; their guides say which elements are missing (docs/catalog-data.md)."""
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=one_thing.pk)
    check_action(one_thing, "publish")
    if not one_thing.items.exists():
        raise UserFacingError(_("“%(name)s” has no items yet and cannot be published.") % {"name": one_thing.name})
    cycle = prerequisite_cycle(one_thing)
    if cycle:
        raise UserFacingError(_("Prerequisites form a cycle: %(cycle)s") % {"cycle": " → ".join(cycle)})
    if require_complete_guide:
        guide().check_complete(one_thing)
    before_status = one_thing.status
    previous = list(
        OneThing.objects.order_by()
        .select_for_update(of=("self",))
        .filter(code=one_thing.code, status=OneThingStatus.PUBLISHED)
        .exclude(pk=one_thing.pk)
    )
    for old in previous:
        rules.ONE_THING.move(old, "supersede", OneThingStatus.SUPERSEDED)
        old.save(update_fields=["status", "updated_at"])
        record_change(
            old,
            "supersede",
            acting_user=acting_user,
            reason=reason,
            before={"status": OneThingStatus.PUBLISHED},
            after={"status": OneThingStatus.SUPERSEDED},
        )
    rules.ONE_THING.move(one_thing, "publish", OneThingStatus.PUBLISHED)
    one_thing.published_at = timezone.now()
    one_thing.specification = assess_specification(one_thing)
    one_thing.save()
    guide().freeze(one_thing)
    record_change(
        one_thing,
        "publish",
        acting_user=acting_user,
        reason=reason,
        before={"status": before_status},
        after={"status": one_thing.status},
    )
    return one_thing


@transaction.atomic
def do_retire_one_thing(one_thing: OneThing, *, acting_user: User | None, reason: str) -> OneThing:
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=one_thing.pk)
    check_action(one_thing, "retire")
    if not reason.strip():
        raise UserFacingError(_("Give the reason for retiring it."))
    before = rules.ONE_THING.move(one_thing, "retire", OneThingStatus.RETIRED)
    one_thing.save(update_fields=["status", "updated_at"])
    record_change(
        one_thing,
        "retire",
        acting_user=acting_user,
        reason=reason,
        before={"status": before},
        after={"status": one_thing.status},
    )
    return one_thing


@transaction.atomic
def do_create_one_thing_version(one_thing: OneThing, *, acting_user: User | None, reason: str) -> OneThing:
    """Editing a published one-thing starts a new draft version; the published one stays as filed (动态调整)."""
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=one_thing.pk)
    check_action(one_thing, "new_version")
    if not reason.strip():
        raise UserFacingError(_("Give the reason for the new version."))
    versions = OneThing.objects.order_by().select_for_update(of=("self",)).filter(code=one_thing.code)
    if versions.filter(status=OneThingStatus.DRAFT).exists():
        raise ConflictError(
            _("A draft of “%(name)s” already exists; edit or publish it first.") % {"name": one_thing.name}
        )
    latest = max(v.version for v in versions)
    draft = copy_one_thing(one_thing, region=one_thing.region, version=latest + 1, code=one_thing.code)
    record_change(
        draft,
        "new_version",
        acting_user=acting_user,
        reason=reason,
        before={"version": one_thing.version},
        after=snapshot(draft),
    )
    return draft


@transaction.atomic
def do_delete_draft(one_thing: OneThing, *, acting_user: User | None, reason: str = "") -> None:
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=one_thing.pk)
    check_action(one_thing, "delete_draft")
    record_change(
        None,
        "delete_draft",
        acting_user=acting_user,
        reason=reason,
        before=snapshot(one_thing),
        code=one_thing.code,
        version=one_thing.version,
    )
    one_thing.delete()


def copy_one_thing(
    source: OneThing,
    *,
    region: Region,
    version: int,
    code: str,
    item_map: dict[int, ServiceItem] | None = None,
    department_map: dict[int, Department] | None = None,
    inherit: bool = False,
) -> OneThing:
    """Copy a one-thing with its items, prerequisites, questionnaire and FAQ into a new draft row."""
    target = OneThing(code=code, version=version, region=region, status=OneThingStatus.DRAFT)
    if region == source.region:
        target.batch, target.seq = source.batch, source.seq
    target.provincial = source.provincial
    target.source_document = source.source_document
    target.adopted_from = source if inherit else source.adopted_from
    copy_one_thing_content(source, target, item_map=item_map, department_map=department_map, inherit=inherit)
    return target


def copy_one_thing_content(
    source: OneThing,
    target: OneThing,
    *,
    item_map: dict[int, ServiceItem] | None = None,
    department_map: dict[int, Department] | None = None,
    inherit: bool = False,
) -> None:
    """Fill `target` (saved here) with the guide fields, items, questionnaire and FAQ of `source`."""
    for f in EDITABLE_FIELDS:
        setattr(target, f, getattr(source, f))
    if department_map is not None and source.lead_department_id:
        target.lead_department = department_map.get(source.lead_department_id)
    target.specification = source.specification
    target.save()
    old_to_new: dict[int, OneThingItem] = {}
    source_items = list(source.items.select_related("service_item").prefetch_related("prerequisites"))
    for it in source_items:
        service_item = item_map[it.pk] if item_map else it.service_item
        department = department_map[it.department_id] if department_map else it.department
        old_to_new[it.pk] = OneThingItem.objects.create(
            one_thing=target,
            service_item=service_item,
            department=department,
            level=it.level,
            order=it.order,
            mandatory=it.mandatory,
            promised_days=it.promised_days,
            origin=ItemOrigin.INHERITED if inherit else it.origin,
            inherited_from=it if inherit else it.inherited_from,
            note=it.note,
        )
    for it in source_items:
        old_to_new[it.pk].prerequisites.set([old_to_new[p.pk] for p in it.prerequisites.all()])
    questions = source.questions.prefetch_related(
        "show_if",
        Prefetch(
            "options",
            queryset=Option.objects.prefetch_related(
                "include_items", "exclude_items", "require_materials", "exempt_materials"
            ),
        ),
    )
    option_map: dict[int, Option] = {}
    for q in questions:
        new_q = Question.objects.create(one_thing=target, key=q.key, order=q.order, text=q.text)
        new_q.show_if.set([option_map[o.pk] for o in q.show_if.all() if o.pk in option_map])
        for o in q.options.all():
            new_o = Option.objects.create(question=new_q, key=o.key, order=o.order, label=o.label)
            new_o.include_items.set([old_to_new[i.pk] for i in o.include_items.all()])
            new_o.exclude_items.set([old_to_new[i.pk] for i in o.exclude_items.all()])
            new_o.require_materials.set(o.require_materials.all())
            new_o.exempt_materials.set(o.exempt_materials.all())
            option_map[o.pk] = new_o
    FAQ.objects.bulk_create(
        [FAQ(one_thing=target, order=f.order, question=f.question, answer=f.answer) for f in source.faqs.all()]
    )


def adopt_items(template: OneThing, region: Region) -> tuple[dict[int, ServiceItem], dict[int, Department]]:
    """Map each item of a template onto the region's department with the same function code."""
    department_map: dict[int, Department] = {}
    missing: list[str] = []
    local_departments = {d.code: d for d in Department.objects.filter(region=region)}
    items = list(template.items.select_related("service_item", "department"))
    for it in items:
        local = local_departments.get(it.department.code)
        if local is None:
            missing.append(f"{it.department.name}（{it.department.code}）")
        else:
            department_map[it.department_id] = local
    lead = template.lead_department
    if lead is not None and lead.code in local_departments:
        department_map[lead.pk] = local_departments[lead.code]
    if missing:
        raise UserFacingError(
            _("%(region)s has no department for: %(missing)s")
            % {"region": region.name, "missing": "、".join(sorted(set(missing)))}
        )
    item_map = {it.pk: adopt_service_item(it.service_item, region, department_map[it.department_id]) for it in items}
    return item_map, department_map


def adopt_service_item(template: ServiceItem, region: Region, department: Department) -> ServiceItem:
    """The region's own copy of a higher-level item (materials and fields included), created once."""
    existing = ServiceItem.objects.filter(region=region, department=department, name=template.name).first()
    if existing is not None:
        return existing
    copy = ServiceItem.objects.create(
        code=f"{region.code}-{template.code}",
        name=template.name,
        region=region,
        department=department,
        template=template,
        **{
            f: getattr(template, f)
            for f in (
                "level",
                "kind",
                "subject",
                "legal_basis",
                "conditions",
                "legal_days",
                "promised_days",
                "fee_amount",
                "fee_basis",
                "result_name",
                "result_kind",
                "result_holder",
                "result_fields",
                "result_produces",
                "result_material",
                "result_sample",
                "review_points",
                "is_specified",
            )
        },
    )
    ItemMaterial.objects.bulk_create(
        [
            ItemMaterial(
                item=copy,
                **{
                    f: getattr(m, f)
                    for f in (
                        "material_type_id",
                        "order",
                        "name",
                        "basis",
                        "form",
                        "source",
                        "paper_copies",
                        "requirement",
                        "deferrable",
                        "commitment_allowed",
                        "licence_type",
                        "provided_by",
                        "standard",
                        "note",
                    )
                },
            )
            for m in template.materials.all()
        ]
    )
    ItemFormField.objects.bulk_create(
        [
            ItemFormField(
                item=copy, data_element_id=f.data_element_id, order=f.order, required=f.required, label=f.label
            )
            for f in template.form_fields.all()
        ]
    )
    return copy


@transaction.atomic
def do_adopt_one_thing(
    template: OneThing,
    region: Region,
    *,
    acting_user: User | None,
    reason: str,
    code: str | None = None,
) -> OneThing:
    """A county takes over a provincial or city one-thing (承接); each item maps to the county's department
    with the same function code. The adoption starts as a draft that the county may adjust and then publish."""
    if template.status != OneThingStatus.PUBLISHED:
        raise ConflictError(_("Only a published one-thing can be adopted."))
    if region.code == template.region.code or template.region not in region.ancestors():
        raise UserFacingError(
            _("%(region)s is not below %(template_region)s.")
            % {"region": region.name, "template_region": template.region.name}
        )
    code = code or f"{region.code}-{template.code}"
    if OneThing.objects.filter(code=code).exists():
        raise ConflictError(
            _("%(region)s has already adopted “%(name)s”.") % {"region": region.name, "name": template.name}
        )
    item_map, department_map = adopt_items(template, region)
    adopted = copy_one_thing(
        template, region=region, version=1, code=code, item_map=item_map, department_map=department_map, inherit=True
    )
    adopted.is_template = False
    adopted.save(update_fields=["is_template"])
    record_change(
        adopted,
        "adopt",
        acting_user=acting_user,
        reason=reason,
        before={"template": template.code, "template_version": template.version},
        after=snapshot(adopted),
    )
    return adopted


@transaction.atomic
def do_override_one_thing_item(
    item: OneThingItem,
    *,
    acting_user: User | None,
    reason: str,
    department: Department | None = None,
    promised_days: int | None = None,
) -> OneThingItem:
    """Local adjustment of an inherited item: another co-handling department or a shorter time limit."""
    one_thing = OneThing.objects.order_by().select_for_update(of=("self",)).get(pk=item.one_thing_id)
    check_action(one_thing, "edit")
    if department is not None and department.region_id != one_thing.region_id:
        raise UserFacingError(_("The department must belong to %(region)s.") % {"region": one_thing.region.name})
    base = item.service_item.legal_days
    if promised_days is not None and base is not None and promised_days > base:
        raise UserFacingError(
            _("The promised limit (%(days)s) cannot exceed the legal limit (%(legal)s working days).")
            % {"days": promised_days, "legal": base}
        )
    before = snapshot(one_thing)
    if department is not None:
        item.department = department
    if promised_days is not None:
        item.promised_days = promised_days
    if item.origin == ItemOrigin.INHERITED:
        item.origin = ItemOrigin.OVERRIDDEN
    item.save()
    record_change(
        one_thing, "override_item", acting_user=acting_user, reason=reason, before=before, after=snapshot(one_thing)
    )
    return item


# ====================================================================== the one writer of planned one-things
# The seed loader (catalog.loading) and the Excel import (catalog.excel) read their files into OneThingPlans
# (catalog.plans) and write them here: service items through ServiceItems, one-things through create_one_thing
# (version 1) and do_load_one_thing (the loader: a changed seed makes a new version).


class ServiceItems:
    """Finds or makes service items (单事项): the one way the loader and the Excel import create them.

    An item is the same item when its region, department and name (normalise_spelling) are. A new item's code is
    f"{region}-{department}-{NNN}": the department's function code (docs/department-codes.md) and the number after
    the highest one already used with that prefix, counting the items made through this instance. The region's items
    and codes are read once, on first use; use one instance inside one transaction.
    """

    def __init__(self) -> None:
        self._items: dict[tuple[int, int, str], ServiceItem] = {}
        self._highest: dict[str, int] = {}  # code prefix "410902-MZ-" -> highest number used
        self._regions: set[int] = set()

    def _read(self, region: Region) -> None:
        if region.pk in self._regions:
            return
        self._regions.add(region.pk)
        for item in ServiceItem.objects.filter(region=region).order_by("pk"):
            self._items.setdefault((region.pk, item.department_id, normalise_spelling(item.name)), item)
        for code in ServiceItem.objects.filter(code__startswith=f"{region.code}-").values_list("code", flat=True):
            head, _dash, tail = code.rpartition("-")
            if tail.isdigit():
                prefix = head + "-"
                self._highest[prefix] = max(self._highest.get(prefix, 0), int(tail))

    def find(self, region: Region, department: Department, name: str) -> ServiceItem | None:
        self._read(region)
        return self._items.get((region.pk, department.pk, normalise_spelling(name)))

    def next_code(self, region: Region, department: Department) -> str:
        self._read(region)
        prefix = f"{region.code}-{department.code}-"
        self._highest[prefix] = self._highest.get(prefix, 0) + 1
        return f"{prefix}{self._highest[prefix]:03d}"

    def obtain(self, region: Region, department: Department, name: str, *, level: str = "") -> tuple[ServiceItem, bool]:
        """The region's item of that department and name, made (with the next code) when there is none; and whether
        it was made."""
        item = self.find(region, department, name)
        if item is not None:
            return item, False
        item = ServiceItem.objects.create(
            code=self.next_code(region, department), name=name, region=region, department=department, level=level or ""
        )
        self._items[(region.pk, department.pk, normalise_spelling(name))] = item
        return item, True


def next_item_code(region: Region, department: Department) -> str:
    """The code the next new service item of `department` in `region` gets (ServiceItems.next_code)."""
    return ServiceItems().next_code(region, department)


def create_one_thing(plan: OneThingPlan, *, status: str) -> OneThing:
    """Version 1 of a new one-thing as the plan says, in `status` (listed when the plan has no items). The caller
    records the change (the loader's "load", the import's "import") and, for a published one, its guide."""
    has_items = bool(plan.items) or (plan.template is not None and plan.template.items.exists())
    one_thing = OneThing(code=plan.code, version=1, status=status if has_items else OneThingStatus.LISTED)
    write_one_thing_content(one_thing, plan)
    return one_thing


def write_one_thing_content(one_thing: OneThing, plan: OneThingPlan) -> None:
    """Make a new or editable (listed, draft) version hold what the plan says, replacing what it held: its fields,
    items with their departments and prerequisites, questionnaire and FAQ — or, for an adoption, the template's
    (then the plan's overrides). The status is the caller's."""
    unknown = set(plan.fields) - set(EDITABLE_FIELDS) - set(LIST_FIELDS)
    if unknown:
        raise ValueError(f"a plan cannot set {sorted(unknown)}")
    if one_thing.pk is not None:
        check_action(one_thing, "edit")
        one_thing.items.all().delete()
        one_thing.questions.all().delete()
        one_thing.faqs.all().delete()
    for key, value in plan.fields.items():
        setattr(one_thing, key, value)
    one_thing.region = plan.region
    one_thing.adopted_from = plan.template
    one_thing.source_hash = plan.source_hash
    one_thing.save()
    if plan.template is not None:
        item_map, department_map = adopt_items(plan.template, plan.region)
        lead = one_thing.lead_department
        copy_one_thing_content(plan.template, one_thing, item_map=item_map, department_map=department_map, inherit=True)
        one_thing.name = plan.fields.get("name", one_thing.name)
        one_thing.lead_department = lead or one_thing.lead_department
        one_thing.save()
        _apply_overrides(one_thing, plan.overrides)
    else:
        created = _add_items(one_thing, plan.items)
        _add_questions(one_thing, plan.questions, created)
        FAQ.objects.bulk_create(
            [FAQ(one_thing=one_thing, order=i, question=q, answer=a) for i, (q, a) in enumerate(plan.faqs)]
        )
    one_thing.specification = assess_specification(one_thing)
    one_thing.save()


def _add_items(one_thing: OneThing, items: list[PlannedItem]) -> dict[str, OneThingItem]:
    """The plan's items, by the names the plan refers to them with; an item repeated in one plan is listed once."""
    created: dict[str, OneThingItem] = {}
    for order, it in enumerate(items):
        if it.service_item.pk in {c.service_item_id for c in created.values()}:
            continue
        created[it.name] = OneThingItem.objects.create(
            one_thing=one_thing,
            service_item=it.service_item,
            department=it.department,
            level=it.level,
            order=order,
            mandatory=it.mandatory,
            note=it.note,
        )
        if it.supporting:
            created[it.name].supporting_departments.set(it.supporting)
    for it in items:
        if it.prerequisites and it.name in created:
            created[it.name].prerequisites.set([created[p] for p in it.prerequisites])
    return created


def _add_questions(one_thing: OneThing, questions: list[PlannedQuestion], items: dict[str, OneThingItem]) -> None:
    options: dict[str, Option] = {}
    for qi, q in enumerate(questions):
        question = Question.objects.create(one_thing=one_thing, key=q.key, order=qi, text=q.text)
        question.show_if.set([options[ref] for ref in q.show_if])
        for oi, o in enumerate(q.options):
            option = Option.objects.create(question=question, key=o.key, order=oi, label=o.label)
            option.include_items.set([items[n] for n in o.include_items])
            option.exclude_items.set([items[n] for n in o.exclude_items])
            option.require_materials.set(o.require_materials)
            option.exempt_materials.set(o.exempt_materials)
            options[f"{q.key}.{o.key}"] = option


def _apply_overrides(one_thing: OneThing, overrides: list[PlannedOverride]) -> None:
    for o in overrides:
        item = one_thing.items.filter(service_item__name=o.item).first()
        if item is None:
            raise UserFacingError(_("“%(name)s” has no item “%(item)s”.") % {"name": one_thing.name, "item": o.item})
        if o.department is not None:
            item.department = o.department
        if o.promised_days is not None:
            item.promised_days = o.promised_days
        item.origin = ItemOrigin.OVERRIDDEN
        item.note = o.reason or item.note
        item.save()


# What do_load_one_thing did with a seed one-thing.
LOAD_CREATED = "created"  # version 1 of a new code
LOAD_UNCHANGED = "unchanged"  # the seed is what the loader last wrote: nothing written
LOAD_EDITED = "edited"  # a listed (never published) version rewritten in place, published once it has items
LOAD_NEW_VERSION = "new_version"  # a published version superseded by a new one from the seed
LOAD_KEPT_RETIRED = "kept_retired"  # retired by staff: a changed seed does not bring it back


@transaction.atomic
def do_load_one_thing(
    code: str,
    source_hash: str,
    build_plan: Callable[[], OneThingPlan],
    *,
    acting_user: User | None,
    reason: str,
) -> tuple[OneThing, str]:
    """Write a seed one-thing through the catalog's state rules (ALLOWED_ACTIONS); `build_plan` is called only when
    something is to be written. Returns the version the code now stands for in the seed, and what was done (LOAD_*):

    - unchanged: the last version the loader wrote has this `source_hash` (the seed files' fingerprint) — nothing
      is written (its guide snapshot is made if it is missing);
    - no version yet: version 1, published as loaded (listed without items), with its guide snapshot;
    - the latest version listed (never published, no guide, no cases): edited in place, published once it has items;
    - the latest version published: a new version (do_create_one_thing_version) holding the seed, then published
      (do_publish_one_thing), which supersedes the old one; the old version keeps its guide and its cases;
    - the latest version retired: left retired — a person retired it; a new version from it is theirs to start;
    - a draft exists (someone is editing the next version): ConflictError, so the load writes nothing.
    """
    versions = list(OneThing.objects.select_for_update(of=("self",)).filter(code=code).order_by("-version"))
    seeded = next((v for v in versions if v.source_hash), None)
    if seeded is not None and seeded.source_hash == source_hash:
        guide().ensure(seeded)
        return seeded, LOAD_UNCHANGED
    if not versions:
        one_thing = create_one_thing(build_plan(), status=OneThingStatus.PUBLISHED)
        if one_thing.status == OneThingStatus.PUBLISHED:
            guide().freeze(one_thing)
        record_change(one_thing, "load", acting_user=acting_user, reason=reason, after=snapshot(one_thing))
        return one_thing, LOAD_CREATED
    current = versions[0]
    if current.status == OneThingStatus.RETIRED:
        return current, LOAD_KEPT_RETIRED
    if current.status == OneThingStatus.DRAFT:
        raise ConflictError(
            _("A draft of “%(name)s” already exists; edit or publish it first.") % {"name": current.name}
        )
    before = snapshot(current)
    if current.status == OneThingStatus.LISTED:
        target, outcome = current, LOAD_EDITED
    else:  # published: the latest version is never a superseded one
        target = do_create_one_thing_version(current, acting_user=acting_user, reason=reason)
        outcome = LOAD_NEW_VERSION
    write_one_thing_content(target, build_plan())
    record_change(target, "load", acting_user=acting_user, reason=reason, before=before, after=snapshot(target))
    if outcome == LOAD_NEW_VERSION or target.items.exists():
        target = do_publish_one_thing(target, acting_user=acting_user, reason=reason, require_complete_guide=False)
    return target, outcome
