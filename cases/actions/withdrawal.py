"""Withdrawal (撤回) and the case status its items give (derive_status)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ConflictError, UserFacingError

from .. import rules
from ..choices import (
    ENDED_ITEM_STATUSES,
    CaseAction,
    CaseStatus,
    ItemStatus,
)
from ..kernel import record_event
from ..models import Case, CaseItem
from .common import (
    MAX_REASON_LENGTH,
    ON_WITHDRAWN,
    _actor,
    _check_applicant_or_window,
    _lock,
    _notify,
)


def derive_status(case: Case, items: list[CaseItem]) -> str:
    """The case's status after receipt, from its items (全部办结, 部分办结, 已撤回, 未办结, 办理中, 已收件)."""
    statuses = [item.status for item in items]
    if any(s not in ENDED_ITEM_STATUSES for s in statuses):
        started = any(s not in (ItemStatus.AWAITING_RECEIPT, ItemStatus.QUEUED) for s in statuses)
        return CaseStatus.IN_PROGRESS if started else CaseStatus.RECEIVED
    approved = sum(1 for s in statuses if s == ItemStatus.APPROVED)
    if statuses and approved == len(statuses):
        return CaseStatus.COMPLETED
    if approved:
        return CaseStatus.PARTIALLY_COMPLETED
    if case.withdrawn_at is not None:
        return CaseStatus.WITHDRAWN
    return CaseStatus.NOT_ACCEPTED


def can_withdraw(case: Case) -> bool:
    if not rules.is_allowed(case.status, CaseAction.WITHDRAW):
        return False
    return any(item.status not in ENDED_ITEM_STATUSES for item in case.items.all())


@transaction.atomic
def do_withdraw_case(case: Case, reason: str, *, acting_user: User, ip: str | None = None) -> Case:
    """撤回: every item not yet decided ends; decided items keep their results."""
    case = _lock(case)
    _check_applicant_or_window(case, acting_user)
    rules.check_allowed(case.status, CaseAction.WITHDRAW)
    reason = (reason or "").strip()[:MAX_REASON_LENGTH]
    if not reason:
        raise UserFacingError(_("Give a reason for withdrawing."))
    items = list(case.items.select_for_update())
    open_items = [item for item in items if item.status not in ENDED_ITEM_STATUSES]
    if not open_items:
        raise ConflictError(_("Every item has been decided; there is nothing left to withdraw."))
    now = timezone.now()
    for item in open_items:
        rules.ITEM.move(item, CaseAction.WITHDRAW, ItemStatus.WITHDRAWN)
        item.save(update_fields=["status", "updated_at"])
    before = case.status
    case.withdrawn_at = now
    case.withdrawal_reason = reason
    case.review_due_at = None
    rules.CASE.move(case, CaseAction.WITHDRAW, derive_status(case, items))
    case.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "review_due_at", "updated_at"])
    record_event(
        case,
        CaseAction.WITHDRAW,
        _actor(acting_user, ip, case.channel),
        from_status=before,
        to_status=case.status,
        summary=_("Withdrawn: %(reason)s") % {"reason": reason},
        detail={"items": [item.pk for item in open_items]},
        at=now,
    )
    _notify(case, "case.withdrawn")
    for hook in ON_WITHDRAWN:
        hook(case)  # in the withdrawal's transaction: inspections called off, results announced
    return case
