"""Which department actions each item state allows (STYLE.md §5), and the fixed texts the rules call for.

Seed clauses: 受理 within 1 working day (000 第十四条; 004 四(二)3), the clock starts at acceptance (000 第十五条;
004 四(二)3 办件计时开始); parallel approval, 容缺预审 of an item whose prerequisite is pending, decision at once
when the platform pushes the prerequisite's result (004 四(二)4); withdrawal before the decision ends the work
(004 四(二)4).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cases import rules as case_rules
from cases.choices import CaseAction, ItemStatus
from core.statemachine import StateMachine, action

from .choices import InspectionStatus

A = CaseAction
ITEM = case_rules.ITEM  # the case item's table lives with its model (cases/rules.py)

# item state -> the actions a department's staff may take in it (a view of the table, for the pages)
ITEM_ALLOWED_ACTIONS: dict[str, frozenset[str]] = {str(s): ITEM.allowed(s, people_only=True) for s in ItemStatus}


# the item's actions people take -> who may take them (accounts.permissions.GRANTS): its department decides, the
# supervisors, the window and the lead department urge
ITEM_PERMISSIONS: dict[str, str] = {
    **{
        str(a): "task.decide"
        for a in (
            A.ACCEPT_ITEM,
            A.REFUSE_ITEM,
            A.APPROVE_ITEM,
            A.DENY_ITEM,
            A.PAUSE_ITEM,
            A.RESUME_ITEM,
            A.ASSIGN_ITEM,
        )
    },
    str(A.URGE_ITEM): "task.urge",
}


def is_allowed(status: str, action: str) -> bool:
    return ITEM.is_allowed(status, action)


def check_allowed(status: str, action: str) -> None:
    ITEM.check(status, action)


# The joint inspection (联合勘验/评审) the lead department books: recorded once, or called off.
INSPECTION = StateMachine(
    "inspection",
    InspectionStatus,
    (
        action(A.RECORD_INSPECTION, [InspectionStatus.PLANNED], [InspectionStatus.DONE]),
        action(A.CANCEL_INSPECTION, [InspectionStatus.PLANNED], [InspectionStatus.CANCELLED]),
    ),
    action_labels=case_rules.ACTION_LABELS,
    refusal=gettext_lazy("This inspection is “%(status)s”: “%(action)s” is no longer possible."),
)


DEFAULT_REMEDIES = gettext_lazy(
    "If you disagree with this decision, you may apply for administrative reconsideration within 60 days of "
    "receiving it, or bring an administrative lawsuit within 6 months."
)  # 行政复议法 第二十条; 行政诉讼法 第四十六条
DECISION_AFTER_RELEASE_WORKDAYS = 1  # decision "at once" when the prerequisite's result arrives: by the next day
