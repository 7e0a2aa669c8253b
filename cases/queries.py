"""The one door to cases (STYLE.md §9, §11): every view reads cases through these functions.

An applicant sees only their own cases; staff see the cases of the regions where their role allows the action —
a lead department (牵头部门) only the cases of the one-things it leads (accounts.permissions.GRANTS). "Not found"
and "not yours" give the same 404, so case numbers cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts import permissions
from accounts.models import User

from .choices import ENDED_ITEM_STATUSES, CaseAction, ItemStatus
from .models import Case, CaseEvent, CaseItem


def restrict(user: User, action: str = "case.view") -> QuerySet[Case]:
    """The cases `user` may see (applicants: their own; staff: their regions for `action`)."""
    return permissions.restrict(user, action, Case.objects.select_related("one_thing", "region", "applicant"))


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


# ---------------------------------------------------------------- the status the trail gives


@dataclass(frozen=True)
class TrailStatus:
    """The statuses a case's trail (CaseEvent) says the case and its items are in (status_from_trail)."""

    case: str  # the last case-level event's to_status; "" when no case-level event gives one
    items: dict[int, str]  # every item of the case (by id): its status by its events
    breaks: tuple[str, ...]  # steps the trail lacks: an event starting from a status the trail had not reached


# Case-level events that move items (the ids in detail["items"]): where to, and from which statuses.
ITEMS_MOVED_BY = {
    CaseAction.DISTRIBUTE: (ItemStatus.QUEUED.value, frozenset({ItemStatus.AWAITING_RECEIPT})),
    CaseAction.WITHDRAW: (ItemStatus.WITHDRAWN.value, frozenset(ItemStatus) - ENDED_ITEM_STATUSES),
}


def status_from_trail(case: Case) -> TrailStatus:
    """The case's status and its items' as derived from its events alone, to compare with the stored ones.

    Events are read in id order: the trail's hash chain (core.trail) appends them one transaction at a time, so the
    id order is the order in which they committed (`at` may be set earlier, e.g. a document issued with the change
    it belongs to). An item starts awaiting receipt (do_submit_case creates it so, without an event); each of its
    events (item set) takes it from `from_status` to `to_status`; distribution and withdrawal move the items they
    list (ITEMS_MOVED_BY). A case-level event with a `to_status` sets the case's. An event whose `from_status` is not
    where the trail had brought the case or the item is a break: a step is missing from the trail."""
    items = {pk: ItemStatus.AWAITING_RECEIPT.value for pk in case.items.values_list("pk", flat=True)}
    status, breaks = "", []
    events = case.events.order_by("pk").values_list("pk", "item_id", "action", "from_status", "to_status", "detail")
    for pk, item_id, action, before, after, detail in events:
        if item_id is not None:
            if after and before != items.get(item_id):
                breaks.append(
                    f"event {pk} ({action}): item {item_id} from {before!r}, the trail has {items.get(item_id)!r}"
                )
            items[item_id] = after or items.get(item_id, "")
            continue
        moved_to, moved_from = ITEMS_MOVED_BY.get(action, (None, frozenset()))
        for moved in (detail or {}).get("items", []) if moved_to else []:
            if items.get(moved) not in moved_from:
                breaks.append(f"event {pk} ({action}): item {moved} moved from {items.get(moved)!r}")
            items[moved] = moved_to
        if after:
            if before != status:
                breaks.append(f"event {pk} ({action}): case from {before!r}, the trail has {status!r}")
            status = after
    return TrailStatus(status, items, tuple(breaks))
