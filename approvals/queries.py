"""The one door to the departments' tasks (STYLE.md §9, §11): every view reads CaseItems through these functions.

A task is a case's item once it has been distributed to its department. Who sees which tasks is the one door's
(accounts.permissions.GRANTS): task.view — reviewers and leads their own department's items, a lead also every item
of the one-things it leads, the region roles (supervisor, window, certificate window) their regions' items; task.data
(the item's form values and materials) — the same without the lead's one-thing-wide view.

"Not found" and "not yours" are the same 404, so task ids cannot be probed.

Department data minimisation (数据最小化): a department sees only the form values and the materials its item uses
(`visible_values`, `visible_materials`), from what the case recorded at submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User
from cases.models import CaseItem, CaseMaterial
from oneform.choices import display_value


def restrict_items(user: User, action: str = "task.view") -> QuerySet[CaseItem]:
    """The tasks `user` may see for `action` (see the module doc), with what a queue row shows."""
    items = CaseItem.objects.filter(distributed_at__isnull=False).select_related(
        "case__one_thing", "case__region", "case__applicant", "department", "assignee"
    )
    return permissions.restrict(user, action, items)


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
    return permissions.may(user, "task.data", item)


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
