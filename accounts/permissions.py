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
