"""Look-ups over regions and departments."""

from __future__ import annotations

import re

from .models import Department, Region

_SPACE = re.compile(r"\s+")


def normalise_spelling(text: str) -> str:
    """Department spellings from PDF extractions carry stray spaces and line breaks."""
    return _SPACE.sub("", text or "")


class DepartmentDirectory:
    """Resolves a department spelling within a region, then its parent regions.

    Built once per import so that resolving thousands of rows costs one query.
    """

    def __init__(self) -> None:
        self._by_region: dict[int, dict[str, Department]] = {}
        self._by_code: dict[tuple[int, str], Department] = {}
        for dept in Department.objects.select_related("region"):
            table = self._by_region.setdefault(dept.region_id, {})
            for spelling in dept.spellings():
                table.setdefault(normalise_spelling(spelling), dept)
            self._by_code[(dept.region_id, dept.code)] = dept

    def find(self, region: Region, spelling: str) -> Department | None:
        key = normalise_spelling(spelling)
        for candidate in [region, *region.ancestors()]:
            dept = self._by_region.get(candidate.pk, {}).get(key)
            if dept is not None:
                return dept
        return None

    def find_by_code(self, region: Region, code: str) -> Department | None:
        return self._by_code.get((region.pk, code))
