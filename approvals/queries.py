"""The one door to the departments' tasks (STYLE.md §9, §11): every view reads CaseItems through these functions.

A task is a case's item once it has been distributed to its department. Who sees which tasks, by role (the action
must be allowed for the role in accounts.permissions.ACTION_ROLES):

| role | tasks |
|---|---|
| system administrator | all |
| reviewer (部门审批人员), lead (牵头部门) with a department | the items of their department(s) |
| lead, for task.view and task.urge | also every item of the cases whose one-thing they lead |
| supervisor, window, delivery | the items of the cases of their regions (and the regions below) |
| applicants, anyone else | none |

"Not found" and "not yours" are the same 404, so task ids cannot be probed.

Department data minimisation (数据最小化): a department sees only the form values and the materials its item uses
(`visible_values`, `visible_materials`), from what the case recorded at submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.choices import StaffRole
from accounts.models import User
from accounts.permissions import ACTION_ROLES
from cases.models import CaseItem, CaseMaterial
from oneform.choices import display_value
from regions.models import Region

DEPARTMENT_ROLES = frozenset({StaffRole.REVIEWER, StaffRole.LEAD})
REGION_ROLES = frozenset({StaffRole.SUPERVISOR, StaffRole.WINDOW, StaffRole.DELIVERY})
LEAD_SEES_ONE_THING = frozenset({"task.view", "task.urge"})  # the lead sees, never decides, other departments' items


def _regions_below(region_ids: set[int]) -> set[int]:
    """These regions and every region below them (one query per level)."""
    found = set(region_ids)
    frontier = set(region_ids)
    while frontier:
        frontier = set(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def restrict_items(user: User, action: str = "task.view") -> QuerySet[CaseItem]:
    """The tasks `user` may see for `action` (see the module doc), with what a queue row shows."""
    items = CaseItem.objects.filter(distributed_at__isnull=False).select_related(
        "case__one_thing", "case__region", "case__applicant", "department", "assignee"
    )
    if not getattr(user, "is_authenticated", False):
        return items.none()
    if user.is_superuser:
        return items
    if not user.is_staff_member:
        return items.none()
    allowed = ACTION_ROLES[action]
    assignments = [a for a in user.roles.all() if a.role in allowed]
    if any(a.role == StaffRole.SYSADMIN for a in assignments):
        return items
    departments = {a.department_id for a in assignments if a.role in DEPARTMENT_ROLES and a.department_id}
    led = {a.department_id for a in assignments if a.role == StaffRole.LEAD and a.department_id}
    regions = {a.region_id for a in assignments if a.role in REGION_ROLES}
    condition = Q(pk__in=[])
    if departments:
        condition |= Q(department_id__in=departments)
    if led and action in LEAD_SEES_ONE_THING:
        condition |= Q(case__one_thing__lead_department_id__in=led)
    if regions:
        condition |= Q(case__region_id__in=_regions_below(regions))
    return items.filter(condition)


def find_item(user: User, pk: int, action: str = "task.view") -> CaseItem | None:
    return (
        restrict_items(user, action)
        .select_related("case__one_thing__lead_department", "decided_by")
        .filter(pk=pk)
        .first()
    )


def get_item(user: User, pk: int, action: str = "task.view") -> CaseItem:
    """The task if `user` may see it for `action`; Http404 otherwise, the same whether it exists or not."""
    item = find_item(user, pk, action)
    if item is None:
        raise Http404("No such task")
    return item


# ---------------------------------------------------------------- data minimisation


@dataclass(frozen=True)
class VisibleField:
    key: str
    label: str
    section: str
    value: Any
    produced_by: str = ""  # another item of the case produces it (filled when that item is approved)

    @property
    def display(self) -> str:
        """The value as people read it (是/否 for a yes/no field)."""
        return display_value(self.value)


def visible_fields(item: CaseItem) -> list[VisibleField]:
    """The form fields the item uses (its `used_by`), in the form's order, with the values the case holds."""
    values = item.case.values or {}
    return [
        VisibleField(
            f["key"],
            f.get("label") or f["key"],
            f.get("section", ""),
            values.get(f["key"], ""),
            f.get("produced_by", ""),
        )
        for f in (item.case.requirements or {}).get("fields", [])
        if item.name in (f.get("used_by") or [])
    ]


def visible_values(item: CaseItem) -> dict[str, Any]:
    """The case's form values restricted to the fields the item uses: what its department may read."""
    return {f.key: f.value for f in visible_fields(item) if f.key in (item.case.values or {})}


def visible_materials(item: CaseItem) -> list[CaseMaterial]:
    """The case's materials that the item needs (each material lists the items needing it)."""
    materials = item.case.materials.select_related("material_type").order_by("order", "id")
    return [m for m in materials if item.name in (m.items or [])]


def sees_item_data(user: User, item: CaseItem) -> bool:
    """Whether `user` may read the item's form values and materials: its own department (reviewers, a lead of that
    department), the region roles (window, supervisor, certificate window) and system administrators — not a lead
    department that sees the item only because it leads the one-thing (it follows progress, not another
    department's data: bank cards, medical invoices…)."""
    if user.is_superuser:
        return True
    regions: set[int] = set()
    for a in user.roles.all():
        if a.role == StaffRole.SYSADMIN:
            return True
        if a.role in DEPARTMENT_ROLES and a.department_id == item.department_id:
            return True
        if a.role in REGION_ROLES:
            regions.add(a.region_id)
    return bool(regions) and item.case.region_id in _regions_below(regions)


def find_visible_material(user: User, number: str, material_key: str) -> CaseMaterial | None:
    """A material file of case `number` that one of the user's own department's tasks needs, for staff without the
    case-wide right (reviewers and leads see the files of their own department's items only); None otherwise."""
    names = set(restrict_items(user, "task.decide").filter(case__number=number).values_list("name", flat=True))
    if not names:
        return None
    material = (
        CaseMaterial.objects.filter(case__number=number, material_type__key=material_key).exclude(file="").first()
    )
    if material is None or not names & set(material.items or []):
        return None
    return material
