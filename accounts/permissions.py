"""Which roles may do what, in one table (see STYLE.md §10).

A role held in a region covers that region and the regions below it; a system administrator's covers all.
"""

from __future__ import annotations

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


def region_codes_for(user: User | AnonymousUser, action: str) -> set[str] | None:
    """Codes of every region (with the regions below) in which the user may act; None means everywhere."""
    regions = regions_for(user, action)
    if regions is None:
        return None
    codes: set[str] = set()
    frontier = [r for r in regions]
    while frontier:
        region = frontier.pop()
        if region.code in codes:
            continue
        codes.add(region.code)
        frontier.extend(region.children.all())
    return codes


def can(user: User | AnonymousUser, action: str, region: Region | None = None) -> bool:
    codes = region_codes_for(user, action)
    if codes is None:
        return True
    if region is None:
        return bool(codes)
    return region.code in codes
