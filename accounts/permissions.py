"""Which roles may do what, in one table (see STYLE.md §10).

A role held in a region covers that region and the regions below it; a system administrator's covers all. The lead
department (牵头部门) is narrower for cases: its role covers only the cases of the one-things it leads, within its
region (case_scope).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from regions.models import Region

from .choices import StaffRole
from .models import User

# action -> roles allowed to perform it
ACTION_ROLES: dict[str, frozenset[str]] = {
    "catalog.view_drafts": frozenset({StaffRole.CATALOG_ADMIN, StaffRole.SUPERVISOR, StaffRole.SYSADMIN}),
    "catalog.edit": frozenset({StaffRole.CATALOG_ADMIN, StaffRole.SYSADMIN}),
    "catalog.publish": frozenset({StaffRole.CATALOG_ADMIN, StaffRole.SYSADMIN}),
    "catalog.import": frozenset({StaffRole.CATALOG_ADMIN, StaffRole.SYSADMIN}),
    "catalog.export": frozenset(
        {StaffRole.CATALOG_ADMIN, StaffRole.SUPERVISOR, StaffRole.SYSADMIN, StaffRole.WINDOW, StaffRole.LEAD}
    ),
    # cases (办件)
    "case.view": frozenset(
        {
            StaffRole.WINDOW,
            StaffRole.LEAD,
            StaffRole.DELIVERY,
            StaffRole.SUPERVISOR,
            StaffRole.SYSADMIN,
        }
    ),
    # every material file of a case (the lead department, the certificate window: only their own items' files, through
    # the tasks' door; issue 11: 最小必要)
    "case.materials": frozenset({StaffRole.WINDOW, StaffRole.SUPERVISOR, StaffRole.SYSADMIN}),
    "case.review": frozenset({StaffRole.WINDOW, StaffRole.SYSADMIN}),  # 形式审查、收件、补正告知
    "case.file_walk_in": frozenset({StaffRole.WINDOW, StaffRole.SYSADMIN}),  # 窗口收件、帮办代办
    # the departments' tasks (联办事项); deciding is limited further to the staff member's own department
    "task.view": frozenset(
        {
            StaffRole.REVIEWER,
            StaffRole.LEAD,
            StaffRole.SUPERVISOR,
            StaffRole.WINDOW,
            StaffRole.DELIVERY,
            StaffRole.SYSADMIN,
        }
    ),
    "task.decide": frozenset({StaffRole.REVIEWER, StaffRole.LEAD, StaffRole.SYSADMIN}),  # 受理、审批
    "task.urge": frozenset({StaffRole.SUPERVISOR, StaffRole.LEAD, StaffRole.WINDOW, StaffRole.SYSADMIN}),  # 催办
    # results (办理结果): delivery by the certificate window (发证窗口送达), archiving (归档; LEAD: the lead department only)
    "result.deliver": frozenset({StaffRole.DELIVERY, StaffRole.WINDOW, StaffRole.SYSADMIN}),
    "result.archive": frozenset({StaffRole.LEAD, StaffRole.WINDOW, StaffRole.SYSADMIN}),
}


def regions_for(user: User | AnonymousUser, action: str) -> list[Region] | None:
    """Regions in which `user` may perform `action`: a list (possibly empty), or None meaning everywhere."""
    if not user.is_authenticated:
        return []
    allowed = ACTION_ROLES[action]
    if user.is_superuser:
        return None
    regions: list[Region] = []
    for assignment in user.roles.select_related("region"):
        if assignment.role not in allowed:
            continue
        if assignment.role == StaffRole.SYSADMIN:
            return None
        regions.append(assignment.region)
    return regions


def _codes_below(regions: list[Region]) -> set[str]:
    codes: set[str] = set()
    frontier = list(regions)
    while frontier:
        region = frontier.pop()
        if region.code in codes:
            continue
        codes.add(region.code)
        frontier.extend(region.children.all())
    return codes


@dataclass(frozen=True)
class CaseScope:
    """Where a staff member sees cases for an action: every case of `codes`; and, as a lead department, the cases
    of the one-things each department in `led` leads, in that department's region codes."""

    codes: frozenset[str]
    led: tuple[tuple[int, frozenset[str]], ...] = ()


def case_scope(user: User | AnonymousUser, action: str) -> CaseScope | None:
    """The cases `user` may see for `action` (CaseScope); None means everywhere. One query for the roles."""
    if not user.is_authenticated:
        return CaseScope(frozenset())
    if user.is_superuser:
        return None
    allowed = ACTION_ROLES[action]
    full: list[Region] = []
    led: dict[int, list[Region]] = {}
    for assignment in user.roles.select_related("region"):
        if assignment.role not in allowed:
            continue
        if assignment.role == StaffRole.SYSADMIN:
            return None
        if assignment.role == StaffRole.LEAD and assignment.department_id:
            led.setdefault(assignment.department_id, []).append(assignment.region)
        else:
            full.append(assignment.region)
    return CaseScope(
        frozenset(_codes_below(full)),
        tuple((department, frozenset(_codes_below(regions))) for department, regions in sorted(led.items())),
    )


def region_codes_for(user: User | AnonymousUser, action: str) -> set[str] | None:
    """Codes of every region (with the regions below) in which the user may act; None means everywhere."""
    regions = regions_for(user, action)
    return None if regions is None else _codes_below(regions)


def can(user: User | AnonymousUser, action: str, region: Region | None = None) -> bool:
    codes = region_codes_for(user, action)
    if codes is None:
        return True
    if region is None:
        return bool(codes)
    return region.code in codes
