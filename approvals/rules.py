"""Which department actions each item state allows (STYLE.md §5), and the fixed texts the rules call for.

Seed clauses: 受理 within 1 working day (000 第十四条; 004 四(二)3), the clock starts at acceptance (000 第十五条;
004 四(二)3 办件计时开始); parallel approval, 容缺预审 of an item whose prerequisite is pending, decision at once
when the platform pushes the prerequisite's result (004 四(二)4); withdrawal before the decision ends the work
(004 四(二)4).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseAction, ItemStatus
from core.errors import ConflictError

# item state -> department/system actions allowed in it
ITEM_ALLOWED_ACTIONS: dict[str, frozenset[str]] = {
    ItemStatus.AWAITING_RECEIPT: frozenset(),
    ItemStatus.QUEUED: frozenset(
        {CaseAction.ACCEPT_ITEM, CaseAction.REFUSE_ITEM, CaseAction.ASSIGN_ITEM, CaseAction.URGE_ITEM}
    ),
    ItemStatus.PRE_REVIEW: frozenset(
        {
            CaseAction.DENY_ITEM,
            CaseAction.ASSIGN_ITEM,
            CaseAction.URGE_ITEM,
            CaseAction.RELEASE_ITEM,
            CaseAction.STOP_ITEM,
        }
    ),
    ItemStatus.ACCEPTED: frozenset(
        {
            CaseAction.APPROVE_ITEM,
            CaseAction.DENY_ITEM,
            CaseAction.PAUSE_ITEM,
            CaseAction.ASSIGN_ITEM,
            CaseAction.URGE_ITEM,
        }
    ),
    ItemStatus.SUPPLEMENT: frozenset({CaseAction.RESUME_ITEM, CaseAction.ASSIGN_ITEM, CaseAction.URGE_ITEM}),
    ItemStatus.APPROVED: frozenset(),
    ItemStatus.DENIED: frozenset(),
    ItemStatus.REFUSED: frozenset(),
    ItemStatus.STOPPED: frozenset(),
    ItemStatus.WITHDRAWN: frozenset(),
}


def is_allowed(status: str, action: str) -> bool:
    return action in ITEM_ALLOWED_ACTIONS.get(status, frozenset())


def check_allowed(status: str, action: str) -> None:
    if not is_allowed(status, action):
        raise ConflictError(
            _("This cannot be done now: the item is “%(status)s”; “%(action)s” is not possible in that state.")
            % {"status": ItemStatus(status).label, "action": CaseAction(action).label}
        )


DEFAULT_REMEDIES = gettext_lazy(
    "If you disagree with this decision, you may apply for administrative reconsideration within 60 days of "
    "receiving it, or bring an administrative lawsuit within 6 months."
)  # 行政复议法 第二十条; 行政诉讼法 第四十六条
DECISION_AFTER_RELEASE_WORKDAYS = 1  # decision "at once" when the prerequisite's result arrives: by the next day
