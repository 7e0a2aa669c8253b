"""Look-ups over regions and departments."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from .models import Department, Region

_SPACE = re.compile(r"\s+")


def normalise_spelling(text: str) -> str:
    """Department spellings from PDF extractions carry stray spaces and line breaks."""
    return _SPACE.sub("", text or "")


D = TypeVar("D")


def resolve_cell(spelling: str, find: Callable[[str], D | None]) -> tuple[list[D], list[str]]:
    """The departments a seed or Excel cell names, and the parts that could not be resolved.

    The whole cell is tried first, then its “、”-separated parts (a trailing 等 dropped), consecutive parts also
    together, longest first, so that a name which itself contains “、” still resolves; a 县/区/市 prefix of the
    first part carries to the others (“县民政局、残联”). `find` looks one spelling up.
    """
    whole = find(spelling)
    if whole is not None:
        return [whole], []
    parts = [p for p in normalise_spelling(spelling).removesuffix("等").split("、") if p]
    prefix = parts[0][:1] if parts and parts[0][:1] in "县区市" and len(parts[0]) > 2 else ""
    found: list[D] = []
    unknown: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = "、".join(parts[i:j])
            dept = find(candidate) or (find(prefix + candidate) if prefix and i > 0 else None)
            if dept is not None:
                if dept not in found:
                    found.append(dept)
                i = j
                break
        else:
            unknown.append(parts[i])
            i += 1
    return found, unknown


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
