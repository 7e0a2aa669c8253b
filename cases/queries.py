"""The one door to cases (STYLE.md §9, §11): every view reads cases through these functions.

An applicant sees only their own cases; staff see the cases of the regions where their role allows the action —
a lead department (牵头部门) only the cases of the one-things it leads (accounts.permissions.case_scope). "Not found"
and "not yours" give the same 404, so case numbers cannot be probed.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import case_scope

from .models import Case, CaseEvent, CaseItem

APPLICANT_ACTIONS = frozenset({"case.view", "case.materials"})  # on their own cases


def restrict(user: User, action: str = "case.view") -> QuerySet[Case]:
    """The cases `user` may see (applicants: their own; staff: their regions for `action`)."""
    cases = Case.objects.select_related("one_thing", "region", "applicant")
    if not user.is_authenticated:
        return cases.none()
    if user.is_applicant:
        return cases.filter(applicant=user) if action in APPLICANT_ACTIONS else cases.none()
    scope = case_scope(user, action)
    if scope is None:
        return cases
    condition = Q(region__code__in=scope.codes) if scope.codes else Q(pk__in=[])
    for department_id, codes in scope.led:
        condition |= Q(region__code__in=codes, one_thing__lead_department_id=department_id)
    return cases.filter(condition)


def with_items(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.prefetch_related(
        Prefetch("items", queryset=CaseItem.objects.select_related("department").order_by("order", "id"))
    )


def get_case(user: User, number: str, action: str = "case.view") -> Case:
    """The case with this number if `user` may see it for `action`; Http404 otherwise, the same either way."""
    case = with_items(restrict(user, action)).filter(number=number).first()
    if case is None:
        raise Http404("No such case")
    return case


def find_case(user: User, number: str, action: str = "case.view") -> Case | None:
    return with_items(restrict(user, action)).filter(number=number).first()


def first_event(case_id: int, action: str, **detail: str) -> CaseEvent | None:
    """The first event of `action` on the case whose detail holds these values (e.g. licence=<number>), or None.
    The trail is hash-chained (core.trail): what it says is trusted over a status column."""
    return (
        CaseEvent.objects.filter(case_id=case_id, action=action, **{f"detail__{k}": v for k, v in detail.items()})
        .order_by("at", "id")
        .first()
    )
